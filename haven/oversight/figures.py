"""The oversight figures, computed from the records each time: oversight on every open case
within the local interval, and supervision in time. Registered as a performance page with a view
of its own (these are counts on today, not over months)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from haven.accounts.models import User
from haven.oversight import schedule, selectors
from haven.people.access import visible_q
from haven.people.models import Person
from haven.performance.measures import Page

PAGE = Page(key="oversight", title="Oversight and supervision", url_name="oversight:figures")
LISTED = 200


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def oversight_in_time(*, user: User, today: datetime.date | None = None) -> dict[str, Any]:
    """Open cases with a manager's oversight in the last N days (the local interval), and those
    without: counted over every case, listed only as far as ``user`` may see the children."""
    today = today or timezone.localdate()
    days = schedule.oversight_interval_days()
    since = today - datetime.timedelta(days=days)
    cases = selectors.open_cases_with_oversight()
    within = Q(last_oversight__gte=since)
    counts = cases.aggregate(total=Count("pk"), within=Count("pk", filter=within))
    without = cases.filter(Q(last_oversight__isnull=True) | Q(last_oversight__lt=since))
    shown = list(
        without.filter(person__in=Person.objects.filter(visible_q(user)))
        .values(
            "person_id",
            "person__given_names",
            "person__family_name",
            "team__name",
            "start_date",
            "last_oversight",
        )
        .order_by("last_oversight", "start_date", "person_id")[:LISTED]
    )
    without_count = counts["total"] - counts["within"]
    return {
        "days": days,
        "since": since,
        "total": counts["total"],
        "within": counts["within"],
        "share": _share(counts["within"], counts["total"]),
        "without": without_count,
        "shown": shown,
        "not_shown": without_count - len(shown),
        "caption": f"Open cases without oversight in the last {days} days",
    }


def supervised_workers() -> Any:
    """Every active worker who is supervised: holds cases, does not record oversight, and is in
    a team."""
    return User.objects.filter(
        is_active=True, role__in=selectors.supervised_roles(), memberships__isnull=False
    ).distinct()


def supervision_in_time() -> dict[str, Any]:
    statuses = selectors.supervision_statuses(supervised_workers())
    overdue = [s for s in statuses if s.is_overdue]
    in_time = len(statuses) - len(overdue)
    return {
        "total": len(statuses),
        "in_time": in_time,
        "share": _share(in_time, len(statuses)),
        "overdue": overdue,
    }
