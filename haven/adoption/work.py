"""Adoption items for the manager's view: a plan for adoption still without a match after the
setting HAVEN_ADOPTION_MATCH_MONTHS (6 by default) months."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from haven.accounts.models import User
from haven.adoption.models import AdoptionPlan
from haven.core.calendar import add_calendar_months
from haven.people.access import user_team_ids
from haven.people.models import Allocation
from haven.work.items import Scope, WorkItem, allocated_worker_name, url_maker


def match_due(decided_on: datetime.date) -> datetime.date:
    """When a plan decided on ``decided_on`` should have found its adopters."""
    return add_calendar_months(decided_on, settings.HAVEN_ADOPTION_MATCH_MONTHS)


def adoption_items(user: User, scope: Scope) -> list[WorkItem]:
    """The manager's view only: the worker sees the plan on the child's record; the match being
    late is a question for the manager (one query)."""
    if scope is not Scope.TEAMS:
        return []
    held = Allocation.objects.filter(end_date__isnull=True, team_id__in=user_team_ids(user))
    latest_decision = add_calendar_months(
        timezone.localdate(), -settings.HAVEN_ADOPTION_MATCH_MONTHS
    )
    rows = (
        AdoptionPlan.objects.filter(
            Q(person_id__in=held.values("person_id")),
            matched_on__isnull=True,
            adoption_order_on__isnull=True,
            reversed_on__isnull=True,
            decided_on__lte=latest_decision,
        )
        .annotate(owner=allocated_worker_name())
        .values("person_id", "person__given_names", "person__family_name", "decided_on", "owner")
    )
    url = url_maker("adoption:adoption")
    return [
        WorkItem(
            "Adoption",
            "No match with adopters yet",
            match_due(row["decided_on"]),
            url(row["person_id"]),
            ((row["person_id"], f"{row['person__given_names']} {row['person__family_name']}"),),
            row["owner"] or "",
        )
        for row in rows
    ]
