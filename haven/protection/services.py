"""Strategy discussions, S47 enquiries, conferences, CP plans, core groups and visits. Every
timescale comes from haven.core.calendar. CIN plans and closing the episode are
haven.childinneed.services."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Capability, service_require, user_can
from haven.childinneed.models import CINPlan
from haven.childinneed.services import cin_plan_end, episode_lock_open
from haven.core.calendar import rule
from haven.core.checks import locked, not_before, not_future
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.core.versioning import update_with_version
from haven.frontdoor.models import Agency, Referral
from haven.protection import events
from haven.protection.models import (
    INITIAL_KINDS,
    CategoryChange,
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


@transaction.atomic
def strategy_discussion_record(
    *,
    referral: Referral,
    by: User,
    held_on: datetime.date,
    agencies: list[str],
    decision: str,
    notes: str = "",
    attendees: str = "",
) -> StrategyDiscussion:
    """A strategy discussion; deciding to start a section 47 enquiry starts it the same day,
    and the initial conference's 15-working-day clock with it."""
    referral = episode_lock_open(referral)
    not_future(held_on, "held_on", "date of the strategy discussion")
    not_before(
        held_on,
        referral.referral_date,
        "held_on",
        "A strategy discussion cannot be before the referral",
    )
    if decision not in StrategyDecision.values:
        raise ValidationError({"decision": "Choose the decision"})
    if not agencies:
        raise ValidationError({"agencies": "Choose the agencies that took part"})
    if (
        decision == StrategyDecision.START_S47
        and referral.s47_enquiries.filter(end_date__isnull=True).exists()
    ):
        raise ConflictError(
            {
                "decision": "A section 47 enquiry is already open: complete it before starting another"
            }
        )
    discussion = StrategyDiscussion.objects.create(
        referral=referral,
        person=referral.person,
        held_on=held_on,
        agencies=agencies,
        attendees=attendees.strip(),
        decision=decision,
        notes=notes.strip(),
        recorded_by=by,
    )
    events.strategy_discussion_held(discussion, by=by)
    if decision == StrategyDecision.START_S47:
        s47 = S47Enquiry.objects.create(
            referral=referral,
            person=referral.person,
            strategy_discussion=discussion,
            start_date=held_on,
            icpc_target=rule("icpc").due_date(held_on),
            icpc_target_rule="icpc",
        )
        events.s47_started(s47, by=by)
    return discussion


@transaction.atomic
def s47_complete(*, s47: S47Enquiry, by: User, end_date: datetime.date, outcome: str) -> S47Enquiry:
    s47 = locked(s47)
    if s47.end_date is not None:
        raise ConflictError({"outcome": "This enquiry is already complete"})
    not_future(end_date, "end_date", "end date")
    not_before(end_date, s47.start_date, "end_date", "The enquiry cannot end before it started")
    if outcome not in S47Outcome.values:
        raise ValidationError({"outcome": "Choose the outcome of the enquiry"})
    update_with_version(S47Enquiry, s47.pk, None, end_date=end_date, outcome=outcome)
    s47.refresh_from_db()
    events.s47_completed(s47, by=by)
    if outcome == S47Outcome.CONFERENCE:
        conference_schedule(
            person_id=s47.person_id,
            referral=s47.referral,
            kind=ConferenceKind.INITIAL,
            s47=s47,
            by=by,
        )
    return s47


@transaction.atomic
def conference_schedule(
    *,
    person_id: int,
    referral: Referral,
    kind: str,
    by: User,
    s47: S47Enquiry | None = None,
    plan: ChildProtectionPlan | None = None,
    start: datetime.date | None = None,
) -> Conference:
    """An initial conference is due 15 working days from the strategy discussion that started
    the S47; a review 3 months after the initial conference, then at most 6 months apart."""
    if kind == ConferenceKind.INITIAL:
        if s47 is None:
            raise ValidationError({"s47": "An initial conference needs a section 47 enquiry"})
        due, due_rule = s47.icpc_target, s47.icpc_target_rule
    elif kind == ConferenceKind.REVIEW:
        if plan is None or start is None:
            raise ValidationError({"plan": "A review conference belongs to a plan"})
        due_rule = (
            "first_cp_review"
            if not plan.reviews.filter(held_on__isnull=False).exists()
            else "later_cp_review"
        )
        due = rule(due_rule).due_date(start)
    else:  # pre-birth and transfer-in conferences follow local arrangements
        due_rule = "icpc"
        due = rule("icpc").due_date(start or timezone.localdate())
    # A review is chaired by whoever chaired the plan's last conference (continuity for the
    # family); an initial conference waits for the reviewing team to name its chair.
    chair_id = (
        Conference.objects.filter(person_id=person_id, plan=plan, held_on__isnull=False)
        .exclude(chair=None)
        .order_by("-held_on", "-pk")
        .values_list("chair_id", flat=True)
        .first()
        if kind == ConferenceKind.REVIEW
        else None
    )
    if kind == ConferenceKind.REVIEW and chair_id is None and plan is not None:
        chair_id = plan.conference.chair_id if plan.conference_id else None
    conference = Conference.objects.create(
        person_id=person_id,
        referral=referral,
        kind=kind,
        s47=s47,
        plan=plan,
        due_date=due,
        due_rule=due_rule,
        chair_id=chair_id,
    )
    if chair_id is not None:
        from haven.accounts.notifications import notify

        notify(
            recipients=[User.objects.get(pk=chair_id)],
            by=by,
            message=f"{conference.get_kind_display()} for case {person_id} is due by "
            f"{long_date(due)}: you chair it",
            link=f"/people/{person_id}/protection/",
        )
    return conference


