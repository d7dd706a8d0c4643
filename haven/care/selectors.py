"""Reading a child's periods of care (given a user who may already see the child)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from haven.care.models import CarePeriod, Episode, LegalStatusChange, Placement


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
