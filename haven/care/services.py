"""Children looked after: every write."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from haven.care import health, health_events
from haven.care.codes import SDQReason
from haven.care.models import (
    CarePeriod,
    HealthKind,
    HealthRecord,
    PersonalEducationPlan,
    SchoolPlacement,
)
from haven.core.checks import not_future
from haven.core.dates import long_date
from haven.core.errors import ConflictError

# -- Health and education ------------------------------------------------------------------------

# A health assessment is recorded as one kind: the service decides whether it is the period's
# initial assessment or a review.
HEALTH_ASSESSMENT = "assessment"


def _period_on(person: Any, day: datetime.date, field: str) -> CarePeriod:
    """The child's period of care that ``day`` falls in, locked (so two records of the same
    thing cannot both pass the duplicate check), or a field error saying why there is none."""
    periods = list(
        CarePeriod.objects.select_for_update().filter(person=person).order_by("start_date")
    )
    if not periods:
        raise ValidationError({field: f"{person.full_name} has not been looked after"})
    born = person.date_of_birth
    if born is not None and day < born:
        raise ValidationError(
            {field: f"The date must be on or after their date of birth ({long_date(born)})"}
        )
    for period in periods:
        if period.start_date <= day and (period.end_date is None or day < period.end_date):
            return period
    raise ValidationError({field: f"{person.full_name} was not looked after on {long_date(day)}"})


def _sdq_checks(person: Any, on: datetime.date, score: Any, reason: str) -> None:
    errors: dict[str, str] = {}
    if score is not None and reason:
        errors["sdq_reason"] = "Give a score or a reason for no score, not both"
    elif score is None and not reason:
        errors["sdq_score"] = "Enter the SDQ score, or choose why there is no score"
    elif score is not None and (not isinstance(score, int) or not 0 <= score <= 40):
        errors["sdq_score"] = "The SDQ score must be a whole number from 0 to 40"
    elif reason and reason not in SDQReason.values:
        errors["sdq_reason"] = "Choose why there is no score"
    elif reason == SDQReason.SDQ1:
        age = person.age_on(on)
        if age is not None and 4 <= age < 17:
            errors["sdq_reason"] = (
                f"{person.full_name} was {age} on that date: the reason 'aged under 4 or over 17' "
                "is only for children under 4 or aged 17 or over"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def health_record(
    *,
    person: Any,
    by: Any,
    kind: str,
    on: datetime.date,
    up_to_date: bool | None = None,
    sdq_score: int | None = None,
    sdq_reason: str = "",
    intervention_offered: bool | None = None,
    intervention_received: bool | None = None,
    notes: str = "",
) -> HealthRecord:
    """Record a health event of a looked-after child, dated within a period of care. A health
    assessment (``HEALTH_ASSESSMENT``) is the period's initial one if none came before it, else
    a review; assessments and dental checks store when they were due."""
    if kind in (HEALTH_ASSESSMENT, *health.ASSESSMENTS):
        kind = HEALTH_ASSESSMENT
    elif kind not in HealthKind.values:
        raise ValidationError({"kind": "Choose what to record"})
    not_future(on, "on", "date")
    period = _period_on(person, on, "on")
    fields: dict[str, Any] = {}
    records = HealthRecord.objects.filter(person=person)
    if kind == HEALTH_ASSESSMENT:
        in_period = records.filter(kind__in=health.ASSESSMENTS, on__gte=period.start_date)
        if in_period.filter(on__gt=on).exists():
            raise ValidationError(
                {"on": "A later health assessment is already recorded: record them in date order"}
            )
        last = in_period.order_by("-on").values_list("on", flat=True).first()
        if last is None:
            kind = HealthKind.INITIAL_ASSESSMENT
            due = health.initial_health_assessment_due(period.start_date)
        else:
            kind = HealthKind.REVIEW_ASSESSMENT
            due = health.health_assessment_next_due(person.date_of_birth, last)
        fields["due_date"] = due
    elif kind == HealthKind.DENTAL_CHECK:
        last = (
            records.filter(kind=kind, on__lt=on)
            .order_by("-on")
            .values_list("on", flat=True)
            .first()
        )
        fields["due_date"] = health.dental_check_due(last, period.start_date)
    elif kind == HealthKind.IMMUNISATIONS:
        if up_to_date is None:
            raise ValidationError({"up_to_date": "Choose whether the immunisations are up to date"})
        fields["up_to_date"] = up_to_date
    elif kind == HealthKind.SDQ:
        _sdq_checks(person, on, sdq_score, sdq_reason)
        fields.update(sdq_score=sdq_score, sdq_reason=sdq_reason)
    elif kind == HealthKind.SUBSTANCE_MISUSE:
        fields.update(
            intervention_offered=True if intervention_received else intervention_offered,
            intervention_received=intervention_received,
        )
    same_day = (
        records.filter(kind__in=health.ASSESSMENTS)
        if kind in health.ASSESSMENTS
        else records.filter(kind=kind)
    )
    if same_day.filter(on=on).exists():
        raise ConflictError(
            {"on": f"{HealthKind(kind).label} is already recorded on {long_date(on)}"}
        )
    record = HealthRecord.objects.create(
        person=person,
        period=period,
        kind=kind,
        on=on,
        notes=notes.strip(),
        recorded_by=by,
        **fields,
    )
    health_events.health_recorded(record, by=by)
    return record


_URN = re.compile(r"\d{6}")


@transaction.atomic
def school_placement_record(
    *,
    person: Any,
    by: Any,
    school_name: str,
    start_date: datetime.date,
    urn: str = "",
    virtual_school_contact: str = "",
) -> SchoolPlacement:
    """The child starts at a school or college; the one they were at ends that day."""
    errors: dict[str, str] = {}
    school_name = " ".join(school_name.split())
    urn = urn.strip()
    if not school_name:
        errors["school_name"] = "Enter the name of the school or college"
    if urn and not _URN.fullmatch(urn):
        errors["urn"] = "The school URN must be 6 digits, like 116245"
    if errors:
        raise ValidationError(errors)
    not_future(start_date, "start_date", "start date")
    if not CarePeriod.objects.filter(person=person).exists():
        raise ValidationError({"start_date": f"{person.full_name} has not been looked after"})
    born = person.date_of_birth
    if born is not None and start_date < born:
        raise ValidationError(
            {"start_date": f"The date must be on or after their date of birth ({long_date(born)})"}
        )
    current = (
        SchoolPlacement.objects.select_for_update()
        .filter(person=person, end_date__isnull=True)
        .first()
    )
    if current is not None:
        if start_date <= current.start_date:
            raise ConflictError(
                {
                    "start_date": f"{person.full_name} started at {current.school_name} on "
                    f"{long_date(current.start_date)}: a new school starts after that"
                }
            )
        current.end_date = start_date
        current.save(update_fields=["end_date"])
    school = SchoolPlacement.objects.create(
        person=person,
        school_name=school_name,
        urn=urn,
        start_date=start_date,
        virtual_school_contact=" ".join(virtual_school_contact.split()),
    )
    health_events.school_started(school, by=by)
    return school


@transaction.atomic
def pep_record(
    *, person: Any, by: Any, held_on: datetime.date, summary: str = ""
) -> PersonalEducationPlan:
    """A personal education plan meeting in a period of care: the first starts the plan, later
    ones review it. Each stores when it was due and when the next is due (the term rule)."""
    not_future(held_on, "held_on", "date of the meeting")
    period = _period_on(person, held_on, "held_on")
    peps = PersonalEducationPlan.objects.filter(period=period)
    if peps.filter(held_on=held_on).exists():
        raise ConflictError(
            {"held_on": f"A personal education plan is already recorded on {long_date(held_on)}"}
        )
    last = peps.filter(held_on__lt=held_on).order_by("-held_on").values_list("held_on", flat=True)
    previous = last.first()
    pep = PersonalEducationPlan.objects.create(
        period=period,
        person=person,
        held_on=held_on,
        due_date=(
            health.pep_next_due(previous) if previous else health.first_pep_due(period.start_date)
        ),
        next_due=health.pep_next_due(held_on),
        summary=summary.strip(),
        recorded_by=by,
    )
    health_events.pep_held(pep, by=by, first=previous is None)
    return pep