def _previous_plans(person_id: int) -> int:
    return ChildProtectionPlan.objects.filter(person_id=person_id).count()


@transaction.atomic
def conference_hold(
    *,
    conference: Conference,
    by: User,
    held_on: datetime.date,
    chair: User,
    decision: str,
    category: str = "",
    agencies_invited: Sequence[str] = (),
    agencies_attended: Sequence[str] = (),
    child_views: str = "",
    family_views: str = "",
    lead_practitioner: User | None = None,
    end_reason: str = "",
    same_day_confirmed: bool = False,
) -> Conference:
    """Record a conference. An initial conference may start a plan; a review continues or ends
    it, and a new category is recorded as a change. Only the conference's chair, or a manager,
    may record that a review ends the plan: a worker cannot end a plan alone. A review dated
    the same day as the initial conference is usually a mistyped date, so it must be
    confirmed."""
    # The episode first, then the conference: the same order as closing the episode.
    Referral.objects.select_for_update().filter(pk=conference.referral_id).first()
    conference = locked(conference)
    if conference.held_on is not None:
        raise ConflictError({"held_on": "This conference has already been recorded"})
    not_future(held_on, "held_on", "date of the conference")
    errors = {}
    if conference.is_initial and decision not in (
        ConferenceDecision.PLAN,
        ConferenceDecision.NO_PLAN,
    ):
        errors["decision"] = "Choose whether the child needs a child protection plan"
    if conference.kind == ConferenceKind.REVIEW and decision not in (
        ConferenceDecision.CONTINUE,
        ConferenceDecision.END,
    ):
        errors["decision"] = "Choose whether the plan continues or ends"
    if decision in (ConferenceDecision.PLAN,) and not category:
        errors["category"] = "Choose the category of abuse"
    if decision == ConferenceDecision.END:
        if end_reason and end_reason not in PlanEndReason.values:
            errors["end_reason"] = "Choose why the plan ends"
        if by.pk != getattr(chair, "pk", None) and not user_can(by, Capability.AUTHORISE):
            errors["decision"] = (
                "Only the conference's chair or a manager can record that the plan ends: "
                "ask the chair to record this review"
            )
    if errors:
        raise ValidationError(errors)
    plan = conference.plan
    closed = conference.referral.closure_date
    if closed is not None and held_on > closed:
        raise ValidationError(
            {
                "held_on": f"The episode closed on {long_date(closed)}: a conference cannot be held after it"
            }
        )
    if conference.s47 is not None:
        not_before(
            held_on,
            conference.s47.start_date,
            "held_on",
            "A conference cannot be held before its section 47 enquiry started",
        )
    if plan is not None:
        last = plan.reviews.filter(held_on__isnull=False).order_by("-held_on").first()
        previous = last.held_on if last and last.held_on else plan.conference.held_on
        if previous:
            not_before(
                held_on,
                previous,
                "held_on",
                "A review cannot be dated before the conference it follows",
            )
        if held_on == plan.conference.held_on and not same_day_confirmed:
            raise ValidationError(
                {
                    "same_day_confirmed": (
                        "This review is dated the same day as the initial conference "
                        f"({long_date(held_on)}). Check the date, or confirm that the review "
                        "was held that day"
                    )
                }
            )
    update_with_version(
        Conference,
        conference.pk,
        None,
        held_on=held_on,
        chair=chair,
        decision=decision,
        category=category,
        agencies_invited=list(agencies_invited),
        agencies_attended=list(agencies_attended),
        child_views=child_views.strip(),
        family_views=family_views.strip(),
    )
    conference.refresh_from_db()
    events.conference_held(conference, by=by)
    if conference.is_initial and decision == ConferenceDecision.PLAN:
        cp_plan_start(conference=conference, by=by, lead_practitioner=lead_practitioner)
    elif plan is not None and decision == ConferenceDecision.END:
        _cp_plan_close(
            plan=plan,
            by=by,
            end_date=held_on,
            reason=end_reason or PlanEndReason.NO_LONGER_AT_RISK,
        )
    elif plan is not None:
        if category and category != plan.latest_category:
            CategoryChange.objects.create(
                plan=plan, changed_on=held_on, category=category, conference=conference
            )
            ChildProtectionPlan.objects.filter(pk=plan.pk).update(latest_category=category)
        conference_schedule(
            person_id=plan.person_id,
            referral=plan.referral,
            kind=ConferenceKind.REVIEW,
            plan=plan,
            start=held_on,
            by=by,
        )
    return conference


