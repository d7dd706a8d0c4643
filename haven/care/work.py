"""The statutory work of a period of care on "my work" and the manager's view: the care plan,
each placement's plan, the next visit, the next review and the review's recommendations.

A worker sees the work of the children whose case they hold; a manager that of their teams'
children (the overdue items under "Overdue in your teams"); the child's IRO the next review
of the children they are IRO for; a recommendation's owner the recommendation, whoever holds
the case; the health and education items of each period (``health_work``). Three
queries, whatever the caseload."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from haven.accounts.models import User
from haven.care import health, health_work, timescales
from haven.care.models import CarePeriod, CarePlan, CareReview, Placement, ReviewRecommendation
from haven.care.selectors import first_review, legal_status_now, placement_last_visit
from haven.work.items import PersonRef, Scope, WorkItem, allocated_worker_name, held_by, url_maker

NAMES = ("person_id", "person__given_names", "person__family_name", "owner")


def _short(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def care_items(user: User, scope: Scope) -> list[WorkItem]:
    url = url_maker("care:statutory")
    today = timezone.localdate()
    health_items = health_work.item_maker()

    def who(row: dict[str, Any]) -> tuple[tuple[PersonRef, ...], str]:
        name = f"{row['person__given_names']} {row['person__family_name']}"
        return ((row["person_id"], name),), row["owner"] or ""

    def item(kind: str, title: str, due: datetime.date, row: dict[str, Any]) -> WorkItem:
        return WorkItem(kind, title, due, url(row["person_id"]), *who(row))

    held = held_by(user, scope)
    items: list[WorkItem] = []
    # Care plans, reviews, health and education: one row an open period (the IRO's own
    # children too, for their reviews only).
    reviewing = Q(iro=user) if scope is Scope.MINE else Q(pk__in=[])
    periods = (
        health.open_periods_with_last_dates(
            CarePeriod.objects.filter(held | reviewing, end_date__isnull=True)
        )
        .annotate(
            has_plan=Exists(CarePlan.objects.filter(period=OuterRef("pk"))),
            is_held=ExpressionWrapper(held, output_field=BooleanField()),
            # Subqueries on the (period, held_on) index, not a join and a GROUP BY over the
            # periods of a whole county team.
            review_count=Coalesce(
                Subquery(
                    CareReview.objects.filter(period=OuterRef("pk"))
                    .order_by()
                    .values("period")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            last_review=Subquery(
                CareReview.objects.filter(period=OuterRef("pk"))
                .order_by("-held_on")
                .values("held_on")[:1]
            ),
            owner=allocated_worker_name(),
        )
        .values(
            *NAMES,
            *health_work.COLUMNS,
            "has_plan",
            "is_held",
            "review_count",
            "last_review",
        )
    )
    for row in periods:
        if row["is_held"]:
            items.extend(health_items(row, *who(row)))
        if row["is_held"] and not row["has_plan"]:
            items.append(
                item(
                    "Care plan",
                    "Agree the care plan",
                    timescales.care_plan_due(row["start_date"]),
                    row,
                )
            )
        due = timescales.review_due(row["start_date"], row["review_count"], row["last_review"])
        title = "First looked-after review" if not row["review_count"] else "Looked-after review"
        items.append(item("Looked-after review", title, due.date, row))
    # Placement plans and visits: one row an open placement of an open period.
    placements = (
        Placement.objects.filter(held, end_date__isnull=True, period__end_date__isnull=True)
        .annotate(
            last_visit=placement_last_visit(),
            first_review=first_review(),
            status_now=legal_status_now(today=today),
            owner=allocated_worker_name(),
        )
        .values(
            *NAMES,
            "start_date",
            "place",
            "intended_until_18",
            "plan_agreed_on",
            "last_visit",
            "first_review",
            "status_now",
        )
    )
    for row in placements:
        if row["plan_agreed_on"] is None:
            items.append(
                item(
                    "Placement plan",
                    "Agree the placement plan",
                    timescales.placement_plan_due(row["start_date"]),
                    row,
                )
            )
        facts = timescales.VisitPlacement(
            start_date=row["start_date"],
            place=row["place"],
            intended_until_18=row["intended_until_18"],
            legal_status=row["status_now"] or "",
        )
        due = timescales.visit_due(facts, row["last_visit"], row["first_review"], today)
        items.append(item("Statutory visit", "Statutory visit due", due.date, row))
    # Recommendations of reviews: on their owner's work, and the team's when overdue.
    mine = Q(owner=user) if scope is Scope.MINE else held
    recommendations = ReviewRecommendation.objects.filter(mine, done_on__isnull=True).values(
        "person_id",
        "person__given_names",
        "person__family_name",
        "text",
        "due_date",
        "owner__first_name",
        "owner__last_name",
    )
    for rec in recommendations:
        named: dict[str, Any] = dict(rec)
        named["owner"] = f"{rec['owner__first_name'] or ''} {rec['owner__last_name'] or ''}".strip()
        items.append(item("Review recommendation", _short(rec["text"]), rec["due_date"], named))
    return items
