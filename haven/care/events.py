"""Chronology entries born from a period of care: the child's story, never re-typed."""

from __future__ import annotations

from typing import Any

from django.db import models

from haven.care.codes import (
    LegalStatus,
    Participation,
    PermanencePlan,
    PlacementType,
    ReasonEpisodeCeased,
    ReasonPlaceChange,
)
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


# -- The statutory work of a period: care and placement plans, visits, reviews ------------------


class CareWorkEvent(models.TextChoices):
    CARE_PLAN = "care_plan", "Care plan"
    CARE_VISIT = "care_visit", "Statutory visit"
    CARE_REVIEW = "care_review", "Looked-after review"


@event_type("care_plan_agreed", kind=CareWorkEvent.CARE_PLAN)
def CARE_PLAN_AGREED(p: Params) -> str:
    return f"Care plan agreed: permanence plan {PermanencePlan(p['permanence']).label.lower()}"


@event_type("placement_plan_agreed", kind=CareWorkEvent.CARE_PLAN)
def PLACEMENT_PLAN_AGREED(p: Params) -> str:
    return f"Placement plan agreed: {PlacementType(p['place']).label}"


def _seen(p: Params) -> str:
    if p["seen_alone"]:
        return "child seen alone"
    return "child seen" if p["child_seen"] else "child not seen"


@event_type("care_visit_recorded", kind=CareWorkEvent.CARE_VISIT)
def CARE_VISIT_RECORDED(p: Params) -> str:
    return f"Statutory visit: {_seen(p)}"


@event_type("care_review_held", kind=CareWorkEvent.CARE_REVIEW)
def CARE_REVIEW_HELD(p: Params) -> str:
    return f"Looked-after review held: {Participation(p['participation']).label.lower()}"


@event_type("review_recommendation_done", kind=CareWorkEvent.CARE_REVIEW)
def REVIEW_RECOMMENDATION_DONE(p: Params) -> str:
    return "A recommendation of the looked-after review was done"


def care_plan_agreed(plan: Any, *, by: Any) -> None:
    CARE_PLAN_AGREED.record(
        plan.person_id, on=plan.agreed_on, by=by, source=plan, permanence=plan.permanence_plan
    )


def placement_plan_agreed(placement: Any, *, by: Any) -> None:
    PLACEMENT_PLAN_AGREED.record(
        placement.person_id,
        on=placement.plan_agreed_on,
        by=by,
        source=placement,
        place=placement.place,
    )


def care_visit_recorded(visit: Any, *, by: Any) -> None:
    CARE_VISIT_RECORDED.record(
        visit.person_id,
        on=visit.visited_on,
        by=by,
        source=visit,
        child_seen=visit.child_seen,
        seen_alone=visit.seen_alone,
    )


def care_review_held(review: Any, *, by: Any) -> None:
    CARE_REVIEW_HELD.record(
        review.person_id,
        on=review.held_on,
        by=by,
        source=review,
        participation=review.participation,
    )


def review_recommendation_done(recommendation: Any, *, by: Any) -> None:
    REVIEW_RECOMMENDATION_DONE.record(
        recommendation.person_id, on=recommendation.done_on, by=by, source=recommendation
    )
