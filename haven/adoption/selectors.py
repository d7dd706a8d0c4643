"""Reads about adoption: a child's plans, adopter households, the plans and households active in
a window (Ofsted Annex A lists 10 and 11) and adoption timeliness, for the figures."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, Func, IntegerField, Max, Min, Q, QuerySet

from haven.adoption.models import AdoptionPlan
from haven.carers.models import AdopterHousehold
from haven.people.models import Person


def adoption_plans(*, person: Person) -> list[AdoptionPlan]:
    """The child's plans for adoption, the open one first (the page has checked need-to-know)."""
    return list(
        AdoptionPlan.objects.filter(person=person)
        .select_related("adopters", "period")
        .order_by("-decided_on", "-pk")
    )


def open_plan(*, person: Person) -> AdoptionPlan | None:
    return AdoptionPlan.objects.filter(
        person=person, adoption_order_on__isnull=True, reversed_on__isnull=True
    ).first()


def adopters_approved_on(day: datetime.date) -> QuerySet[AdopterHousehold]:
    """Households that may be matched on ``day``: approved by then and not left."""
    return AdopterHousehold.objects.filter(approved_on__lte=day).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=day)
    )


def adopters_matchable() -> QuerySet[AdopterHousehold]:
    """Approved households still in the process: the choices for a match."""
    return AdopterHousehold.objects.filter(approved_on__isnull=False, left_on__isnull=True)


def adopters_list() -> QuerySet[AdopterHousehold]:
    """Every household with the number of children matched with them (one query)."""
    return AdopterHousehold.objects.annotate(
        children_matched=Count("children", filter=Q(children__matched_on__isnull=False))
    ).order_by("left_on", "name", "pk")


# -- windows (Annex A) ------------------------------------------------------------------------


def plans_active_between(first: datetime.date, last: datetime.date) -> QuerySet[AdoptionPlan]:
    """Plans open at some time from ``first`` to ``last``: decided by ``last`` and not ended
    (adoption order or reversal) before ``first``. Annex A list 10."""
    return AdoptionPlan.objects.filter(decided_on__lte=last).filter(
        Q(adoption_order_on__isnull=True, reversed_on__isnull=True)
        | Q(adoption_order_on__gte=first)
        | Q(reversed_on__gte=first)
    )


def adopters_active_between(
    first: datetime.date, last: datetime.date
) -> QuerySet[AdopterHousehold]:
    """Households in the process at some time from ``first`` to ``last``: an enquiry by
    ``last``, not left before ``first``, and not finished (every child matched with them
    adopted) before ``first``. Annex A list 11, with the household's matches: the first match
    and placement, the latest adoption order and the number of children."""
    return (
        AdopterHousehold.objects.filter(enquiry_on__lte=last)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=first))
        .annotate(
            first_matched=Min("children__matched_on"),
            first_placed=Min("children__placed_on"),
            latest_order=Max("children__adoption_order_on"),
            number_of_children=Count("children", filter=Q(children__matched_on__isnull=False)),
            children_waiting=Count(
                "children",
                filter=Q(
                    children__matched_on__isnull=False,
                    children__adoption_order_on__isnull=True,
                    children__reversed_on__isnull=True,
                ),
            ),
        )
        .exclude(Q(children_waiting=0) & Q(latest_order__lt=first))
    )


# -- timeliness (the adoption scorecard) ---------------------------------------------------------


def days_between(earlier: str, later: str) -> Func:
    """Whole days from one date field to another (PostgreSQL's date subtraction), or null."""
    return Func(
        F(later),
        F(earlier),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )


def adoption_timeliness(
    first: datetime.date,
    last: datetime.date,
    hidden: list[int] = (),  # type: ignore[assignment]
) -> QuerySet[Any]:
    """Children placed for adoption from ``first`` to ``last``, each with the days from entering
    care (the period of care's start) to being placed for adoption, and from the placement
    order to the match (None without a placement order): dicts with child_id, placed_on,
    days_care_to_placed, days_order_to_match. Restricted children in ``hidden`` are left out."""
    rows = AdoptionPlan.objects.filter(placed_on__range=(first, last))
    if hidden:
        rows = rows.exclude(person_id__in=hidden)
    return (
        rows.annotate(
            days_care_to_placed=days_between("period__start_date", "placed_on"),
            days_order_to_match=days_between("placement_order_on", "matched_on"),
        )
        .values(
            "placed_on",
            "days_care_to_placed",
            "days_order_to_match",
            child_id=F("person_id"),
            entered_care=F("period__start_date"),
        )
        .order_by("placed_on", "pk")
    )


def average_days(values: list[int | None]) -> float | None:
    """The mean of the days given (None values left out), to one decimal place."""
    days = [v for v in values if v is not None]
    return round(sum(days) / len(days), 1) if days else None