@transaction.atomic
def cp_plan_start(
    *, conference: Conference, by: User, lead_practitioner: User | None = None
) -> ChildProtectionPlan:
    if conference.kind not in INITIAL_KINDS or conference.held_on is None:
        raise ValidationError(
            {"conference": "A plan starts at an initial conference that has been held"}
        )
    if ChildProtectionPlan.objects.filter(
        person_id=conference.person_id, end_date__isnull=True
    ).exists():
        raise ValidationError({"decision": "This child already has an open child protection plan"})
    try:
        with transaction.atomic():
            plan = ChildProtectionPlan.objects.create(
                person_id=conference.person_id,
                referral=conference.referral,
                conference=conference,
                start_date=conference.held_on,
                initial_category=conference.category,
                latest_category=conference.category,
                previous_plans=_previous_plans(conference.person_id),
                lead_practitioner=lead_practitioner,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"decision": "This child's plans would overlap an earlier plan"}
        ) from exc
    events.cp_plan_started(plan, by=by)
    # A child protection plan replaces a child in need plan.
    for cin_plan in CINPlan.objects.filter(person_id=plan.person_id, end_date__isnull=True):
        cin_plan_end(plan=cin_plan, by=by, end_date=plan.start_date)
    CoreGroup.objects.create(
        plan=plan,
        person_id=plan.person_id,
        due_rule="first_core_group",
        due_date=rule("first_core_group").due_date(plan.start_date),
    )
    conference_schedule(
        person_id=plan.person_id,
        referral=plan.referral,
        kind=ConferenceKind.REVIEW,
        plan=plan,
        start=plan.start_date,
        by=by,
    )
    return plan


@transaction.atomic
def cp_plan_end(
    *, plan: ChildProtectionPlan, by: User, end_date: datetime.date, reason: str
) -> ChildProtectionPlan:
    """End a plan outside a review conference: a manager's decision (AUTHORISE), with the
    reason. A review conference ends a plan through ``conference_hold``."""
    service_require(by, Capability.AUTHORISE, field="reason")
    plan = _cp_plan_close(plan=plan, by=by, end_date=end_date, reason=reason)
    from haven.accounts.notifications import notify
    from haven.people.models import Allocation

    holder = (
        Allocation.objects.filter(person_id=plan.person_id, end_date__isnull=True)
        .select_related("worker")
        .first()
    )
    notify(
        recipients=[holder.worker if holder else None, plan.lead_practitioner],
        by=by,
        message=f"{by.display_name} ended the child protection plan for case {plan.person_id}",
        link=f"/people/{plan.person_id}/protection/",
    )
    return plan


def _cp_plan_close(
    *, plan: ChildProtectionPlan, by: User, end_date: datetime.date, reason: str
) -> ChildProtectionPlan:
    if reason not in PlanEndReason.values:
        raise ValidationError({"reason": "Choose why the plan ended"})
    plan = locked(plan)
    if plan.end_date is not None:
        raise ConflictError({"end_date": "This plan has already ended"})
    not_future(end_date, "end_date", "end date")
    if end_date <= plan.start_date:
        raise ValidationError(
            {"end_date": f"A plan must end after it starts ({long_date(plan.start_date)})"}
        )
    update_with_version(ChildProtectionPlan, plan.pk, None, end_date=end_date, end_reason=reason)
    plan.refresh_from_db()
    # Meetings and visits due after the plan ends are no longer due.
    plan.reviews.filter(held_on__isnull=True).delete()
    plan.core_groups.filter(held_on__isnull=True).delete()
    events.cp_plan_ended(plan, by=by)
    return plan


