"""Chronology entries born at the front door: their kinds, their words, and recording them."""

from __future__ import annotations

from typing import Any

from django.db import models

from haven.chronology.events import Params, event_type
from haven.frontdoor.models import (
    Agency,
    Concern,
    Contact,
    ContactChild,
    ContactOutcome,
    LevelOfNeed,
    MashCheck,
    Referral,
    ReferralSource,
)


class FrontDoorEvent(models.TextChoices):
    CONTACT = "contact", "Contact"
    MASH_CHECK = "mash_check", "MASH check"
    DECISION = "decision", "Threshold decision"
    REFERRAL = "referral", "Referral"


@event_type("contact_received", kind=FrontDoorEvent.CONTACT)
def CONTACT_RECEIVED(p: Params) -> str:
    concerns = ", ".join(Concern(c).label for c in p["concerns"])
    return f"Contact from {ReferralSource(p['contact_source']).label.lower()}" + (
        f" about {concerns.lower()}" if concerns else ""
    )


@event_type("mash_check_requested", kind=FrontDoorEvent.MASH_CHECK)
def MASH_CHECK_REQUESTED(p: Params) -> str:
    return f"MASH check requested from {Agency(p['agency']).label.lower()}"


@event_type("mash_check_answered", kind=FrontDoorEvent.MASH_CHECK)
def MASH_CHECK_ANSWERED(p: Params) -> str:
    return f"{Agency(p['agency']).label} responded to the MASH check"


@event_type("decision_made", kind=FrontDoorEvent.DECISION)
def DECISION_MADE(p: Params) -> str:
    return (
        f"Decision: {ContactOutcome(p['outcome']).label.lower()} "
        f"({LevelOfNeed(p['level']).label.lower()})"
    )


@event_type("decision_authorised", kind=FrontDoorEvent.DECISION)
def DECISION_AUTHORISED(p: Params) -> str:
    return f"Decision authorised: {ContactOutcome(p['outcome']).label.lower()}"


@event_type("decision_returned", kind=FrontDoorEvent.DECISION)
def DECISION_RETURNED(p: Params) -> str:
    return f"Decision returned by the manager: {ContactOutcome(p['outcome']).label.lower()}"


@event_type("decision_amended", kind=FrontDoorEvent.DECISION)
def DECISION_AMENDED(p: Params) -> str:
    return (
        f"Decision amended by the manager from {ContactOutcome(p['was']).label.lower()} "
        f"to {ContactOutcome(p['outcome']).label.lower()}"
    )


@event_type("referral_opened", kind=FrontDoorEvent.REFERRAL)
def REFERRAL_OPENED(p: Params) -> str:
    return "Referral to children's social care" + (
        " (re-referral within 12 months)" if p["re_referral"] else ""
    )


def contact_received(contact: Contact, *, by: Any) -> None:
    for child in contact.children.all():
        contact_received_for(contact, child, by=by)


def contact_received_for(contact: Contact, child: ContactChild, *, by: Any) -> None:
    CONTACT_RECEIVED.record(
        child.person_id,
        on=contact.received_at,
        by=by,
        detail=contact.summary,
        source=contact,
        contact_source=contact.source,
        concerns=list(contact.concerns),
    )


def check_requested(check: MashCheck, *, by: Any) -> None:
    for child in check.contact.children.all():
        MASH_CHECK_REQUESTED.record(
            child.person_id, on=check.requested_at, by=by, source=check, agency=check.agency
        )


def check_answered(check: MashCheck, *, by: Any) -> None:
    for child in check.contact.children.all():
        MASH_CHECK_ANSWERED.record(
            child.person_id,
            on=check.responded_at,
            by=by,
            detail=check.response,
            source=check,
            agency=check.agency,
        )


def decision_made(decision: ContactChild, *, by: Any) -> None:
    DECISION_MADE.record(
        decision.person_id,
        on=decision.decided_at,
        by=by,
        detail=decision.rationale,
        source=decision.contact,
        outcome=decision.outcome,
        level=decision.level_of_need,
    )


def decision_authorised(decision: ContactChild, *, by: Any) -> None:
    DECISION_AUTHORISED.record(
        decision.person_id,
        on=decision.authorised_at,
        by=by,
        source=decision.contact,
        outcome=decision.outcome,
    )


def decision_returned(decision: ContactChild, *, by: Any) -> None:
    DECISION_RETURNED.record(
        decision.person_id,
        on=decision.returned_at,
        by=by,
        detail=decision.return_comment,
        source=decision.contact,
        outcome=decision.outcome,
    )


def decision_amended(decision: ContactChild, *, by: Any, was: str) -> None:
    DECISION_AMENDED.record(
        decision.person_id,
        on=decision.amended_at,
        by=by,
        detail=decision.amend_reason,
        source=decision.contact,
        outcome=decision.outcome,
        was=was,
    )


def referral_opened(referral: Referral, *, by: Any) -> None:
    REFERRAL_OPENED.record(
        referral.person_id,
        on=referral.referral_date,
        by=by,
        detail=f"Primary need: {referral.get_primary_need_display()}",
        source=referral,
        re_referral=referral.is_re_referral,
    )
