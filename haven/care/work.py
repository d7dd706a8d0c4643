"""The statutory work of a period of care on "my work" and the manager's view: the care plan,
each placement's plan, the next visit, the next review and the review's recommendations.

A worker sees the work of the children whose case they hold; a manager that of their teams'
children (the overdue items under "Overdue in your teams"); the child's IRO the next review
of the children they are IRO for; a recommendation's owner the recommendation, whoever holds
the case; the health and education items of each period (``health_work``). Three
queries, whatever the caseload."""

from __future__ import annotations

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from haven.accounts.models import User
from haven.care import health, health_work, timescales
from haven.care.models import (
    CarePeriod,
    CarePlan,
    CareReview,
    Placement,
    ReviewRecommendation,
)
from haven.care.selectors import first_review, legal_status_now, placement_last_visit
from haven.core.lookups import AnyOf
from haven.work.items import (
    PersonRef,
    Scope,
    WorkItem,
    allocated_worker_name,
    held_cases,
    url_maker,
)


def _short(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def care_items(user: User, scope: Scope) -> list[WorkItem]:
    # The cases held, with their owners: one query, not a subquery a row (the children are
    # named by ``work_for``, with need-to-know).
    return _items(held_cases(user, scope), user, scope)


def care_items_of_cases(held: dict[int, str]) -> list[WorkItem]:
    """The manager's view's items of these cases, for the work store."""
    return _items(held, None, Scope.TEAMS)


def _items(held: dict[int, str], user: User | None, scope: Scope) -> list[WorkItem]:
    url = url_maker("care:statutory")
    today = timezone.localdate()
    health_items = health_work.item_maker()
    in_held = AnyOf(F("person_id"), held)

    def who(person_id: int, owner: str | None) -> tuple[tuple[PersonRef, ...], str]:
        return ((person_id, ""),), held.get(person_id, owner or "")

    items: list[WorkItem] = []
    # Care plans, reviews, health and education: one row an open period (the IRO's own
    # children too, for their reviews only, with the worker holding their case).
    # (Holding no case, only the IRO's: an empty list ORed with them reads every period.)
    reviewing = Q(iro=user) if scope is Scope.MINE else Q(pk__in=[])
    cases = (Q(in_held) | reviewing) if held else reviewing
    owner = allocated_worker_name() if scope is Scope.MINE else Value(None, CharField())
    periods = (
        health.open_periods_with_last_dates(CarePeriod.objects.filter(cases, end_date__isnull=True))
        .annotate(
            has_plan=Exists(CarePlan.objects.filter(period=OuterRef("pk"))),
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
            owner=owner,
        )
        .values(
            "person_id",
            "owner",
            *health_work.COLUMNS,
            "has_plan",
            "review_count",
            "last_review",
        )
    )
    for row in periods:
        person_id = row["person_id"]
        people, owned_by = who(person_id, row["owner"])
        link = url(person_id)
        if person_id in held:
            items.extend(health_items(row, people, owned_by))
            if not row["has_plan"]:
                due = timescales.care_plan_due(row["start_date"])
                items.append(
                    WorkItem("Care plan", "Agree the care plan", due, link, people, owned_by)
                )
        review = timescales.review_due(row["start_date"], row["review_count"], row["last_review"])
        title = "First looked-after review" if not row["review_count"] else "Looked-after review"
        items.append(WorkItem("Looked-after review", title, review.date, link, people, owned_by))
    # Placement plans and visits: one row an open placement of an open period.
    # (The children's ids not estimated one by one: planning took longer than reading.)
    open_placements = Placement.objects.filter(
        AnyOf(F("person_id"), held, estimated=False),
        end_date__isnull=True,
        period__end_date__isnull=True,
    )
    if not held:
        open_placements = open_placements.none()
    placements = open_placements.annotate(
        last_visit=placement_last_visit(),
        first_review=first_review(),
        status_now=legal_status_now(today=today),
    ).values_list(
        "person_id",
        "start_date",
        "place",
        "intended_until_18",
        "plan_agreed_on",
        "last_visit",
        "first_review",
        "status_now",
    )
    for (
        person_id,
        start,
        place,
        until_18,
        plan_agreed_on,
        last_visit,
        reviewed,
        status,
    ) in placements:
        people, owned_by = who(person_id, None)
        if plan_agreed_on is None:
            due = timescales.placement_plan_due(start)
            items.append(
                WorkItem(
                    "Placement plan",
                    "Agree the placement plan",
                    due,
                    url(person_id),
                    people,
                    owned_by,
                )
            )
        facts = timescales.VisitPlacement(
            start_date=start, place=place, intended_until_18=until_18, legal_status=status or ""
        )
        visit = timescales.visit_due(facts, last_visit, reviewed, today)
        items.append(
            WorkItem(
                "Statutory visit",
                "Statutory visit due",
                visit.date,
                url(person_id),
                people,
                owned_by,
            )
        )
    # Recommendations of reviews: on their owner's work, and the team's when overdue.
    mine = Q(owner=user) if scope is Scope.MINE else Q(in_held)
    recommendations = ReviewRecommendation.objects.filter(mine, done_on__isnull=True)
    for person_id, text, due_date, first, last in recommendations.values_list(
        "person_id", "text", "due_date", "owner__first_name", "owner__last_name"
    ):
        items.append(
            WorkItem(
                "Review recommendation",
                _short(text),
                due_date,
                url(person_id),
                ((person_id, ""),),
                f"{first or ''} {last or ''}".strip(),
            )
        )
    return items
