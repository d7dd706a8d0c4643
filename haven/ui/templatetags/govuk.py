"""GOV.UK Frontend components for Django forms (placeholder; fleshed out in haven.ui)."""

from django import template

register = template.Library()
