"""Reading a child's periods of care (given a user who may already see the child)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from haven.care import timescales
from haven.care.models import (
    CarePeriod,
    CarePlan,
    CareReview,
    CareVisit,
    Episode,
    LegalStatusChange,
    Placement,
    ReviewRecommendation,
)
from haven.people.access import visible_q
from haven.people.models import Person


def open_period(person: Any) -> CarePeriod | None:
    return CarePeriod.objects.filter(person=person, end_date__isnull=True).first()


def current_placement(period: CarePeriod) -> Placement | None:
    return (
        period.placements.filter(end_date__isnull=True).select_related("household", "home").first()
    )


def periods(person: Any) -> list[CarePeriod]:
    """The child's periods of care, newest first, each with its legal statuses, placements and
    episodes (four queries whatever their number)."""
    return list(
        CarePeriod.objects.filter(person=person)
        .select_related("iro", "referral")
        .prefetch_related(
            Prefetch("legal_statuses", queryset=LegalStatusChange.objects.order_by("start_date")),
            Prefetch(
                "placements",
                queryset=Placement.objects.select_related("household", "home").order_by(
                    "start_date"
                ),
            ),
            Prefetch("episodes", queryset=Episode.objects.order_by("decom")),
        )
        .order_by("-start_date")
    )


def has_been_looked_after(person: Any) -> bool:
    """Whether the child has ever been looked after: the looked-after tabs apply to them."""
    return CarePeriod.objects.filter(person=person).exists()


# -- The statutory work of a period: care and placement plans, visits, reviews ------------------


def legal_status_now(period_path: str = "period", today: datetime.date | None = None) -> Subquery:
    """The period's legal status on ``today``, for annotating a query of its rows."""
    return Subquery(
        LegalStatusChange.objects.filter(
            period=OuterRef(period_path), start_date__lte=today or timezone.localdate()
        )
        .order_by("-start_date")
        .values("code")[:1]
    )


def first_review(period_path: str = "period") -> Subquery:
    return Subquery(
        CareReview.objects.filter(period=OuterRef(period_path))
        .order_by("held_on")
        .values("held_on")[:1]
    )


def placement_last_visit() -> Subquery:
    return Subquery(
        CareVisit.objects.filter(placement=OuterRef("pk"))
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )


@dataclass(frozen=True)
class StatutoryRecord:
    period: CarePeriod | None
    plans: list[CarePlan]
    placements: list[Placement]
    visits: list[CareVisit]
    reviews: list[CareReview]
    care_plan_due: datetime.date | None  # while no care plan has been agreed
    next_visit: timescales.Due | None  # while the period is open
    next_review: timescales.Due | None
    current_placement: Placement | None


def statutory_record(*, user: Any, person: Person) -> StatutoryRecord:
    """The child's latest period of care with its plans, placements, visits and reviews, and
    what is due next (a fixed number of queries). Each visit carries ``note``, the case note it
    was written in, if the user may read it."""
    from haven.protection.selectors import VisitNote

    today = timezone.localdate()
    period = (
        CarePeriod.objects.filter(person=person)
        .select_related("iro")
        .prefetch_related(
            Prefetch("care_plans", queryset=CarePlan.objects.select_related("recorded_by")),
            Prefetch("placements", queryset=Placement.objects.order_by("start_date")),
            Prefetch(
                "visits",
                queryset=CareVisit.objects.select_related("worker", "case_note__note").order_by(
                    "-visited_on", "-pk"
                ),
            ),
            Prefetch(
                "reviews",
                queryset=CareReview.objects.select_related("chair")
                .prefetch_related(
                    Prefetch(
                        "recommendations",
                        queryset=ReviewRecommendation.objects.select_related("owner").order_by(
                            "due_date", "pk"
                        ),
                    )
                )
                .order_by("-held_on"),
            ),
        )
        .annotate(status_now=legal_status_now("pk", today))
        .order_by("-start_date")
        .first()
    )
    if period is None:
        return StatutoryRecord(None, [], [], [], [], None, None, None, None)
    plans = sorted(period.care_plans.all(), key=lambda p: (p.agreed_on, p.pk), reverse=True)
    # Drawn with what the page needs beside each row (a due date, the visit's note).
    placements: list[Any] = list(period.placements.all())
    visits: list[Any] = list(period.visits.all())
    reviews: list[Any] = list(period.reviews.all())
    for placement in placements:
        placement.plan_due = (
            timescales.placement_plan_due(placement.start_date)
            if placement.plan_agreed_on is None
            else None
        )
    for visit in visits:
        part = visit.case_note
        visit.note = (
            VisitNote(
                text="\n\n".join(t for t in (part.note.narrative, part.own_text) if t),
                child_said=part.child_said,
                url=reverse("casenotes:note", args=[person.pk, part.note_id]),
            )
            if part is not None and (part.note.is_final or part.note.author_id == user.pk)
            else None
        )
    current = next((p for p in placements if p.end_date is None or p.end_date > today), None)
    next_visit = next_review = None
    if period.is_open:
        held = [r.held_on for r in reviews]
        next_review = timescales.review_due(period.start_date, len(held), max(held, default=None))
        if current is not None:
            last = next((v.visited_on for v in visits if v.placement_id == current.pk), None)
            next_visit = timescales.visit_due(
                timescales.VisitPlacement.of(current, period.status_now or ""),
                last,
                min(held, default=None),
                today,
            )
    return StatutoryRecord(
        period=period,
        plans=plans,
        placements=placements,
        visits=visits,
        reviews=reviews,
        care_plan_due=timescales.care_plan_due(period.start_date) if not plans else None,
        next_visit=next_visit,
        next_review=next_review,
        current_placement=current,
    )


def iro_children(*, user: Any) -> QuerySet[CarePeriod]:
    """The open periods of care of the children ``user`` is the IRO for (that they may see),
    with what the next review needs: how many reviews there have been, and the last."""
    return (
        CarePeriod.objects.filter(
            iro=user, end_date__isnull=True, person__in=Person.objects.filter(visible_q(user))
        )
        .select_related("person")
        .annotate(review_count=Count("reviews"), last_review=Max("reviews__held_on"))
        .order_by("person__family_name", "person__given_names", "pk")
    )


def with_next_review(periods: QuerySet[CarePeriod]) -> list[CarePeriod]:
    """The periods with ``next_review`` (a ``Due``), soonest first."""
    rows: list[Any] = list(periods)
    for period in rows:
        period.next_review = timescales.review_due(
            period.start_date, period.review_count, period.last_review
        )
    return sorted(rows, key=lambda p: p.next_review.date)