@transaction.atomic
def core_group_hold(
    *,
    core_group: CoreGroup,
    by: User,
    held_on: datetime.date,
    agencies_attended: list[str],
    notes: str = "",
) -> CoreGroup:
    # The plan is the parent row: locking it serialises everything done to its core groups.
    plan = locked(core_group.plan)
    core_group = CoreGroup.objects.get(pk=core_group.pk)
    if core_group.held_on is not None:
        raise ConflictError(
            {
                "held_on": f"This core group was already recorded as held on {long_date(core_group.held_on)}"
            }
        )
    if plan.core_groups.filter(held_on=held_on).exists():
        raise ConflictError(
            {"held_on": f"A core group is already recorded on {long_date(held_on)}"}
        )
    if plan.end_date is not None and held_on > plan.end_date:
        raise ValidationError(
            {
                "held_on": f"The plan ended on {long_date(plan.end_date)}: a core group cannot be after it"
            }
        )
    not_future(held_on, "held_on", "date of the core group")
    not_before(
        held_on,
        plan.start_date,
        "held_on",
        "A core group cannot be before the plan started",
    )
    CoreGroup.objects.filter(pk=core_group.pk).update(
        held_on=held_on, agencies_attended=agencies_attended, notes=notes.strip()
    )
    core_group.refresh_from_db()
    events.core_group_held(core_group, by=by)
    if plan.is_open:
        CoreGroup.objects.create(
            plan=plan,
            person_id=core_group.person_id,
            due_rule="later_core_group",
            due_date=rule("later_core_group").due_date(held_on),
        )
    return core_group


# What other parts of the service do when a visit is recorded (case notes: what the worker
# wrote becomes a case note linked to the visit, so a visit is written once), registered from
# their app's ready().
_visit_recorded_hooks: list[Any] = []


def register_visit_recorded(hook: Any) -> None:
    """``hook(visit, by=user, notes=..., child_said=...)`` runs in the visit's transaction after
    it is recorded, with the words the worker wrote (the visit does not keep them)."""
    if hook not in _visit_recorded_hooks:
        _visit_recorded_hooks.append(hook)


def visit_recorded_hooks_run(visit: Any, *, by: User, notes: str, child_said: str) -> bool:
    """Run the hooks for a visit just recorded: a CP or CIN visit here, and the visits of
    other parts of the service (a looked-after child's statutory visits, haven.care). False
    when no part took the visit's words, so the visit must keep them itself."""
    for hook in _visit_recorded_hooks:
        hook(visit, by=by, notes=notes.strip(), child_said=child_said.strip())
    return bool(_visit_recorded_hooks)


def visit_due(*, kind: str, plan: Any) -> tuple[datetime.date, str]:
    """When the next visit under ``plan`` is due: from the last visit, or the plan's start."""
    key = "cp_visit" if kind == VisitKind.CP else "cin_visit"
    last = plan.visits.order_by("-visited_on").values_list("visited_on", flat=True).first()
    return rule(key).due_date(last or plan.start_date), key


@transaction.atomic
def visit_record(
    *,
    kind: str,
    plan: Any,
    by: User,
    visited_on: datetime.date,
    child_seen: bool,
    seen_alone: bool = False,
    notes: str = "",
    child_said: str = "",
) -> Visit:
    """Record a visit. Its words (``notes``, what the child said) are the case note's, written
    through the registered hooks; the visit keeps them itself only if no part takes them."""
    plan = locked(plan)
    if plan.end_date is not None and visited_on > plan.end_date:
        raise ValidationError(
            {
                "visited_on": f"The plan ended on {long_date(plan.end_date)}: record the visit elsewhere"
            }
        )
    not_future(visited_on, "visited_on", "date of the visit")
    not_before(
        visited_on,
        plan.start_date,
        "visited_on",
        "A visit under the plan cannot be before it started",
    )
    if seen_alone and not child_seen:
        raise ValidationError({"seen_alone": "A child not seen cannot have been seen alone"})
    due, key = visit_due(kind=kind, plan=plan)
    visit = Visit.objects.create(
        person_id=plan.person_id,
        kind=kind,
        cp_plan=plan if kind == VisitKind.CP else None,
        cin_plan=plan if kind == VisitKind.CIN else None,
        visited_on=visited_on,
        child_seen=child_seen,
        seen_alone=seen_alone,
        due_date=due,
        next_due=rule(key).due_date(visited_on),
        due_rule=key,
        worker=by,
        notes="" if _visit_recorded_hooks else notes.strip(),
    )
    events.visit_recorded(visit, by=by)
    visit_recorded_hooks_run(visit, by=by, notes=notes, child_said=child_said)
    return visit


