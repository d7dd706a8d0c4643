"""Chronology entries born from child protection work: their kinds, their words, and recording
them. Child in need plans and closing the episode are in haven.childinneed.events."""

from __future__ import annotations

from typing import Any

from django.db import models

from haven.chronology.events import Params, event_type
from haven.protection.models import (
    CategoryOfAbuse,
    ChildProtectionPlan,
    Conference,
    ConferenceDecision,
    ConferenceKind,
    CoreGroup,
    PlanEndReason,
    S47Enquiry,
    S47Outcome,
    StrategyDecision,
    StrategyDiscussion,
    Visit,
    VisitKind,
)


class ProtectionEvent(models.TextChoices):
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    S47 = "s47", "Section 47 enquiry"
    CONFERENCE = "conference", "Child protection conference"
    CP_PLAN = "cp_plan", "Child protection plan"
    CORE_GROUP = "core_group", "Core group"
    VISIT = "visit", "Visit"


@event_type("strategy_discussion_held", kind=ProtectionEvent.STRATEGY_DISCUSSION)
def STRATEGY_DISCUSSION_HELD(p: Params) -> str:
    return f"Strategy discussion: {StrategyDecision(p['decision']).label.lower()}"


@event_type("s47_started", kind=ProtectionEvent.S47)
def S47_STARTED(p: Params) -> str:
    return "Section 47 enquiry started"


@event_type("s47_completed", kind=ProtectionEvent.S47)
def S47_COMPLETED(p: Params) -> str:
    return f"Section 47 enquiry completed: {S47Outcome(p['outcome']).label.lower()}"


@event_type("conference_held", kind=ProtectionEvent.CONFERENCE)
def CONFERENCE_HELD(p: Params) -> str:
    category = p.get("category")
    return (
        f"{ConferenceKind(p['conference_kind']).label}: "
        f"{ConferenceDecision(p['decision']).label.lower()}"
        + (f" ({CategoryOfAbuse(category).label.lower()})" if category else "")
    )


@event_type("cp_plan_started", kind=ProtectionEvent.CP_PLAN)
def CP_PLAN_STARTED(p: Params) -> str:
    previous = p["previous_plans"]
    return f"Child protection plan started: {CategoryOfAbuse(p['category']).label.lower()}" + (
        f" (plan number {previous + 1})" if previous else ""
    )


@event_type("cp_plan_ended", kind=ProtectionEvent.CP_PLAN)
def CP_PLAN_ENDED(p: Params) -> str:
    return f"Child protection plan ended: {PlanEndReason(p['reason']).label.lower()}"


@event_type("core_group_held", kind=ProtectionEvent.CORE_GROUP)
def CORE_GROUP_HELD(p: Params) -> str:
    return "Core group held"


@event_type("visit_recorded", kind=ProtectionEvent.VISIT)
def VISIT_RECORDED(p: Params) -> str:
    seen = (
        "child seen alone" if p["seen_alone"] else "child seen" if p["child_seen"] else "child not seen"
    )
    return f"{VisitKind(p['visit_kind']).label}: {seen}"


def strategy_discussion_held(discussion: StrategyDiscussion, *, by: Any) -> None:
    STRATEGY_DISCUSSION_HELD.record(
        discussion.person_id,
        on=discussion.held_on,
        by=by,
        source=discussion,
        detail=discussion.notes,
        decision=discussion.decision,
    )


def s47_started(s47: S47Enquiry, *, by: Any) -> None:
    S47_STARTED.record(s47.person_id, on=s47.start_date, by=by, source=s47)


def s47_completed(s47: S47Enquiry, *, by: Any) -> None:
    S47_COMPLETED.record(s47.person_id, on=s47.end_date, by=by, source=s47, outcome=s47.outcome)


def conference_held(conference: Conference, *, by: Any) -> None:
    CONFERENCE_HELD.record(
        conference.person_id,
        on=conference.held_on,
        by=by,
        source=conference,
        conference_kind=conference.kind,
        decision=conference.decision,
        category=conference.category,
    )


def cp_plan_started(plan: ChildProtectionPlan, *, by: Any) -> None:
    CP_PLAN_STARTED.record(
        plan.person_id,
        on=plan.start_date,
        by=by,
        source=plan,
        category=plan.initial_category,
        previous_plans=plan.previous_plans,
    )


def cp_plan_ended(plan: ChildProtectionPlan, *, by: Any) -> None:
    CP_PLAN_ENDED.record(
        plan.person_id, on=plan.end_date, by=by, source=plan, reason=plan.end_reason
    )


def core_group_held(core_group: CoreGroup, *, by: Any) -> None:
    CORE_GROUP_HELD.record(
        core_group.person_id,
        on=core_group.held_on,
        by=by,
        source=core_group,
        detail=core_group.notes,
    )


def visit_recorded(visit: Visit, *, by: Any) -> None:
    VISIT_RECORDED.record(
        visit.person_id,
        on=visit.visited_on,
        by=by,
        source=visit,
        detail=visit.notes,
        visit_kind=visit.kind,
        child_seen=visit.child_seen,
        seen_alone=visit.seen_alone,
    )
