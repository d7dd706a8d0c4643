"""Chronology entries born from a period of care: the child's story, never re-typed."""

from __future__ import annotations

from typing import Any

from django.db import models

from haven.care.codes import Participation, PermanencePlan, PlacementType
from haven.chronology.events import Params, event_type

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
