"""Child in need plans and closing a child in need episode. Every timescale comes from
haven.core.calendar; child protection (haven.protection) ends a CIN plan when a CP plan starts."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Capability, service_require
from haven.childinneed import events
from haven.childinneed.models import (
    CINPlan,
    CINReview,
    CINReviewDecision,
    ClosureProposal,
    ClosureStatus,
)
from haven.core.calendar import rule
from haven.core.checks import locked, not_before, not_future
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.core.versioning import update_with_version
from haven.frontdoor.models import ReasonForClosure, Referral


def episode_lock_open(referral: Referral) -> Referral:
    """The episode, locked, if it is still open (closing it takes the same lock)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.closure_date is not None:
        raise ConflictError({"referral": "This child in need episode is closed"})
    return referral


@transaction.atomic
def cin_plan_start(
    *, referral: Referral, by: User, start_date: datetime.date, worker: User | None = None
) -> CINPlan:
    referral = episode_lock_open(referral)
    not_future(start_date, "start_date", "start date")
    not_before(
        start_date, referral.referral_date, "start_date", "A plan cannot start before the referral"
    )
    if CINPlan.objects.filter(person=referral.person, end_date__isnull=True).exists():
        raise ValidationError({"start_date": "This child already has an open child in need plan"})
    cin_plan_start_refusal(referral)
    plan = CINPlan.objects.create(
        referral=referral, person=referral.person, start_date=start_date, worker=worker
    )
    events.cin_plan_started(plan, by=by)
    return plan


@transaction.atomic
def cin_plan_end(*, plan: CINPlan, by: User, end_date: datetime.date) -> CINPlan:
    plan = locked(plan)
    if plan.end_date is not None:
        raise ConflictError({"end_date": "This plan has already ended"})
    not_future(end_date, "end_date", "end date")
    not_before(end_date, plan.start_date, "end_date", "A plan cannot end before it started")
    update_with_version(CINPlan, plan.pk, None, end_date=end_date)
    plan.refresh_from_db()
    events.cin_plan_ended(plan, by=by)
    return plan


def cin_plan_start_refusal(referral: Referral) -> None:
    """A child on a child protection plan is not also on a child in need plan: the CP plan
    replaces it (and a CIN plan may follow when the CP plan ends)."""
    if referral.person.cp_plans.filter(end_date__isnull=True).exists():  # type: ignore[attr-defined]
        raise ValidationError(
            {
                "start_date": "This child has an open child protection plan: a child in need plan "
                "can start when it ends"
            }
        )


def cin_review_due(plan: CINPlan) -> datetime.date:
    """When the plan's next review is due: a timescale after its last review, or its start."""
    last = plan.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
    return rule("cin_review").due_date(last or plan.start_date)


@transaction.atomic
def cin_review_record(
    *,
    plan: CINPlan,
    by: User,
    held_on: datetime.date,
    attendees: str,
    progress: str,
    decision: str,
) -> CINReview:
    """A child in need review; deciding to end the plan ends it on the review's date."""
    plan = locked(plan)
    if plan.end_date is not None:
        raise ConflictError({"held_on": f"This plan ended on {long_date(plan.end_date)}"})
    not_future(held_on, "held_on", "date of the review")
    not_before(held_on, plan.start_date, "held_on", "A review cannot be before the plan started")
    errors = {}
    if not attendees.strip():
        errors["attendees"] = "Enter who attended the review"
    if not progress.strip():
        errors["progress"] = "Enter the progress made against the plan"
    if decision not in CINReviewDecision.values:
        errors["decision"] = "Choose whether the plan continues or ends"
    if errors:
        raise ValidationError(errors)
    if plan.reviews.filter(held_on=held_on).exists():
        raise ConflictError({"held_on": f"A review is already recorded on {long_date(held_on)}"})
    last = plan.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
    if last is not None:
        not_before(held_on, last, "held_on", "A review cannot be dated before the last review")
    review = CINReview.objects.create(
        plan=plan,
        person_id=plan.person_id,
        held_on=held_on,
        due_date=cin_review_due(plan),
        attendees=attendees.strip(),
        progress=progress.strip(),
        decision=decision,
        next_review_due=(
            rule("cin_review").due_date(held_on) if decision == CINReviewDecision.CONTINUE else None
        ),
        recorded_by=by,
    )
    events.cin_review_held(review, by=by)
    if decision == CINReviewDecision.END:
        cin_plan_end(plan=plan, by=by, end_date=held_on)
    return review


# DfE: closed after assessment (no further action, or early help) means nothing followed it.
AFTER_ASSESSMENT_ONLY = frozenset(
    {ReasonForClosure.NFA_AFTER_ASSESSMENT, ReasonForClosure.EARLY_HELP_AFTER_ASSESSMENT}
)


def open_work_blocking_closure(referral: Referral) -> list[str]:
    """What must end before the episode can close, in words a worker can act on."""
    blocking = []
    for s47 in referral.s47_enquiries.filter(end_date__isnull=True):
        blocking.append(f"the section 47 enquiry started {long_date(s47.start_date)}")
    for plan in referral.cp_plans.filter(end_date__isnull=True):
        blocking.append(f"the child protection plan started {long_date(plan.start_date)}")
    for cin_plan in referral.cin_plans.filter(end_date__isnull=True):
        blocking.append(f"the child in need plan started {long_date(cin_plan.start_date)}")
    for assessment in referral.assessments.exclude(status="authorised"):
        blocking.append(f"the assessment started {long_date(assessment.start_date)}")
    return blocking


