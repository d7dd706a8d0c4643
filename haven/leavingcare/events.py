"""Chronology entries born from leaving care."""

from __future__ import annotations

from django.db import models

from haven.chronology.events import Params, event_type
from haven.leavingcare import codes


class LeavingCareEvent(models.TextChoices):
    LEAVING_CARE = "leaving_care", "Leaving care"


@event_type("adviser_allocated", kind=LeavingCareEvent.LEAVING_CARE)
def ADVISER_ALLOCATED(p: Params) -> str:
    return f"Personal adviser allocated: {p['adviser']}"


@event_type("needs_assessment_completed", kind=LeavingCareEvent.LEAVING_CARE)
def NEEDS_ASSESSMENT_COMPLETED(p: Params) -> str:
    return "Leaving care needs assessment completed"


@event_type("pathway_plan_agreed", kind=LeavingCareEvent.LEAVING_CARE)
def PATHWAY_PLAN_AGREED(p: Params) -> str:
    return "Pathway plan agreed"


@event_type("pathway_plan_reviewed", kind=LeavingCareEvent.LEAVING_CARE)
def PATHWAY_PLAN_REVIEWED(p: Params) -> str:
    return "Pathway plan reviewed"


@event_type("care_leaver_moved", kind=LeavingCareEvent.LEAVING_CARE)
def CARE_LEAVER_MOVED(p: Params) -> str:
    kind = codes.AccommodationType(p["accommodation"]).label.lower()
    return f"Moved to {kind} ({'suitable' if p['suitable'] else 'not suitable'})"


@event_type("staying_put_started", kind=LeavingCareEvent.LEAVING_CARE)
def STAYING_PUT_STARTED(p: Params) -> str:
    return f"Staying put with former foster carers ({p['carer']})"


@event_type("support_to_25_requested", kind=LeavingCareEvent.LEAVING_CARE)
def SUPPORT_TO_25_REQUESTED(p: Params) -> str:
    return "Asked for a personal adviser's support to 25"


@event_type("health_passport_given", kind=LeavingCareEvent.LEAVING_CARE)
def HEALTH_PASSPORT_GIVEN(p: Params) -> str:
    return "Health passport produced"
