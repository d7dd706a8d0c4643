"""Chronology entries born from assessments."""

from __future__ import annotations

from typing import Any

from django.db import models

from haven.assessments.models import Assessment
from haven.chronology.services import chronology_record
from haven.core.dates import long_date


class AssessmentEvent(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    CHILD_SEEN = "child_seen", "Child seen"


def _event(
    assessment: Assessment, kind: str, summary: str, *, on: Any, by: Any, detail: str = ""
) -> None:
    chronology_record(
        assessment.person_id, kind, summary, on=on, by=by, source=assessment, detail=detail
    )


def started(assessment: Assessment, *, by: Any) -> None:
    _event(
        assessment,
        AssessmentEvent.ASSESSMENT,
        f"Child and family assessment started (due {long_date(assessment.due_date)})",
        on=assessment.start_date,
        by=by,
    )


def child_seen(assessment: Assessment, *, by: Any) -> None:
    alone = " alone" if assessment.seen_alone else ""
    _event(
        assessment,
        AssessmentEvent.CHILD_SEEN,
        f"Child seen{alone} for the assessment",
        on=assessment.child_seen_on,
        by=by,
    )


def submitted(assessment: Assessment, *, by: Any) -> None:
    _event(
        assessment,
        AssessmentEvent.ASSESSMENT,
        "Assessment submitted for authorisation",
        on=assessment.submitted_at,
        by=by,
    )


def authorised(assessment: Assessment, *, by: Any) -> None:
    _event(
        assessment,
        AssessmentEvent.ASSESSMENT,
        f"Assessment authorised: {assessment.get_outcome_display().lower()}",
        on=assessment.authorised_on,
        by=by,
        detail=assessment.manager_comments,
    )


def returned(assessment: Assessment, *, by: Any, on: Any) -> None:
    _event(
        assessment,
        AssessmentEvent.ASSESSMENT,
        "Assessment returned to the worker for changes",
        on=on,
        by=by,
        detail=assessment.manager_comments,
    )
