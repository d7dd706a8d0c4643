from typing import Any

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.alerts.filter(read_at__isnull=True).count()
    return {
        "service_name": settings.HAVEN_SERVICE_NAME,
        "council_name": settings.HAVEN_COUNCIL_NAME,
        "unread_alerts": unread,
    }