# The content of a plan (CP or CIN): outcomes, actions, the core group and the contingency.

AnyPlan = ChildProtectionPlan | CINPlan


def _plan_fields(plan: AnyPlan) -> dict[str, Any]:
    if isinstance(plan, ChildProtectionPlan):
        return {"cp_plan": plan, "person_id": plan.person_id}
    return {"cin_plan": plan, "person_id": plan.person_id}


def _open_plan(plan: AnyPlan, field: str) -> AnyPlan:
    """The plan, locked, if it is still open: an ended plan's content is its record."""
    plan = locked(plan)
    if plan.end_date is not None:
        raise ConflictError({field: f"This plan ended on {long_date(plan.end_date)}"})
    return plan


def _required(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def plan_outcome_add(*, plan: AnyPlan, by: User, text: str) -> PlanOutcome:
    plan = _open_plan(plan, "text")
    outcome = PlanOutcome.objects.create(
        **_plan_fields(plan), text=_required(text, "text", "Enter the outcome"), created_by=by
    )
    events.plan_outcome_added(outcome, by=by)
    return outcome


@transaction.atomic
def plan_action_add(
    *,
    plan: AnyPlan,
    by: User,
    who: str,
    what: str,
    due_date: datetime.date,
    outcome: PlanOutcome | None = None,
) -> PlanAction:
    plan = _open_plan(plan, "what")
    who = _required(who, "who", "Enter who will do it")
    what = _required(what, "what", "Enter what will be done")
    not_before(
        due_date, plan.start_date, "due_date", "An action cannot be due before the plan started"
    )
    if outcome is not None and outcome.plan_id != plan.pk:
        raise ValidationError({"outcome": "Choose one of this plan's outcomes"})
    action = PlanAction.objects.create(
        **_plan_fields(plan), outcome=outcome, who=who, what=what, due_date=due_date, created_by=by
    )
    events.plan_action_added(action, by=by)
    return action


@transaction.atomic
def plan_action_done(*, action: PlanAction, by: User, done_on: datetime.date) -> PlanAction:
    action = locked(action)
    if action.done_on is not None:
        raise ConflictError(
            {"done_on": f"This action was already done on {long_date(action.done_on)}"}
        )
    not_future(done_on, "done_on", "date it was done")
    started = action.cp_plan.start_date if action.cp_plan else action.cin_plan.start_date  # type: ignore[union-attr]
    not_before(done_on, started, "done_on", "An action cannot be done before the plan started")
    update_with_version(PlanAction, action.pk, None, done_on=done_on)
    action.refresh_from_db()
    events.plan_action_done(action, by=by)
    return action


@transaction.atomic
def plan_member_add(
    *, plan: AnyPlan, by: User, name: str, role: str, agency: str = ""
) -> PlanMember:
    plan = _open_plan(plan, "name")
    name = _required(name, "name", "Enter the member's name")
    role = _required(role, "role", "Enter the member's role (for example, mother or class teacher)")
    if agency and agency not in Agency.values:
        raise ValidationError({"agency": "Choose the agency"})
    member = PlanMember.objects.create(
        **_plan_fields(plan), name=name, role=role, agency=agency, created_by=by
    )
    events.plan_member_added(member, by=by)
    return member


@transaction.atomic
def plan_contingency_update(
    *, plan: AnyPlan, by: User, contingency: str, version: int | None
) -> AnyPlan:
    """Change the contingency plan; if someone else saved the plan since the form was drawn,
    ``ConcurrentEditError`` shows them what it says now."""
    _open_plan(plan, "contingency")
    update_with_version(type(plan), plan.pk, version, contingency=contingency.strip())
    plan.refresh_from_db()
    events.plan_contingency_changed(plan, by=by)
    return plan


@transaction.atomic
def plan_written_to_child_set(
    *, plan: AnyPlan, by: User, written_to_child: bool, version: int | None
) -> AnyPlan:
    """Mark the plan as written to the child (or not): its outcomes, actions and contingency
    are then written for the child who may one day read them. A stale form raises
    ``ConcurrentEditError``; the row's audit trail records who changed it."""
    _open_plan(plan, "written_to_child")
    update_with_version(type(plan), plan.pk, version, written_to_child=bool(written_to_child))
    plan.refresh_from_db()
    return plan
