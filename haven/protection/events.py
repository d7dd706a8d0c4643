"""Chronology entries born from child protection work: their kinds, their words, and recording
them. Child in need plans and closing the episode are in haven.childinneed.events."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models

from haven.chronology.events import Params, event_type
from haven.core.dates import long_date
from haven.protection.models import (
    CategoryOfAbuse,
    ChildProtectionPlan,
    Conference,
    ConferenceDecision,
    ConferenceKind,
    CoreGroup,
    PlanAction,
    PlanEndReason,
    PlanMember,
    PlanOutcome,
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
    PLAN_CONTENT = "plan_content", "Plan outcomes, actions and core group"


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
        "child seen alone"
        if p["seen_alone"]
        else "child seen"
        if p["child_seen"]
        else "child not seen"
    )
    return f"{VisitKind(p['visit_kind']).label}: {seen}"


def _plan_word(p: Params) -> str:
    return "child protection plan" if p.get("plan_kind") == "cp" else "child in need plan"


@event_type("plan_outcome_added", kind=ProtectionEvent.PLAN_CONTENT)
def PLAN_OUTCOME_ADDED(p: Params) -> str:
    return f"Outcome added to the {_plan_word(p)}"


@event_type("plan_action_added", kind=ProtectionEvent.PLAN_CONTENT)
def PLAN_ACTION_ADDED(p: Params) -> str:
    due = long_date(datetime.date.fromisoformat(p["due_date"]))
    return f"Action for {p['who']} added to the {_plan_word(p)}, due {due}"


@event_type("plan_action_done", kind=ProtectionEvent.PLAN_CONTENT)
def PLAN_ACTION_DONE(p: Params) -> str:
    return f"Action for {p['who']} under the {_plan_word(p)} done"


@event_type("plan_member_added", kind=ProtectionEvent.PLAN_CONTENT)
def PLAN_MEMBER_ADDED(p: Params) -> str:
    return f"{p['name']} ({p['role']}) joined the core group of the {_plan_word(p)}"


@event_type("plan_contingency_changed", kind=ProtectionEvent.PLAN_CONTENT)
def PLAN_CONTINGENCY_CHANGED(p: Params) -> str:
    return f"Contingency of the {_plan_word(p)} changed"


def _kind(part: Any) -> str:
    return "cp" if getattr(part, "cp_plan_id", None) else "cin"


def plan_outcome_added(outcome: PlanOutcome, *, by: Any) -> None:
    PLAN_OUTCOME_ADDED.record(
        outcome.person_id,
        on=outcome.created_at,
        by=by,
        source=outcome,
        detail=outcome.text,
        plan_kind=_kind(outcome),
    )


def plan_action_added(action: PlanAction, *, by: Any) -> None:
    PLAN_ACTION_ADDED.record(
        action.person_id,
        on=action.created_at,
        by=by,
        source=action,
        detail=action.what,
        plan_kind=_kind(action),
        who=action.who,
        due_date=action.due_date.isoformat(),
    )


def plan_action_done(action: PlanAction, *, by: Any) -> None:
    PLAN_ACTION_DONE.record(
        action.person_id,
        on=action.done_on,
        by=by,
        source=action,
        detail=action.what,
        plan_kind=_kind(action),
        who=action.who,
    )


def plan_member_added(member: PlanMember, *, by: Any) -> None:
    PLAN_MEMBER_ADDED.record(
        member.person_id,
        on=member.created_at,
        by=by,
        source=member,
        plan_kind=_kind(member),
        name=member.name,
        role=member.role,
    )


def plan_contingency_changed(plan: Any, *, by: Any) -> None:
    PLAN_CONTINGENCY_CHANGED.record(
        plan.person_id,
        on=plan.updated_at,
        by=by,
        source=plan,
        detail=plan.contingency,
        plan_kind="cp" if isinstance(plan, ChildProtectionPlan) else "cin",
    )


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
