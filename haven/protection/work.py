"""Child protection and child in need items for "my work" and the manager's view."""

from __future__ import annotations

from django.db.models import Max, Q
from django.urls import reverse

from haven.accounts.models import User
from haven.childinneed.models import CINPlan
from haven.core.calendar import rule
from haven.people.access import user_team_ids
from haven.protection.models import ChildProtectionPlan, Conference, CoreGroup, S47Enquiry
from haven.work.items import Scope, WorkItem


def _held_by(user: User, scope: Scope, prefix: str = "person__") -> Q:
    """Records of children whose case the user (or their teams) holds."""
    held = {f"{prefix}allocations__end_date__isnull": True}
    if scope is Scope.MINE:
        return Q(**held, **{f"{prefix}allocations__worker": user})
    return Q(**held, **{f"{prefix}allocations__team_id__in": user_team_ids(user)})


def protection_items(user: User, scope: Scope) -> list[WorkItem]:
    items = []
    person_url = lambda pk: reverse("protection:child_protection", args=[pk])  # noqa: E731
    for conf in Conference.objects.filter(
        _held_by(user, scope), held_on__isnull=True
    ).select_related("person"):
        items.append(
            WorkItem(
                "Conference",
                conf.get_kind_display(),
                conf.due_date,
                person_url(conf.person_id),
                conf.person.full_name,
            )
        )
    for group in CoreGroup.objects.filter(
        _held_by(user, scope), held_on__isnull=True
    ).select_related("person"):
        items.append(
            WorkItem(
                "Core group",
                "Core group",
                group.due_date,
                person_url(group.person_id),
                group.person.full_name,
            )
        )
    for s47 in S47Enquiry.objects.filter(
        _held_by(user, scope), end_date__isnull=True
    ).select_related("person"):
        items.append(
            WorkItem(
                "Section 47 enquiry",
                "Complete the section 47 enquiry",
                s47.icpc_target,
                person_url(s47.person_id),
                s47.person.full_name,
            )
        )
    for model, key, label in (
        (ChildProtectionPlan, "cp_visit", "CP visit"),
        (CINPlan, "cin_visit", "CIN visit"),
    ):
        plans = (
            model.objects.filter(_held_by(user, scope), end_date__isnull=True)  # type: ignore[attr-defined]
            .annotate(last_visit=Max("visits__visited_on"))
            .select_related("person")
        )
        for plan in plans:
            due = rule(key).due_date(plan.last_visit or plan.start_date)
            items.append(
                WorkItem(
                    label, f"{label} due", due, person_url(plan.person_id), plan.person.full_name
                )
            )
    return items
