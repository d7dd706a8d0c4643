"""``{% header_links as navigation %}``: the header's links from the navigation registry."""

from __future__ import annotations

from typing import Any

from django import template

from haven.ui.navigation import ShownLink
from haven.ui.navigation import header_links as links_for

register = template.Library()


@register.simple_tag(takes_context=True)
def header_links(context: Any) -> list[ShownLink]:
    request = context.get("request")
    if request is None:
        return []
    return links_for(request, badges=context.flatten())
