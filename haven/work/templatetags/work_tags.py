import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def due_status(due: datetime.date | datetime.datetime | None) -> str:
    """ "overdue", "today" or "" for a due date or time."""
    if due is None:
        return ""
    if isinstance(due, datetime.datetime):
        if due < timezone.now():
            return "overdue"
        return "today" if timezone.localtime(due).date() == timezone.localdate() else ""
    today = timezone.localdate()
    return "overdue" if due < today else "today" if due == today else ""
