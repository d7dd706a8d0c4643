"""Closure items for "my work" and the manager's view."""

from __future__ import annotations

from django.db.models import Q

from haven.accounts.models import User
from haven.childinneed.models import ClosureProposal, ClosureStatus
from haven.people.access import user_team_ids
from haven.work.items import Scope, WorkItem, url_maker


def closure_items(user: User, scope: Scope) -> list[WorkItem]:
    """A manager signs off proposed closures of their teams' cases; a worker sees a closure
    returned to them until they propose again."""
    url = url_maker("childinneed:closure")
    if scope is Scope.TEAMS:
        rows = ClosureProposal.objects.filter(
            status=ClosureStatus.PROPOSED, referral__team_id__in=user_team_ids(user)
        )
    else:
        # Returned, and not proposed again since.
        rows = ClosureProposal.objects.filter(
            Q(status=ClosureStatus.RETURNED), proposed_by=user, referral__closure_date__isnull=True
        ).exclude(referral__closure_proposals__status=ClosureStatus.PROPOSED)
    items = []
    for row in rows.values(
        "person_id",
        "status",
        "proposed_at",
        "person__given_names",
        "person__family_name",
        "proposed_by__first_name",
        "proposed_by__last_name",
    ).distinct():
        people = ((row["person_id"], f"{row['person__given_names']} {row['person__family_name']}"),)
        owner = f"{row['proposed_by__first_name']} {row['proposed_by__last_name']}".strip()
        if row["status"] == ClosureStatus.PROPOSED:
            items.append(
                WorkItem(
                    "Case closure",
                    "Sign off closing the case",
                    row["proposed_at"],
                    url(row["person_id"]),
                    people,
                    owner,
                    awaiting_authorisation=True,
                )
            )
        else:
            items.append(
                WorkItem(
                    "Case closure",
                    "Closure returned for changes",
                    row["proposed_at"],
                    url(row["person_id"]),
                    people,
                    owner,
                )
            )
    return items
