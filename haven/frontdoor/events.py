"""Chronology entries born at the front door."""

from __future__ import annotations

from typing import Any

from django.db import models

from haven.chronology.services import chronology_record
from haven.frontdoor.models import Contact, ContactChild, MashCheck, Referral


class FrontDoorEvent(models.TextChoices):
    CONTACT = "contact", "Contact"
    MASH_CHECK = "mash_check", "MASH check"
    DECISION = "decision", "Threshold decision"
    REFERRAL = "referral", "Referral"


def contact_received(contact: Contact, *, by: Any) -> None:
    concerns = ", ".join(contact.concern_labels)
    for child in contact.children.all():
        chronology_record(
            child.person_id,
            FrontDoorEvent.CONTACT,
            f"Contact from {contact.get_source_display().lower()}"
            + (f" about {concerns.lower()}" if concerns else ""),
            on=contact.received_at,
            by=by,
            detail=contact.summary,
            source=contact,
        )


def check_requested(check: MashCheck, *, by: Any) -> None:
    for child in check.contact.children.all():
        chronology_record(
            child.person_id,
            FrontDoorEvent.MASH_CHECK,
            f"MASH check requested from {check.get_agency_display().lower()}",
            on=check.requested_at,
            by=by,
            source=check,
        )


def check_answered(check: MashCheck, *, by: Any) -> None:
    for child in check.contact.children.all():
        chronology_record(
            child.person_id,
            FrontDoorEvent.MASH_CHECK,
            f"{check.get_agency_display()} responded to the MASH check",
            on=check.responded_at,
            by=by,
            detail=check.response,
            source=check,
        )


def decision_made(decision: ContactChild, *, by: Any) -> None:
    chronology_record(
        decision.person_id,
        FrontDoorEvent.DECISION,
        f"Decision: {decision.get_outcome_display().lower()} "
        f"({decision.get_level_of_need_display().lower()})",
        on=decision.decided_at,
        by=by,
        detail=decision.rationale,
        source=decision.contact,
    )


def decision_authorised(decision: ContactChild, *, by: Any) -> None:
    chronology_record(
        decision.person_id,
        FrontDoorEvent.DECISION,
        f"Decision authorised: {decision.get_outcome_display().lower()}",
        on=decision.authorised_at,
        by=by,
        source=decision.contact,
    )


def referral_opened(referral: Referral, *, by: Any) -> None:
    chronology_record(
        referral.person_id,
        FrontDoorEvent.REFERRAL,
        "Referral to children's social care"
        + (" (re-referral within 12 months)" if referral.is_re_referral else ""),
        on=referral.referral_date,
        by=by,
        detail=f"Primary need: {referral.get_primary_need_display()}",
        source=referral,
    )
