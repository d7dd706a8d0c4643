"""Reads of assessments, given the user."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from haven.assessments.models import Assessment, AssessmentStatus, NextStep
from haven.people.models import Person
from haven.people.selectors import person_get_for_user


def assessment_get_for_user(
    *, user: Any, assessment_id: int, request: HttpRequest | None = None
) -> Assessment | None:
    """The assessment if the user may see its child (the read is logged), else None."""
    person_id = (
        Assessment.objects.filter(pk=assessment_id).values_list("person_id", flat=True).first()
    )
    try:
        person_get_for_user(
            user=user,
            person_id=person_id or 0,
            request=request,
            detail=f"assessment {assessment_id}",
            # A form posted back is a change (in the audit trail), not another view.
            logged=request is None or request.method in ("GET", "HEAD"),
        )
    except Http404:
        return None
    return Assessment.objects.select_related(
        "person", "referral", "worker", "team", "authorised_by", "submitted_by"
    ).get(pk=assessment_id)


def open_assessments(*, person: Person, user: Any) -> list[Assessment]:
    """The child's assessments not yet authorised, soonest due first (on the child's page)."""
    return list(
        Assessment.objects.filter(person=person)
        .exclude(status=AssessmentStatus.AUTHORISED)
        .select_related("worker")
        .order_by("due_date")
    )


def what_happens_next(*, assessment: Assessment) -> dict[str, Any]:
    """What the assessment set in motion, for its page: the tasks it created (and whether each
    is done), and the state of the episode that decides which next action is offered."""
    from haven.assessments.work import open_next_steps

    tasks = list(NextStep.objects.filter(assessment=assessment).select_related("worker", "team"))
    still_open = set(open_next_steps().filter(assessment=assessment).values_list("pk", flat=True))
    referral = assessment.referral
    return {
        "tasks": [(task, task.pk not in still_open) for task in tasks],
        "episode_open": referral.closure_date is None,
        # Reverse relations of later parts of the service, read by name (no import upward).
        "open_cin_plan": referral.cin_plans.filter(end_date__isnull=True).first(),
        "closure_pending": referral.closure_proposals.filter(status="proposed").exists(),
    }
