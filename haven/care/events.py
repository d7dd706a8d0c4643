"""Chronology entries born from a period of care: the child's story, never re-typed."""

from __future__ import annotations

from typing import Any

from django.db import models

from haven.care.codes import LegalStatus, PlacementType, ReasonEpisodeCeased, ReasonPlaceChange
from haven.chronology.events import Params, event_type


class CareEvent(models.TextChoices):
    CARE = "care", "Looked after"
    PLACEMENT = "placement", "Placement"
    LEGAL_STATUS = "legal_status", "Legal status"


@event_type("care_started", kind=CareEvent.CARE)
def CARE_STARTED(p: Params) -> str:
    return f"Became looked after: {LegalStatus(p['ls']).label}"


@event_type("care_ended", kind=CareEvent.CARE)
def CARE_ENDED(p: Params) -> str:
    return f"Ceased to be looked after: {ReasonEpisodeCeased(p['reason']).label}"


@event_type("legal_status_changed", kind=CareEvent.LEGAL_STATUS)
def LEGAL_STATUS_CHANGED(p: Params) -> str:
    return f"Legal status: {LegalStatus(p['ls']).label}"


@event_type("placement_started", kind=CareEvent.PLACEMENT)
def PLACEMENT_STARTED(p: Params) -> str:
    where = f" with {p['carer']}" if p.get("carer") else ""
    text = f"Placed: {PlacementType(p['place']).label}{where}"
    if p.get("reason"):
        text += f" (moved: {ReasonPlaceChange(p['reason']).label.lower()})"
    return text


def care_started(period: Any, *, ls: str, by: Any) -> None:
    CARE_STARTED.record(period.person_id, on=period.start_date, by=by, source=period, ls=ls)


def care_ended(period: Any, *, by: Any) -> None:
    CARE_ENDED.record(
        period.person_id, on=period.end_date, by=by, source=period, reason=period.end_reason
    )


def legal_status_changed(status: Any, *, by: Any) -> None:
    LEGAL_STATUS_CHANGED.record(
        status.person_id, on=status.start_date, by=by, source=status, ls=status.code
    )


def placement_started(placement: Any, *, by: Any, reason: str = "") -> None:
    PLACEMENT_STARTED.record(
        placement.person_id,
        on=placement.start_date,
        by=by,
        source=placement,
        place=placement.place,
        carer=placement_carer(placement),
        reason=reason,
    )


def placement_carer(placement: Any) -> str:
    """Who the child lives with, as people read it."""
    if placement.household_id:
        return placement.household.name
    if placement.home_id:
        return placement.home.name
    return placement.carer_name
