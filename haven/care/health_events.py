"""Chronology entries born from a looked-after child's health and education records."""

from __future__ import annotations

from typing import Any

from django.db import models

from haven.care.codes import SDQReason
from haven.care.models import HealthKind, HealthRecord, PersonalEducationPlan, SchoolPlacement
from haven.chronology.events import Params, event_type


class HealthEducationEvent(models.TextChoices):
    HEALTH = "care_health", "Health"
    EDUCATION = "care_education", "Education"


def _yes_no(value: Any, yes: str, no: str) -> str:
    return yes if value else no


@event_type("care_health_recorded", kind=HealthEducationEvent.HEALTH)
def CARE_HEALTH_RECORDED(p: Params) -> str:
    kind = p["kind"]
    label = HealthKind(kind).label
    if kind == HealthKind.IMMUNISATIONS:
        return f"{label}: {_yes_no(p.get('up_to_date'), 'up to date', 'not up to date')}"
    if kind == HealthKind.SDQ:
        if p.get("sdq_score") is not None:
            return f"{label}: score {p['sdq_score']}"
        return f"{label}: no score ({SDQReason(p['sdq_reason']).label.lower()})"
    if kind == HealthKind.SUBSTANCE_MISUSE:
        if p.get("intervention_received"):
            return f"{label}: intervention received"
        if p.get("intervention_offered"):
            return f"{label}: intervention offered"
        return label
    return label


@event_type("care_school_started", kind=HealthEducationEvent.EDUCATION)
def CARE_SCHOOL_STARTED(p: Params) -> str:
    return f"Started at {p['school']}"


@event_type("care_pep_held", kind=HealthEducationEvent.EDUCATION)
def CARE_PEP_HELD(p: Params) -> str:
    return (
        "Personal education plan started" if p.get("first") else "Personal education plan reviewed"
    )


def health_recorded(record: HealthRecord, *, by: Any) -> None:
    CARE_HEALTH_RECORDED.record(
        record.person_id,
        on=record.on,
        by=by,
        source=record,
        detail=record.notes,
        kind=record.kind,
        up_to_date=record.up_to_date,
        sdq_score=record.sdq_score,
        sdq_reason=record.sdq_reason,
        intervention_offered=record.intervention_offered,
        intervention_received=record.intervention_received,
    )


def school_started(school: SchoolPlacement, *, by: Any) -> None:
    CARE_SCHOOL_STARTED.record(
        school.person_id, on=school.start_date, by=by, source=school, school=school.school_name
    )


def pep_held(pep: PersonalEducationPlan, *, by: Any, first: bool) -> None:
    CARE_PEP_HELD.record(
        pep.person_id, on=pep.held_on, by=by, source=pep, detail=pep.summary, first=first
    )
