"""Chronology entries born from assessments: their kinds, their words, and recording them."""

from __future__ import annotations

from typing import Any

from django.db import models

from haven.assessments.models import Assessment, AssessmentOutcome
from haven.chronology.events import Params, event_type, from_iso, iso
from haven.core.dates import long_date


class AssessmentEvent(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    CHILD_SEEN = "child_seen", "Child seen"


@event_type("assessment_started", kind=AssessmentEvent.ASSESSMENT)
def ASSESSMENT_STARTED(p: Params) -> str:
    return f"Child and family assessment started (due {long_date(from_iso(p['due']))})"


@event_type("assessment_child_seen", kind=AssessmentEvent.CHILD_SEEN)
def CHILD_SEEN(p: Params) -> str:
    return f"Child seen{' alone' if p['alone'] else ''} for the assessment"


@event_type("assessment_submitted", kind=AssessmentEvent.ASSESSMENT)
def SUBMITTED(p: Params) -> str:
    return "Assessment submitted for authorisation"


@event_type("assessment_authorised", kind=AssessmentEvent.ASSESSMENT)
def AUTHORISED(p: Params) -> str:
    return f"Assessment authorised: {AssessmentOutcome(p['outcome']).label.lower()}"


@event_type("assessment_returned", kind=AssessmentEvent.ASSESSMENT)
def RETURNED(p: Params) -> str:
    return "Assessment returned to the worker for changes"


def started(assessment: Assessment, *, by: Any) -> None:
    ASSESSMENT_STARTED.record(
        assessment.person_id,
        on=assessment.start_date,
        by=by,
        source=assessment,
        due=iso(assessment.due_date),
    )


def child_seen(assessment: Assessment, *, by: Any) -> None:
    CHILD_SEEN.record(
        assessment.person_id,
        on=assessment.child_seen_on,
        by=by,
        source=assessment,
        alone=bool(assessment.seen_alone),
    )


def submitted(assessment: Assessment, *, by: Any) -> None:
    SUBMITTED.record(assessment.person_id, on=assessment.submitted_at, by=by, source=assessment)


def authorised(assessment: Assessment, *, by: Any) -> None:
    AUTHORISED.record(
        assessment.person_id,
        on=assessment.authorised_on,
        by=by,
        source=assessment,
        detail=assessment.manager_comments,
        outcome=assessment.outcome,
    )


def returned(assessment: Assessment, *, by: Any, on: Any) -> None:
    RETURNED.record(
        assessment.person_id,
        on=on,
        by=by,
        source=assessment,
        detail=assessment.manager_comments,
    )
