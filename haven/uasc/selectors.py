"""Reads about unaccompanied asylum-seeking children: a child's UASC record, and the National
Transfer Scheme position (UASC looked after against the threshold, arrivals and transfers by
month), counted from the records every time.

The figures take the restricted records to leave out (``hidden``) and the child population from
the caller (haven.performance, which counts both for every figure), so they agree with the
other rates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth

from haven.care.figures import nts_threshold_children
from haven.care.models import CarePeriod
from haven.people.models import Allocation, Person
from haven.uasc.models import NTSTransfer, TransferDirection, TransferStatus, UASCStatus


def uasc_record(*, person: Person) -> dict[str, Any]:
    """The child's UASC status and NTS referrals (the child's page has checked need-to-know)."""
    return {
        "status": UASCStatus.objects.filter(person=person).first(),
        "transfers": list(
            NTSTransfer.objects.filter(person=person).order_by("-referred_on", "-pk")
        ),
    }


def uasc_looked_after_on(day: datetime.date) -> Q:
    """People who were UASC and looked after on ``day``: a UASC status open on the day (arrived
    by then, not ceased by then) and a period of care open on the day."""
    in_care = CarePeriod.objects.filter(person=OuterRef("pk"), start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=day)
    )
    return (
        Q(uasc__arrived_on__lte=day)
        & (Q(uasc__ceased_on__isnull=True) | Q(uasc__ceased_on__gt=day))
        & Q(Exists(in_care))
    )


def uasc_looked_after(day: datetime.date, hidden: list[int]) -> QuerySet[Person]:
    qs = Person.objects.filter(uasc_looked_after_on(day), merged_into__isnull=True)
    return qs.exclude(pk__in=hidden) if hidden else qs


@dataclass(frozen=True)
class NTSPosition:
    day: datetime.date
    looked_after: int
    population: int  # children aged 0-17, as the rates per 10,000 count them
    threshold_pct: float  # percent of the population (0.1 means 0.1%)

    @property
    def threshold(self) -> int:
        """Whole children: the scheme expects no council to go above this many."""
        return nts_threshold_children(self.population, self.threshold_pct)

    @property
    def headroom(self) -> int:
        """How many more the council could take before reaching the threshold (negative when
        above it)."""
        return self.threshold - self.looked_after

    @property
    def pct_of_population(self) -> float | None:
        if not self.population:
            return None
        return round(100 * self.looked_after / self.population, 3)


def nts_threshold_pct() -> float:
    return float(settings.HAVEN_NTS_THRESHOLD_PCT)


def nts_position(*, day: datetime.date, population: int, hidden: list[int]) -> NTSPosition:
    return NTSPosition(
        day=day,
        looked_after=uasc_looked_after(day, hidden).count(),
        population=population,
        threshold_pct=nts_threshold_pct(),
    )


@dataclass(frozen=True)
class NTSMonth:
    month: datetime.date  # its first day
    arrivals: int
    transfers_in: int
    transfers_out: int


def _by_month(qs: QuerySet[Any], field: str, first: datetime.date, last: datetime.date) -> dict:
    rows = (
        qs.filter(**{f"{field}__range": (first, last)})
        .annotate(_month=TruncMonth(field, output_field=DateField()))
        .values("_month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["_month"]: row["n"] for row in rows}


def month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def nts_months(*, first: datetime.date, last: datetime.date, hidden: list[int]) -> list[NTSMonth]:
    """Arrivals (UASC status by date of arrival) and National Transfer Scheme transfers in and
    out (by the date the child transferred) in each month from ``first`` to ``last``: two
    queries."""
    statuses = UASCStatus.objects.filter(person__merged_into__isnull=True)
    transfers = NTSTransfer.objects.filter(
        status=TransferStatus.TRANSFERRED, person__merged_into__isnull=True
    )
    if hidden:
        statuses = statuses.exclude(person_id__in=hidden)
        transfers = transfers.exclude(person_id__in=hidden)
    arrivals = _by_month(statuses, "arrived_on", first, last)
    moved = (
        transfers.filter(transferred_on__range=(first, last))
        .annotate(_month=TruncMonth("transferred_on", output_field=DateField()))
        .values("_month", "direction")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_direction: dict[tuple[datetime.date, str], int] = {
        (row["_month"], row["direction"]): row["n"] for row in moved
    }
    return [
        NTSMonth(
            month=month,
            arrivals=arrivals.get(month, 0),
            transfers_in=by_direction.get((month, TransferDirection.IN), 0),
            transfers_out=by_direction.get((month, TransferDirection.OUT), 0),
        )
        for month in month_starts(first, last)
    ]


def uasc_looked_after_rows(day: datetime.date, hidden: list[int]) -> QuerySet[Any]:
    """The children behind the count, as the dicts figures' lists show (``event`` is the date of
    arrival), oldest arrival first."""
    return (
        uasc_looked_after(day, hidden)
        .values(
            "given_names",
            "family_name",
            "date_of_birth",
            row_id=F("pk"),
            child_id=F("pk"),
            event=F("uasc__arrived_on"),
            team_name=Subquery(
                Allocation.objects.filter(person=OuterRef("pk"), end_date__isnull=True).values(
                    "team__name"
                )[:1]
            ),
        )
        .order_by("event", "row_id")
    )
