"""Chronology entries born from child protection and child in need work."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models

from haven.chronology.models import ChronologyEvent


class ProtectionEvent(models.TextChoices):
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    S47 = "s47", "Section 47 enquiry"
    CONFERENCE = "conference", "Child protection conference"
    CP_PLAN = "cp_plan", "Child protection plan"
    CORE_GROUP = "core_group", "Core group"
    VISIT = "visit", "Visit"
    CIN_PLAN = "cin_plan", "Child in need plan"
    CLOSURE = "closure", "Case closure"


def record(
    person_id: int,
    kind: str,
    summary: str,
    *,
    on: datetime.date,
    by: Any,
    source: Any = None,
    detail: str = "",
) -> ChronologyEvent:
    return ChronologyEvent.objects.create(
        person_id=person_id,
        occurred_on=on,
        kind=kind,
        summary=summary[:300],
        detail=detail,
        recorded_by=by,
        source_type=source._meta.label_lower if source is not None else "",
        source_id=source.pk if source is not None else None,
    )
