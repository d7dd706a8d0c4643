"""Reads of a looked-after child's health and education, and the figures' timeliness lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q

from haven.care import health
from haven.care.models import (
    CarePeriod,
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


# The looked-after figures (haven.care.figures) count an assessment or a PEP meeting as in time
# when held by the day it was due, which is recorded with it.
HEALTH_ASSESSMENT_IN_TIME = Q(on__lte=F("due_date"))
PEP_IN_TIME = Q(held_on__lte=F("due_date"))
