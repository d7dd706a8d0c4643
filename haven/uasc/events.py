"""Chronology entries born from a child's UASC status and National Transfer Scheme referrals."""

from __future__ import annotations

from typing import Any

from django.db import models

from haven.chronology.events import Params, event_type
from haven.uasc.models import AgeAssessmentOutcome, NTSTransfer, TransferDirection, UASCStatus


class UASCEvent(models.TextChoices):
    UASC = "uasc", "Unaccompanied asylum-seeking child"
    NTS = "nts", "National Transfer Scheme"


@event_type("uasc_arrived", kind=UASCEvent.UASC)
def UASC_ARRIVED(p: Params) -> str:
    reference = f" (Home Office reference {p['reference']})" if p.get("reference") else ""
    return f"Arrived in the UK as an unaccompanied asylum-seeking child{reference}"


@event_type("uasc_age_assessed", kind=UASCEvent.UASC)
def UASC_AGE_ASSESSED(p: Params) -> str:
    return f"Age assessment: {AgeAssessmentOutcome(p['outcome']).label.lower()}"


@event_type("uasc_ceased", kind=UASCEvent.UASC)
def UASC_CEASED(p: Params) -> str:
    return "Unaccompanied asylum-seeking child status ceased"


def _direction(p: Params) -> str:
    return "to" if p["direction"] == TransferDirection.OUT else "from"


@event_type("nts_referred", kind=UASCEvent.NTS)
def NTS_REFERRED(p: Params) -> str:
    if p["direction"] == TransferDirection.OUT:
        return f"Referred through the National Transfer Scheme to {p['council']}"
    return f"Referred to us through the National Transfer Scheme by {p['council']}"


@event_type("nts_transferred", kind=UASCEvent.NTS)
def NTS_TRANSFERRED(p: Params) -> str:
    return f"Transferred through the National Transfer Scheme {_direction(p)} {p['council']}"


@event_type("nts_declined", kind=UASCEvent.NTS)
def NTS_DECLINED(p: Params) -> str:
    return f"National Transfer Scheme referral {_direction(p)} {p['council']} did not go ahead"


def uasc_arrived(status: UASCStatus, *, by: Any) -> None:
    UASC_ARRIVED.record(
        status.person_id,
        on=status.arrived_on,
        by=by,
        source=status,
        reference=status.home_office_reference,
    )


def uasc_age_assessed(status: UASCStatus, *, by: Any) -> None:
    UASC_AGE_ASSESSED.record(
        status.person_id,
        on=status.age_assessed_on,
        by=by,
        source=status,
        outcome=status.age_assessment_outcome,
    )


def uasc_ceased(status: UASCStatus, *, by: Any) -> None:
    UASC_CEASED.record(status.person_id, on=status.ceased_on, by=by, source=status)


def nts_referred(transfer: NTSTransfer, *, by: Any) -> None:
    NTS_REFERRED.record(
        transfer.person_id,
        on=transfer.referred_on,
        by=by,
        source=transfer,
        direction=transfer.direction,
        council=transfer.other_council,
    )


def nts_decided(transfer: NTSTransfer, *, by: Any, on: Any) -> None:
    """The referral's outcome: transferred (on its date) or did not go ahead."""
    kind = NTS_TRANSFERRED if transfer.transferred_on else NTS_DECLINED
    kind.record(
        transfer.person_id,
        on=transfer.transferred_on or on,
        by=by,
        source=transfer,
        direction=transfer.direction,
        council=transfer.other_council,
    )
