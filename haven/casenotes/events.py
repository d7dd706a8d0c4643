"""Chronology entries born from case notes: a significant event appears with its summary."""

from __future__ import annotations

from typing import Any

from django.db import models

from haven.casenotes.models import CaseNote, NoteType
from haven.chronology.events import Params, event_type, iso


class CaseNoteEvent(models.TextChoices):
    CASE_NOTE = "case_note", "Case note"


@event_type("case_note_significant", kind=CaseNoteEvent.CASE_NOTE)
def CASE_NOTE_SIGNIFICANT(p: Params) -> str:
    return f"{NoteType(p['note_type']).label}: {p['summary']}"


def significant_note_finalised(note: CaseNote, person_ids: list[int], *, by: Any) -> None:
    for person_id in person_ids:
        CASE_NOTE_SIGNIFICANT.record(
            person_id,
            on=note.occurred_on,
            by=by,
            source=note,
            note_type=note.note_type,
            summary=note.summary,
            on_day=iso(note.occurred_on),
        )
