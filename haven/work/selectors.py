"""What a practitioner or manager has to do: their caseload (later parts add due items)."""

from __future__ import annotations

from django.db.models import QuerySet

from haven.accounts.models import User
from haven.people.models import Allocation


def caseload_for_worker(*, user: User) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(worker=user, end_date__isnull=True, person__is_restricted=False)
        .select_related("person", "team")
        .order_by("person__family_name", "person__given_names")
    )


def team_allocations(*, user: User) -> QuerySet[Allocation]:
    """Open allocations of the teams the user belongs to (a manager's view of their teams)."""
    return (
        Allocation.objects.filter(
            team__memberships__user=user, end_date__isnull=True, person__is_restricted=False
        )
        .select_related("person", "team", "worker")
        .order_by("team__name", "worker__last_name", "person__family_name")
    )
