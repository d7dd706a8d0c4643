"""Chronology entries born from child in need plans and closing the episode."""

from __future__ import annotations

from typing import Any

from django.db import models

from haven.childinneed.models import CINPlan, CINReview, CINReviewDecision
from haven.chronology.events import Params, event_type
from haven.frontdoor.models import ReasonForClosure, Referral


class ChildInNeedEvent(models.TextChoices):
    CIN_PLAN = "cin_plan", "Child in need plan"
    CLOSURE = "closure", "Case closure"
    CIN_REVIEW = "cin_review", "Child in need review"


@event_type("cin_plan_started", kind=ChildInNeedEvent.CIN_PLAN)
def CIN_PLAN_STARTED(p: Params) -> str:
    return "Child in need plan started"


@event_type("cin_plan_ended", kind=ChildInNeedEvent.CIN_PLAN)
def CIN_PLAN_ENDED(p: Params) -> str:
    return "Child in need plan ended"


@event_type("episode_closed", kind=ChildInNeedEvent.CLOSURE)
def EPISODE_CLOSED(p: Params) -> str:
    return f"Child in need episode closed: {ReasonForClosure(p['reason']).label.lower()}"


@event_type("cin_review_held", kind=ChildInNeedEvent.CIN_REVIEW)
def CIN_REVIEW_HELD(p: Params) -> str:
    return f"Child in need review: {CINReviewDecision(p['decision']).label.lower()}"


def cin_review_held(review: CINReview, *, by: Any) -> None:
    CIN_REVIEW_HELD.record(
        review.person_id,
        on=review.held_on,
        by=by,
        source=review,
        detail=review.progress,
        decision=review.decision,
    )


def cin_plan_started(plan: CINPlan, *, by: Any) -> None:
    CIN_PLAN_STARTED.record(plan.person_id, on=plan.start_date, by=by, source=plan)


def cin_plan_ended(plan: CINPlan, *, by: Any) -> None:
    CIN_PLAN_ENDED.record(plan.person_id, on=plan.end_date, by=by, source=plan)


def episode_closed(referral: Referral, *, by: Any) -> None:
    EPISODE_CLOSED.record(
        referral.person_id,
        on=referral.closure_date,
        by=by,
        source=referral,
        reason=referral.closure_reason,
    )
