"""What a practitioner or manager has to do: caseloads and the lists built from work items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, QuerySet

from haven.accounts.models import User
from haven.people.access import restriction_q, user_team_ids
from haven.people.models import Allocation
from haven.work.items import Scope, WorkItem, work_for


def caseload_for_worker(*, user: User) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(restriction_q(user, "person__"), worker=user, end_date__isnull=True)
        .select_related("person", "team")
        .order_by("person__family_name", "person__given_names")
    )


def _team_open_allocations(user: User) -> QuerySet[Allocation]:
    return Allocation.objects.filter(
        restriction_q(user, "person__"), team_id__in=user_team_ids(user), end_date__isnull=True
    )


def team_caseloads(*, user: User) -> list[dict[str, Any]]:
    """Each worker in the user's teams with the number of children they hold."""
    return [
        dict(row)
        for row in _team_open_allocations(user)
        .filter(worker__isnull=False)
        .values("worker_id", "worker__first_name", "worker__last_name")
        .annotate(children=Count("id"))
        .order_by("worker__last_name", "worker__first_name")
    ]


def team_unallocated_children(*, user: User) -> QuerySet[Allocation]:
    """Children held by the user's teams with no named worker, longest waiting first."""
    return (
        _team_open_allocations(user)
        .filter(worker__isnull=True)
        .select_related("person", "team")
        .order_by("start_date", "pk")
    )


# The sections of a manager's view: (key, heading, which items).
TEAM_SECTIONS: dict[str, tuple[str, Callable[[WorkItem], bool]]] = {
    "to-authorise": ("Awaiting your authorisation", lambda i: i.awaiting_authorisation),
    "overdue": ("Overdue in your teams", lambda i: i.is_overdue and not i.awaiting_authorisation),
    "unallocated": ("Unallocated work", lambda i: not i.owner and not i.awaiting_authorisation),
}


def team_sections(*, user: User) -> dict[str, list[WorkItem]]:
    items = work_for(user, Scope.TEAMS)
    return {key: [i for i in items if keep(i)] for key, (_, keep) in TEAM_SECTIONS.items()}
