"""Reads of a looked-after child's health and education, and the figures' timeliness lists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When

from haven.care import health
from haven.care.models import (
    CarePeriod,
    HealthKind,
    HealthRecord,
    PersonalEducationPlan,
    SchoolPlacement,
)


@dataclass
class HealthEducation:
    periods: list[CarePeriod]
    due: list[health.Due]
    records: list[HealthRecord]
    schools: list[SchoolPlacement]
    peps: list[PersonalEducationPlan]
    latest: dict[str, HealthRecord] = field(default_factory=dict)

    @property
    def has_been_looked_after(self) -> bool:
        return bool(self.periods)

    @property
    def open_period(self) -> CarePeriod | None:
        return next((p for p in self.periods if p.end_date is None), None)

    @property
    def school(self) -> SchoolPlacement | None:
        return next((s for s in self.schools if s.end_date is None), None)


def health_education(*, person: Any, user: Any) -> HealthEducation:
    """The child's health and education tab (four queries, however long the history). The
    child's page has already checked that ``user`` may see the child."""
    periods = list(
        health.open_periods_with_last_dates(CarePeriod.objects.filter(person=person)).order_by(
            "-start_date"
        )
    )
    open_period = next((p for p in periods if p.end_date is None), None)
    records = list(
        HealthRecord.objects.filter(person=person)
        .select_related("recorded_by")
        .order_by("-on", "-pk")
    )
    latest: dict[str, HealthRecord] = {}
    for record in records:
        key = "assessment" if record.kind in health.ASSESSMENTS else record.kind
        latest.setdefault(key, record)
    return HealthEducation(
        periods=periods,
        due=health.due_for_row(open_period) if open_period else [],
        records=records,
        schools=list(SchoolPlacement.objects.filter(person=person).order_by("-start_date")),
        peps=list(
            PersonalEducationPlan.objects.filter(person=person)
            .select_related("recorded_by")
            .order_by("-held_on")
        ),
        latest=latest,
    )


# -- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeliness:
    """Of the events held from ``first`` to ``last``: how many, how many by their due date, and
    the children behind each number (ids, for ``rows_for_user``; a child appears once per
    event)."""

    held: int
    in_time: int
    children_in_time: list[int]
    children_late: list[int]

    @property
    def in_time_pct(self) -> float | None:
        return round(100 * self.in_time / self.held, 1) if self.held else None


# For the measures registry (haven.performance.measures.Records and Count): the rows, the date
# that places each in a year, and the filter for "in time", so a figure and its list agree.
HEALTH_ASSESSMENT_DATE = "on"
HEALTH_ASSESSMENT_IN_TIME = Q(on__lte=F("due_date"))
PEP_DATE = "held_on"
PEP_IN_TIME = Q(held_on__lte=F("due_date"))


def health_assessments() -> QuerySet[HealthRecord]:
    """Every health assessment (initial and review) of a looked-after child, with the date it
    was due: initial ones 20 working days from becoming looked after, reviews 6 or 12 months
    from the last (haven.care.health)."""
    return HealthRecord.objects.filter(
        kind__in=health.ASSESSMENTS, period__isnull=False, due_date__isnull=False
    )


def personal_education_plans() -> QuerySet[PersonalEducationPlan]:
    """Every PEP meeting, with the date it was due: the first 10 working days from becoming
    looked after, later ones at the end of the term after the last (haven.care.health)."""
    return PersonalEducationPlan.objects.all()


def _timeliness(rows: QuerySet[Any], date: str, in_time: Q, first: Any, last: Any) -> Timeliness:
    held = list(
        rows.filter(**{f"{date}__gte": first, f"{date}__lte": last})
        .annotate(is_in_time=_case(in_time))
        .values_list("person_id", "is_in_time")
    )
    return Timeliness(
        held=len(held),
        in_time=sum(1 for _, ok in held if ok),
        children_in_time=[pid for pid, ok in held if ok],
        children_late=[pid for pid, ok in held if not ok],
    )


def _case(condition: Q) -> Any:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def health_assessments_in_time(*, first: datetime.date, last: datetime.date) -> Timeliness:
    """Health assessments held from ``first`` to ``last`` (inclusive), and those held by the
    day they were due (one query). Assessments not held at all are not in it: the OC2's
    HEALTH_ASSESSMENT (``health.oc2_rows``) counts the children with none in the year."""
    return _timeliness(
        health_assessments(), HEALTH_ASSESSMENT_DATE, HEALTH_ASSESSMENT_IN_TIME, first, last
    )


def peps_in_time(*, first: datetime.date, last: datetime.date) -> Timeliness:
    """PEP meetings held from ``first`` to ``last`` (inclusive), and those held by the day they
    were due (one query)."""
    return _timeliness(personal_education_plans(), PEP_DATE, PEP_IN_TIME, first, last)


def dental_checks() -> QuerySet[HealthRecord]:
    """Every dental check of a looked-after child, with the date it was due."""
    return HealthRecord.objects.filter(kind=HealthKind.DENTAL_CHECK, due_date__isnull=False)
