"""Assessment items for "my work" and the manager's view."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from haven.accounts.models import User
from haven.assessments.models import (
    URGENT_OUTCOMES,
    Assessment,
    AssessmentStatus,
    NextStep,
    NextStepKind,
)
from haven.core.calendar import rule
from haven.people.access import user_team_ids
from haven.work.items import Scope, WorkItem, url_maker


def assessment_items(user: User, scope: Scope) -> list[WorkItem]:
    open_ = Assessment.objects.exclude(status=AssessmentStatus.AUTHORISED)
    if scope is Scope.MINE:
        open_ = open_.filter(worker=user)
    else:
        open_ = open_.filter(team_id__in=user_team_ids(user))
    url = url_maker("assessments:assessment_detail")
    items = []
    for a in open_.values(
        "pk",
        "person_id",
        "status",
        "due_date",
        "outcome",
        "submitted_at",
        "person__given_names",
        "person__family_name",
        "worker__first_name",
        "worker__last_name",
    ):
        people = ((a["person_id"], f"{a['person__given_names']} {a['person__family_name']}"),)
        owner = (
            f"{a['worker__first_name']} {a['worker__last_name']}" if a["worker__first_name"] else ""
        )
        urgent = a["outcome"] in URGENT_OUTCOMES
        if a["status"] == AssessmentStatus.SUBMITTED:
            if scope is Scope.TEAMS:
                # An urgent recommendation is due by its own timescale from submission, not
                # by the 45-day clock.
                due = (
                    rule("strategy_discussion").due_date(a["submitted_at"])
                    if urgent and a["submitted_at"]
                    else a["due_date"]
                )
                items.append(
                    WorkItem(
                        "Assessment to authorise",
                        "Authorise assessment: strategy discussion recommended"
                        if urgent
                        else "Authorise assessment",
                        due,
                        url(a["pk"]),
                        people,
                        owner,
                        awaiting_authorisation=True,
                        urgent=urgent,
                    )
                )
            continue
        title = (
            "Assessment returned for changes"
            if a["status"] == AssessmentStatus.RETURNED
            else "Assessment"
        )
        items.append(
            WorkItem("Assessment", title, a["due_date"], url(a["pk"]), people, owner, urgent=urgent)
        )
    return items


def next_step_items(user: User, scope: Scope) -> list[WorkItem]:
    """Tasks created by authorised assessments, until done: the worker's own (or, for a
    manager, every one in their teams, the unallocated ones shown as such)."""
    steps = open_next_steps()
    if scope is Scope.MINE:
        steps = steps.filter(worker=user)
    else:
        steps = steps.filter(team_id__in=user_team_ids(user))
    url = url_maker("protection:child_protection")
    labels = dict(NextStepKind.choices)  # not a model instance an item to read its label
    items = []
    for s in steps.values(
        "kind",
        "due_date",
        "person_id",
        "person__given_names",
        "person__family_name",
        "worker__first_name",
        "worker__last_name",
    ):
        people = ((s["person_id"], f"{s['person__given_names']} {s['person__family_name']}"),)
        owner = (
            f"{s['worker__first_name']} {s['worker__last_name']}" if s["worker__first_name"] else ""
        )
        items.append(
            WorkItem(
                "Task from an assessment",
                labels.get(s["kind"], s["kind"]),
                s["due_date"],
                url(s["person_id"]),
                people,
                owner,
                urgent=True,
            )
        )
    return items


def open_next_steps() -> QuerySet[NextStep]:
    """Tasks not yet done: a strategy discussion task is done once the episode has a strategy
    discussion held on or after the assessment started (and nothing is due on a closed case)."""
    done = Q(assessment__referral__strategy_discussions__held_on__gte=F("assessment__start_date"))
    return NextStep.objects.filter(assessment__referral__closure_date__isnull=True).exclude(done)
