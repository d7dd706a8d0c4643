"""Chronology entries born from management oversight and case discussions in supervision."""

from __future__ import annotations

from typing import Any

from django.db import models

from haven.chronology.events import Params, event_type
from haven.oversight.models import Oversight

SUMMARY_CHARS = 200


class OversightEvent(models.TextChoices):
    OVERSIGHT = "oversight", "Management oversight"


@event_type("oversight_recorded", kind=OversightEvent.OVERSIGHT)
def OVERSIGHT_RECORDED(p: Params) -> str:
    return f"Management oversight by {p['manager']}: {p['summary']}"


@event_type("case_discussed_in_supervision", kind=OversightEvent.OVERSIGHT)
def CASE_DISCUSSED(p: Params) -> str:
    return f"Case discussed in supervision by {p['manager']}: {p['summary']}"


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def oversight_recorded(oversight: Oversight, *, by: Any) -> None:
    kind = CASE_DISCUSSED if oversight.supervision_id else OVERSIGHT_RECORDED
    kind.record(
        oversight.person_id,
        on=oversight.recorded_on,
        by=by,
        source=oversight,
        manager=by.display_name,
        summary=_summary(oversight.direction),
    )
