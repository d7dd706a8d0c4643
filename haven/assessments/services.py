"""Child and Family Assessments: start, record, submit, authorise or return."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Capability, service_require, user_can
from haven.assessments import events
from haven.assessments.factors import proposed_factors
from haven.assessments.models import (
    Assessment,
    AssessmentFactor,
    AssessmentOutcome,
    AssessmentStatus,
    NextStep,
    NextStepKind,
)
from haven.core.calendar import calendar, rule
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.core.versioning import ConcurrentEditError, update_with_version
from haven.frontdoor.models import PrimaryNeed

if TYPE_CHECKING:
    from haven.frontdoor.models import Referral
    from haven.people.services import AllocationChange


ASSESSMENT_RULE = "assessment"

# Which status an assessment may move to from each status. An authorised assessment is final:
# it cannot be returned, resubmitted or authorised again.
TRANSITIONS: dict[str, frozenset[str]] = {
    AssessmentStatus.IN_PROGRESS: frozenset({AssessmentStatus.SUBMITTED}),
    AssessmentStatus.RETURNED: frozenset({AssessmentStatus.SUBMITTED}),
    AssessmentStatus.SUBMITTED: frozenset({AssessmentStatus.AUTHORISED, AssessmentStatus.RETURNED}),
    AssessmentStatus.AUTHORISED: frozenset(),
}

_REFUSED: dict[str, str] = {
    AssessmentStatus.SUBMITTED: "Only an assessment in progress or returned can be submitted",
    AssessmentStatus.AUTHORISED: "Only a submitted assessment can be authorised",
    AssessmentStatus.RETURNED: "Only a submitted assessment can be returned",
}


def _lock_for_move(assessment: Assessment, to: str, field: str) -> Assessment:
    """The assessment as it is now, locked, if it may move to ``to``; ConflictError if not
    (another manager authorised it meanwhile, or it was never submitted)."""
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if to not in TRANSITIONS[current.status]:
        raise ConflictError(
            {field: f"{_REFUSED[to]}: this one is {current.get_status_display().lower()}"}
        )
    return current


EDITABLE = (
    "child_seen_on",
    "seen_alone",
    "factors",
    "internal_review_date",
    "analysis",
    "outcome",
    "primary_need",
    "overdue_reason",
)


@transaction.atomic
def assessment_start(
    *, referral: Referral, by: User, start_date: datetime.date, worker: User | None = None
) -> Assessment:
    if start_date < referral.referral_date:
        raise ValidationError({"start_date": "An assessment cannot start before its referral"})
    assessment = Assessment.objects.create(
        referral=referral,
        person=referral.person,
        team=referral.team,
        worker=worker,
        start_date=start_date,
        due_rule=ASSESSMENT_RULE,
        # The clock starts at the referral (Working Together): 45 working days.
        due_date=rule(ASSESSMENT_RULE).due_date(referral.referral_date),
    )
    events.started(assessment, by=by)
    return assessment


def assessments_follow_referral_date(*, referral: Referral, by: User) -> None:
    """The referral's date was corrected: each assessment's deadline follows it."""
    for assessment in referral.assessments.all():
        assessment_recompute_due(assessment=assessment)


def assessment_start_for_referral(*, referral: Referral, by: User) -> Assessment:
    """A new referral starts its child and family assessment the same day, with the contact's
    concerns as the factors for the worker to confirm."""
    assessment = assessment_start(referral=referral, by=by, start_date=referral.referral_date)
    if factors := proposed_factors(referral):
        Assessment.objects.filter(pk=assessment.pk).update(factors=factors)
        assessment.factors = factors
    return assessment


def assessment_recompute_due(*, assessment: Assessment) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(
        due_date=rule(assessment.due_rule).due_date(assessment.referral.referral_date)
    )


def assessment_allocate(*, assessment: Assessment, worker: User, by: User) -> None:
    service_require(by, Capability.ALLOCATE, field="worker")
    if not user_can(worker, Capability.HOLD_CASES):
        raise ValidationError({"worker": f"{worker.display_name} cannot hold cases"})
    if assessment.team_id and not worker.memberships.filter(team_id=assessment.team_id).exists():
        raise ValidationError({"worker": f"{worker.display_name} is not in {assessment.team}"})
    from haven.people.services import allocation_set

    update_with_version(Assessment, assessment.pk, None, worker=worker)
    from haven.accounts.notifications import notify

    notify(
        recipients=[worker],
        by=by,
        message=f"Assessment {assessment.pk} has been allocated to you by {by.display_name}",
        link=f"/assessments/{assessment.pk}/",
    )
    if assessment.team is not None:
        allocation_set(person=assessment.person, by=by, team=assessment.team, worker=worker)


def assessments_follow_allocation(change: AllocationChange) -> None:
    """A worker named for the child takes the open assessments that had no worker (or were
    the previous worker's)."""
    open_ = (
        Assessment.objects.select_for_update()
        .filter(person=change.person)
        .exclude(status=AssessmentStatus.AUTHORISED)
    )
    for assessment in open_:
        if assessment.worker_id is None or assessment.worker_id == getattr(
            change.previous_worker, "pk", None
        ):
            update_with_version(
                Assessment, assessment.pk, None, worker=change.worker, team=change.team
            )
            from haven.accounts.notifications import notify

            notify(
                recipients=[change.worker],
                by=change.by,
                message=f"Assessment {assessment.pk} has been allocated to you "
                f"by {change.by.display_name}",
                link=f"/assessments/{assessment.pk}/",
            )


def _clean(values: dict[str, Any], assessment: Assessment) -> dict[str, Any]:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    seen = values.get("child_seen_on")
    if seen and seen < assessment.start_date:
        errors["child_seen_on"] = (
            f"The child cannot be seen before the assessment started "
            f"({long_date(assessment.start_date)})"
        )
    elif seen and seen > today:
        errors["child_seen_on"] = "The date the child was seen must be today or in the past"
    factors = values.get("factors") or []
    unknown = [f for f in factors if f not in AssessmentFactor.values]
    if values.get("primary_need") and values["primary_need"] not in PrimaryNeed.values:
        errors["primary_need"] = "Choose the primary need from the list"
    if unknown:
        errors["factors"] = f"Unknown assessment factor: {', '.join(unknown)}"
    elif AssessmentFactor.NONE in factors and len(factors) > 1:
        errors["factors"] = "Choose 'No factors identified' or the factors, not both"
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def assessment_update(
    *, assessment_id: int, by: User, expected_version: int, values: dict[str, Any]
) -> Assessment:
    current = Assessment.objects.select_for_update().get(pk=assessment_id)
    if current.version != expected_version:
        raise ConcurrentEditError(current)
    if current.status in (AssessmentStatus.AUTHORISED, AssessmentStatus.SUBMITTED):
        raise ConflictError(
            {"analysis": "This assessment is with the manager and cannot be changed"}
        )
    values = _clean({k: v for k, v in values.items() if k in EDITABLE}, current)
    first_seen = values.get("child_seen_on") and not current.child_seen_on
    update_with_version(Assessment, current.pk, expected_version, **values)
    current.refresh_from_db()
    if first_seen:
        events.child_seen(current, by=by)
    return current


def is_late(assessment: Assessment, on: datetime.date | None = None) -> bool:
    return (on or timezone.localdate()) > assessment.due_date


@transaction.atomic
def assessment_submit(*, assessment: Assessment, by: User) -> Assessment:
    assessment = _lock_for_move(assessment, AssessmentStatus.SUBMITTED, "analysis")
    errors = {}
    if not assessment.child_seen_on:
        errors["child_seen_on"] = "Record when the child was seen before submitting"
    if not assessment.analysis.strip():
        errors["analysis"] = "Write the analysis before submitting"
    if not assessment.outcome:
        errors["outcome"] = "Choose the recommended outcome before submitting"
    if not assessment.primary_need:
        errors["primary_need"] = "Choose the child's primary need before submitting"
    if not assessment.factors:
        errors["factors"] = "Choose the factors identified, or 'No factors identified'"
    if is_late(assessment) and not assessment.overdue_reason.strip():
        errors["overdue_reason"] = "The assessment is past its 45 working days: record why"
    if errors:
        raise ValidationError(errors)
    update_with_version(
        Assessment,
        assessment.pk,
        None,
        status=AssessmentStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=by,
    )
    assessment.refresh_from_db()
    events.submitted(assessment, by=by)
    from haven.accounts.notifications import notify_team_managers

    notify_team_managers(
        team_ids=[assessment.team_id],
        by=by,
        message=f"Assessment {assessment.pk}, submitted by {by.display_name}, "
        "awaits your authorisation",
        link=f"/assessments/{assessment.pk}/",
    )
    return assessment


def _check_manager(by: User) -> None:
    service_require(by, Capability.AUTHORISE, field="manager_comments")


@transaction.atomic
def assessment_authorise(
    *,
    assessment: Assessment,
    by: User,
    authorised_on: datetime.date | None = None,
    comments: str = "",
) -> Assessment:
    _check_manager(by)
    assessment = _lock_for_move(assessment, AssessmentStatus.AUTHORISED, "manager_comments")
    authorised_on = authorised_on or timezone.localdate()
    if authorised_on < assessment.start_date:
        raise ValidationError(
            {
                "authorised_on": (
                    f"An assessment cannot be authorised before it started "
                    f"({long_date(assessment.start_date)})"
                )
            }
        )
    if authorised_on > timezone.localdate():
        raise ValidationError(
            {"authorised_on": "The authorisation date must be today or in the past"}
        )
    update_with_version(
        Assessment,
        assessment.pk,
        None,
        status=AssessmentStatus.AUTHORISED,
        authorised_on=authorised_on,
        authorised_by=by,
        manager_comments=comments.strip(),
    )
    assessment.refresh_from_db()
    events.authorised(assessment, by=by)
    _record_primary_need(assessment)
    _create_next_steps(assessment, by=by)
    return assessment


def _record_primary_need(assessment: Assessment) -> None:
    """The authorised assessment's primary need is the referral's (the census PrimaryNeedCode)."""
    from haven.frontdoor.models import Referral

    if assessment.primary_need:
        update_with_version(
            Referral, assessment.referral_id, None, primary_need=assessment.primary_need
        )


def _create_next_steps(assessment: Assessment, *, by: User) -> None:
    """What an authorised recommendation sets in motion: a strategy discussion is a task for
    the worker (or the team), due by the strategy discussion timescale."""
    if assessment.outcome == AssessmentOutcome.STRATEGY_DISCUSSION:
        NextStep.objects.get_or_create(
            assessment=assessment,
            kind=NextStepKind.STRATEGY_DISCUSSION,
            defaults={
                "person": assessment.person,
                "team": assessment.team,
                "worker": assessment.worker,
                "due_date": rule("strategy_discussion").due_date(
                    assessment.authorised_on or timezone.localdate()
                ),
                "created_by": by,
            },
        )
        from haven.accounts.notifications import notify

        notify(
            recipients=[assessment.worker],
            by=by,
            message=f"Assessment {assessment.pk} was authorised: hold a strategy discussion",
            link=f"/assessments/{assessment.pk}/",
        )


@transaction.atomic
def assessment_return(*, assessment: Assessment, by: User, comments: str) -> Assessment:
    _check_manager(by)
    if not comments.strip():
        raise ValidationError({"manager_comments": "Say what needs to change"})
    assessment = _lock_for_move(assessment, AssessmentStatus.RETURNED, "manager_comments")
    update_with_version(
        Assessment,
        assessment.pk,
        None,
        status=AssessmentStatus.RETURNED,
        manager_comments=comments.strip(),
    )
    assessment.refresh_from_db()
    events.returned(assessment, by=by, on=timezone.localdate())
    from haven.accounts.notifications import notify

    notify(
        recipients=[assessment.worker],
        by=by,
        message=f"Assessment {assessment.pk} has been returned to you by {by.display_name}: "
        f"{assessment.manager_comments[:300]}",
        link=f"/assessments/{assessment.pk}/",
    )
    return assessment


def working_days_taken(assessment: Assessment) -> int | None:
    if assessment.authorised_on is None:
        return None
    return calendar().working_days_between(assessment.start_date, assessment.authorised_on)
