"""Chronology entries born from a child's adoption plan, one for each step."""

from __future__ import annotations

from typing import Any

from django.db import models

from haven.adoption.models import AdoptionPlan
from haven.care.codes import AdoptionReversal
from haven.chronology.events import Params, event_type


class AdoptionEvent(models.TextChoices):
    ADOPTION = "adoption", "Adoption"


@event_type("adoption_decided", kind=AdoptionEvent.ADOPTION)
def ADOPTION_DECIDED(p: Params) -> str:
    return "Decision that the child should be placed for adoption"


@event_type("adoption_placement_order", kind=AdoptionEvent.ADOPTION)
def ADOPTION_PLACEMENT_ORDER(p: Params) -> str:
    return "Placement order granted"


@event_type("adoption_fostering_for_adoption", kind=AdoptionEvent.ADOPTION)
def ADOPTION_FOSTERING_FOR_ADOPTION(p: Params) -> str:
    return "Placed in fostering for adoption or concurrent planning"


@event_type("adoption_matched", kind=AdoptionEvent.ADOPTION)
def ADOPTION_MATCHED(p: Params) -> str:
    return f"Matched with adopters ({p['adopters']})"


@event_type("adoption_placed", kind=AdoptionEvent.ADOPTION)
def ADOPTION_PLACED(p: Params) -> str:
    return "Placed for adoption"


@event_type("adoption_order", kind=AdoptionEvent.ADOPTION)
def ADOPTION_ORDER(p: Params) -> str:
    return "Adoption order granted"


@event_type("adoption_reversed", kind=AdoptionEvent.ADOPTION)
def ADOPTION_REVERSED(p: Params) -> str:
    return f"Plan for adoption reversed: {AdoptionReversal(p['reason']).label.lower()}"


# The event of each dated step of the plan, by the plan's field.
STEP_EVENTS = {
    "decided_on": ADOPTION_DECIDED,
    "placement_order_on": ADOPTION_PLACEMENT_ORDER,
    "fostering_for_adoption_on": ADOPTION_FOSTERING_FOR_ADOPTION,
    "matched_on": ADOPTION_MATCHED,
    "placed_on": ADOPTION_PLACED,
    "adoption_order_on": ADOPTION_ORDER,
    "reversed_on": ADOPTION_REVERSED,
}


def adoption_step(plan: AdoptionPlan, field: str, *, by: Any) -> None:
    params: dict[str, Any] = {}
    if field == "matched_on":
        params["adopters"] = plan.adopters.reference if plan.adopters else ""
    if field == "reversed_on":
        params["reason"] = plan.reversal_reason
    STEP_EVENTS[field].record(plan.person_id, on=getattr(plan, field), by=by, source=plan, **params)