def _check_closure(referral: Referral, *, closure_date: datetime.date, reason: str) -> None:
    """The episode may close on ``closure_date`` for ``reason``: refused while work is open."""
    if reason not in ReasonForClosure.values:
        raise ValidationError({"reason": "Choose the reason for closure"})
    not_future(closure_date, "closure_date", "closure date")
    not_before(
        closure_date,
        referral.referral_date,
        "closure_date",
        "An episode cannot close before its referral",
    )
    if reason in AFTER_ASSESSMENT_ONLY and (
        referral.s47_enquiries.exists() or referral.cp_plans.exists() or referral.cin_plans.exists()
    ):
        raise ValidationError(
            {
                "reason": (
                    "This episode had a section 47 enquiry or a plan, so it did not close straight after "
                    "the assessment: choose another reason (for example, services ceased)"
                )
            }
        )
    blocking = open_work_blocking_closure(referral)
    if blocking:
        raise ValidationError(
            {"reason": "The case cannot close while these are open: " + "; ".join(blocking)}
        )


@transaction.atomic
def episode_close(
    *, referral: Referral, by: User, closure_date: datetime.date, reason: str
) -> Referral:
    """Close a child in need episode with its DfE reason; refused while work is open. Only a
    manager closes (signing off a worker's proposal: ``closure_sign_off``)."""
    service_require(by, Capability.AUTHORISE, field="reason")
    referral = locked(referral)
    if referral.closure_date is not None:
        raise ConflictError({"closure_date": "This episode is already closed"})
    _check_closure(referral, closure_date=closure_date, reason=reason)
    update_with_version(
        Referral, referral.pk, None, closure_date=closure_date, closure_reason=reason
    )
    referral.refresh_from_db()
    events.episode_closed(referral, by=by)
    return referral


# -- allocation: a named worker takes the child's open CIN plan if it has none ------------------


def cin_plans_follow_allocation(change: Any) -> None:
    """``change`` is a ``haven.people.services.AllocationChange``."""
    CINPlan.objects.filter(person=change.person, end_date__isnull=True, worker__isnull=True).update(
        worker=change.worker, version=F("version") + 1, updated_at=timezone.now()
    )


# -- closure: the worker proposes with a summary, a manager signs off or returns -----------------


@transaction.atomic
def closure_propose(
    *, referral: Referral, by: User, closure_date: datetime.date, reason: str, summary: str
) -> ClosureProposal:
    """The worker proposes closing the episode; nothing closes until a manager signs it off."""
    referral = episode_lock_open(referral)
    if ClosureProposal.objects.filter(referral=referral, status=ClosureStatus.PROPOSED).exists():
        raise ConflictError(
            {"summary": "Closing this case is already awaiting a manager's sign-off"}
        )
    if not summary.strip():
        raise ValidationError({"summary": "Write the closure summary"})
    _check_closure(referral, closure_date=closure_date, reason=reason)
    proposal = ClosureProposal.objects.create(
        referral=referral,
        person=referral.person,
        closure_date=closure_date,
        reason=reason,
        summary=summary.strip(),
        proposed_by=by,
        proposed_at=timezone.now(),
    )
    from haven.accounts.notifications import notify_team_managers

    notify_team_managers(
        team_ids=[referral.team_id],
        by=by,
        message=f"Closing case {referral.person_id}, proposed by {by.display_name}, "
        "awaits your sign-off",
        link=f"/people/{referral.person_id}/closure/",
    )
    return proposal


def _lock_pending(proposal: ClosureProposal) -> ClosureProposal:
    current = ClosureProposal.objects.select_for_update().get(pk=proposal.pk)
    if current.status != ClosureStatus.PROPOSED:
        raise ConflictError(
            {"manager_comments": f"This closure is already {current.get_status_display().lower()}"}
        )
    return current


@transaction.atomic
def closure_sign_off(*, proposal: ClosureProposal, by: User, comments: str = "") -> ClosureProposal:
    """A manager signs off the closure: the episode closes with the proposed date and reason,
    and the child's allocation ends (the case leaves the worker's caseload)."""
    from haven.people.services import allocation_end

    service_require(by, Capability.AUTHORISE, field="manager_comments")
    proposal = _lock_pending(proposal)
    referral = episode_close(
        referral=proposal.referral,
        by=by,
        closure_date=proposal.closure_date,
        reason=proposal.reason,
    )
    allocation_end(person=referral.person, by=by, end_date=proposal.closure_date)
    update_with_version(
        ClosureProposal,
        proposal.pk,
        None,
        status=ClosureStatus.SIGNED_OFF,
        decided_by=by,
        decided_at=timezone.now(),
        manager_comments=comments.strip(),
    )
    proposal.refresh_from_db()
    return proposal


@transaction.atomic
def closure_return(*, proposal: ClosureProposal, by: User, comments: str) -> ClosureProposal:
    """A manager returns the proposal to the worker with what needs to change."""
    service_require(by, Capability.AUTHORISE, field="manager_comments")
    if not comments.strip():
        raise ValidationError({"manager_comments": "Say why the case should not close yet"})
    proposal = _lock_pending(proposal)
    update_with_version(
        ClosureProposal,
        proposal.pk,
        None,
        status=ClosureStatus.RETURNED,
        decided_by=by,
        decided_at=timezone.now(),
        manager_comments=comments.strip(),
    )
    proposal.refresh_from_db()
    from haven.accounts.notifications import notify

    notify(
        recipients=[proposal.proposed_by],
        by=by,
        message=f"Closing case {proposal.person_id} was returned by {by.display_name}: "
        f"{proposal.manager_comments[:300]}",
        link=f"/people/{proposal.person_id}/closure/",
    )
    return proposal
