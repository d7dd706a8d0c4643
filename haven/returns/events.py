"""Chronology entries for history imported from returns: each imported record is an entry,
marked as imported and naming the file it came from."""

from __future__ import annotations

from django.db import models

from haven.chronology.events import Params, event_type


class ReturnsEvent(models.TextChoices):
    IMPORTED = "imported", "Imported history"


# What each imported record is, in the chronology's words.
RECORDS = {
    "referral": "Referral",
    "closure": "Case closed",
    "assessment": "Assessment started",
    "assessment_authorised": "Assessment authorised",
    "cin_plan": "Child in need plan started",
    "cin_plan_end": "Child in need plan ended",
    "s47": "Section 47 enquiry started",
    "conference": "Initial child protection conference",
    "cp_plan": "Child protection plan started",
    "cp_plan_end": "Child protection plan ended",
    "review": "Child protection review conference",
}


@event_type("census_record_imported", kind=ReturnsEvent.IMPORTED)
def CENSUS_RECORD_IMPORTED(p: Params) -> str:
    year = f" {p['year']}" if p.get("year") else ""
    return f"{RECORDS.get(p['record'], p['record'])} (imported from the CIN census{year} file {p['file']})"
