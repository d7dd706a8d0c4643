"""The contact's presenting concerns as the assessment's starting factors.

An assessment that follows a contact starts with the factors the referrer's concerns point to,
ticked for the worker to confirm or untick, rather than typed again. Only concerns with a clear
CIN census factor are mapped; the rest (housing, online harm, ...) are for the worker to code.
"""

from __future__ import annotations

from haven.assessments.models import AssessmentFactor as F
from haven.frontdoor.models import Concern as C
from haven.frontdoor.models import Referral

CONCERN_FACTORS: dict[str, tuple[str, ...]] = {
    C.DOMESTIC_ABUSE: (F.DOMESTIC_ABUSE_PARENT,),
    C.NEGLECT: (F.NEGLECT,),
    C.PHYSICAL_ABUSE: (F.PHYSICAL_ABUSE_ADULT,),
    C.SEXUAL_ABUSE: (F.SEXUAL_ABUSE_ADULT,),
    C.EMOTIONAL_ABUSE: (F.EMOTIONAL_ABUSE,),
    C.CSE: (F.CSE,),
    C.CCE: (F.CCE,),
    C.MISSING: (F.MISSING,),
    C.SELF_HARM: (F.SELF_HARM,),
    C.CHILD_MENTAL_HEALTH: (F.MENTAL_HEALTH_CHILD,),
    C.PARENT_MENTAL_HEALTH: (F.MENTAL_HEALTH_PARENT,),
    C.PARENT_SUBSTANCE: (F.ALCOHOL_PARENT, F.DRUGS_PARENT),
    C.CHILD_SUBSTANCE: (F.ALCOHOL_CHILD, F.DRUGS_CHILD),
    C.FGM: (F.FGM,),
    C.TRAFFICKING: (F.TRAFFICKING,),
    C.YOUNG_CARER: (F.YOUNG_CARER,),
    C.UASC: (F.UASC,),
    C.BEHAVIOUR: (F.BEHAVIOUR,),
    C.OTHER: (F.OTHER,),
}


def factors_for_concerns(concerns: list[str]) -> list[str]:
    """The factors the concerns point to, each once, in the census's order."""
    wanted = {str(f) for c in concerns for f in CONCERN_FACTORS.get(c, ())}
    return [f for f in F.values if f in wanted]


def proposed_factors(referral: Referral) -> list[str]:
    """The factors to start a referral's assessment with: its contact's concerns, if any."""
    if referral.contact_child_id is None:
        return []
    return factors_for_concerns(list(referral.contact_child.contact.concerns))  # type: ignore[union-attr]
