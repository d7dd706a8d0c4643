"""Child protection and child in need items for "my work" and the manager's view."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import OuterRef, Subquery

from haven.accounts.models import User
from haven.childinneed.models import CINPlan, CINReview
from haven.core.calendar import rule
from haven.protection.models import (
    ChildProtectionPlan,
    Conference,
    ConferenceKind,
    CoreGroup,
    PlanAction,
    S47Enquiry,
    Visit,
)
from haven.work.items import Scope, WorkItem, allocated_worker_name, held_by, url_maker

FIELDS = ("person_id", "person__given_names", "person__family_name", "owner")


def _rows(
    model: type, user: User, scope: Scope, *fields: str, **filters: object
) -> list[dict[str, Any]]:
    return list(
        model.objects.filter(held_by(user, scope), **filters)  # type: ignore[attr-defined]
        .annotate(owner=allocated_worker_name())
        .values(*FIELDS, *fields)
    )


def protection_items(user: User, scope: Scope) -> list[WorkItem]:
    url = url_maker("protection:child_protection")
    labels = dict(ConferenceKind.choices)

    def item(kind: str, title: str, due: datetime.date, row: dict[str, Any]) -> WorkItem:
        return WorkItem(
            kind,
            title,
            due,
            url(row["person_id"]),
            ((row["person_id"], f"{row['person__given_names']} {row['person__family_name']}"),),
            row["owner"] or "",
        )

    items = [
        item("Conference", labels[r["kind"]], r["due_date"], r)
        for r in _rows(Conference, user, scope, "kind", "due_date", held_on__isnull=True)
    ]
    items += [
        item("Core group", "Core group", r["due_date"], r)
        for r in _rows(CoreGroup, user, scope, "due_date", held_on__isnull=True)
    ]
    items += [
        item("Section 47 enquiry", "Complete the section 47 enquiry", r["icpc_target"], r)
        for r in _rows(S47Enquiry, user, scope, "icpc_target", end_date__isnull=True)
    ]
    # Every action under a plan that is not done yet, whoever it is for: the worker holding
    # the case sees that it is due or overdue, and chases it.
    items += [
        item("Plan action", f"{r['who']}: {_short(r['what'])}", r["due_date"], r)
        for r in _rows(PlanAction, user, scope, "who", "what", "due_date", done_on__isnull=True)
    ]
    # A CIN plan's next review: a timescale after its last review, or its start (one query
    # with its visits).
    review_rule = rule("cin_review")
    cin_rows = (
        CINPlan.objects.filter(held_by(user, scope), end_date__isnull=True)
        .annotate(
            last_visit=Subquery(_latest(Visit, "cin_plan", "visited_on")),
            last_review=Subquery(_latest(CINReview, "plan", "held_on")),
            owner=allocated_worker_name(),
        )
        .values(*FIELDS, "start_date", "last_visit", "last_review")
    )
    cin_visit = rule("cin_visit")
    for r in cin_rows:
        items.append(
            item(
                "CIN visit",
                "CIN visit due",
                cin_visit.due_date(r["last_visit"] or r["start_date"]),
                r,
            )
        )
        items.append(
            item(
                "CIN review",
                "Child in need review due",
                review_rule.due_date(r["last_review"] or r["start_date"]),
                r,
            )
        )
    for model, plan_field, key, label in (
        (ChildProtectionPlan, "cp_plan", "cp_visit", "CP visit"),
    ):
        visit_rule = rule(key)
        rows = (
            model.objects.filter(held_by(user, scope), end_date__isnull=True)  # type: ignore[attr-defined]
            .annotate(
                last_visit=Subquery(_latest(Visit, plan_field, "visited_on")),
                owner=allocated_worker_name(),
            )
            .values(*FIELDS, "start_date", "last_visit")
        )
        items += [
            item(label, f"{label} due", visit_rule.due_date(r["last_visit"] or r["start_date"]), r)
            for r in rows
        ]
    return items


def _short(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _latest(model: Any, plan_field: str, date_field: str) -> Any:
    """The latest ``date_field`` of each plan's ``model`` rows, read through the plan's index
    (a subquery, not a grouped join)."""
    return (
        model.objects.filter(**{plan_field: OuterRef("pk")})
        .order_by(f"-{date_field}")
        .values(date_field)[:1]
    )
