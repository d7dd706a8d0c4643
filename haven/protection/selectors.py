from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from haven.childinneed.models import CINPlan, CINReview
from haven.core.calendar import rule
from haven.core.dates import long_date
from haven.frontdoor.models import Referral
from haven.people.models import Person
from haven.protection.models import (
    ChildProtectionPlan,
    Conference,
    CoreGroup,
    PlanAction,
    PlanMember,
    PlanOutcome,
    S47Enquiry,
    StrategyDiscussion,
    Visit,
    VisitKind,
)


@dataclass(frozen=True)
class VisitNote:
    """The case note a visit was written in: its words and where to read it."""

    text: str
    child_said: str
    url: str


# How a visit's words are read: ``lookup(user=..., person=..., visit_ids=[...])`` returns a
# VisitNote by visit id in one query. Registered by the case notes part from its ready(), as
# a visit is written once, in a case note.
_visit_notes_lookups: list[Callable[..., dict[int, VisitNote]]] = []


def register_visit_notes(lookup: Callable[..., dict[int, VisitNote]]) -> None:
    if lookup not in _visit_notes_lookups:
        _visit_notes_lookups.append(lookup)


def visit_notes(*, user: Any, person: Person, visit_ids: list[int]) -> dict[int, VisitNote]:
    """The notes of the child's visits that ``user`` may read, by visit id."""
    found: dict[int, VisitNote] = {}
    if visit_ids:
        for lookup in _visit_notes_lookups:
            found.update(lookup(user=user, person=person, visit_ids=visit_ids))
    return found


def protection_record(*, user: Any, person: Person) -> dict[str, Any]:
    """Every CIN episode of the child with its CP and CIN work, newest first (fixed queries):
    each visit carries ``note``, its case note (or None), read for all visits at once."""
    referrals = list(
        Referral.objects.filter(person=person)
        .order_by("-referral_date")
        .prefetch_related(
            Prefetch("s47_enquiries", queryset=S47Enquiry.objects.order_by("start_date")),
            Prefetch(
                "conferences",
                queryset=Conference.objects.select_related("chair").order_by("due_date"),
            ),
            Prefetch(
                "cp_plans",
                queryset=ChildProtectionPlan.objects.select_related(
                    "lead_practitioner"
                ).prefetch_related(
                    Prefetch("core_groups", queryset=CoreGroup.objects.order_by("due_date")),
                    Prefetch("visits", queryset=Visit.objects.order_by("-visited_on")),
                    "category_changes",
                ),
            ),
            Prefetch(
                "cin_plans",
                queryset=CINPlan.objects.prefetch_related(
                    Prefetch("visits", queryset=Visit.objects.order_by("-visited_on")),
                    Prefetch("reviews", queryset=CINReview.objects.order_by("held_on")),
                ),
            ),
            Prefetch(
                "strategy_discussions",
                queryset=StrategyDiscussion.objects.order_by("held_on"),
            ),
            "assessments",
        )
    )
    content = _plan_content(person)
    every_plan: list[Any] = [
        plan for r in referrals for plan in (*r.cp_plans.all(), *r.cin_plans.all())
    ]
    visits = [visit for plan in every_plan for visit in plan.visits.all()]
    notes = visit_notes(user=user, person=person, visit_ids=[v.pk for v in visits])
    for visit in visits:
        visit.note = notes.get(visit.pk)
    episode: Any
    for episode in referrals:
        referral = episode
        plans: list[tuple[str, Any]] = [
            *((VisitKind.CP, plan) for plan in referral.cp_plans.all()),
            *((VisitKind.CIN, plan) for plan in referral.cin_plans.all()),
        ]
        for kind, plan in plans:
            plan.next_visit_due = next_visit_due(plan=plan, kind=kind)
            for name, rows in content.items():
                setattr(plan, name, rows.get((kind, plan.pk), []))
        cin: Any
        for cin in referral.cin_plans.all():
            cin.next_review_due = next_cin_review_due(plan=cin)
        referral.has_open_s47 = any(s.end_date is None for s in referral.s47_enquiries.all())
        referral.has_open_plan = any(p.end_date is None for p in referral.cp_plans.all()) or any(
            p.end_date is None for p in referral.cin_plans.all()
        )
    open_referral = next((r for r in referrals if r.closure_date is None), None)
    return {"referrals": referrals, "open_referral": open_referral}


def _plan_content(person: Person) -> dict[str, dict[tuple[str, int], list[Any]]]:
    """The child's plan outcomes, actions and core group members, by (plan kind, plan id):
    three queries for every plan of every episode."""
    content: dict[str, dict[tuple[str, int], list[Any]]] = {}
    for name, queryset in (
        ("outcomes", PlanOutcome.objects.order_by("pk")),
        ("actions", PlanAction.objects.order_by("done_on", "due_date", "pk")),
        ("members", PlanMember.objects.order_by("name", "pk")),
    ):
        by_plan: dict[tuple[str, int], list[Any]] = {}
        for row in queryset.filter(person=person):
            kind = VisitKind.CP if row.cp_plan_id else VisitKind.CIN
            by_plan.setdefault((kind, row.plan_id), []).append(row)
        content[name] = by_plan
    return content


def next_cin_review_due(*, plan: CINPlan) -> datetime.date | None:
    """When an open CIN plan's next review is due, from its prefetched reviews."""
    if plan.end_date is not None:
        return None
    last = max((review.held_on for review in plan.reviews.all()), default=None)
    return rule("cin_review").due_date(last or plan.start_date)


def record_of(model: Any, *, person: Person, record_id: int) -> Any:
    """One of the child's records of ``model`` (a plan, conference, S47...), or None. The
    child's page has already checked the user may see the child."""
    return model.objects.filter(person=person, pk=record_id).first()


def open_referral(*, person: Person) -> Referral | None:
    """The child's open child in need episode (there is at most one)."""
    return (
        Referral.objects.filter(person=person, closure_date__isnull=True)
        .order_by("-referral_date")
        .first()
    )


def next_visit_due(*, plan: Any, kind: str) -> datetime.date:
    """When the next visit under a plan fetched by ``protection_record`` is due, from its
    prefetched visits (``services.visit_due`` reads the same rule from the database)."""
    key = "cp_visit" if kind == VisitKind.CP else "cin_visit"
    last = max((visit.visited_on for visit in plan.visits.all()), default=None)
    return rule(key).due_date(last or plan.start_date)


def cp_plans_merge_clash(keep: Any, duplicate: Any) -> list[str]:
    """A child cannot have two child protection plans at once (the cpp_no_overlap constraint):
    two records whose plans overlap cannot be merged until one plan is corrected."""
    clashes = []
    for plan in ChildProtectionPlan.objects.filter(person=duplicate).order_by("start_date"):
        other = (
            ChildProtectionPlan.objects.filter(person=keep, period__overlap=plan.period)
            .order_by("start_date")
            .first()
        )
        if other is not None:
            clashes.append(
                "Both records have a child protection plan at the same time "
                f"(record {keep.pk} from {long_date(other.start_date)}, record {duplicate.pk} "
                f"from {long_date(plan.start_date)}): end or correct one before merging"
            )
    return clashes


CHAIR_LIST_LENGTH = 25


def chair_conferences(*, user: Any) -> dict[str, list[Conference]]:
    """A chair's conferences and reviews: those to hold (theirs, or not yet given a chair),
    soonest due first, and those they chaired, latest first. Only children the user may see
    are listed (``visible_ids``); a fixed number of queries."""
    from django.db.models import Q

    from haven.people.access import visible_ids

    base = Conference.objects.select_related("person").only(
        "pk",
        "kind",
        "due_date",
        "held_on",
        "decision",
        "chair_id",
        "person__id",
        "person__given_names",
        "person__family_name",
    )
    to_hold = list(
        base.filter(Q(chair=user) | Q(chair__isnull=True), held_on__isnull=True).order_by(
            "due_date", "pk"
        )[: CHAIR_LIST_LENGTH * 4]
    )
    held = list(
        base.filter(chair=user, held_on__isnull=False).order_by("-held_on", "-pk")[
            : CHAIR_LIST_LENGTH * 4
        ]
    )
    visible = visible_ids(user, [c.person_id for c in (*to_hold, *held)])
    today = timezone.localdate()
    for conference in to_hold:
        conference.overdue = conference.due_date < today  # type: ignore[attr-defined]
    return {
        "to_hold": [c for c in to_hold if c.person_id in visible][:CHAIR_LIST_LENGTH],
        "held": [c for c in held if c.person_id in visible][:CHAIR_LIST_LENGTH],
    }


def cp_plan_status(person: Any) -> list[str]:
    """The child's open child protection plan, for the printed record (one query)."""
    plan = (
        ChildProtectionPlan.objects.filter(person=person, end_date__isnull=True)
        .select_related("lead_practitioner")
        .first()
    )
    if plan is None:
        return []
    line = (
        f"Subject to a child protection plan since {long_date(plan.start_date)} "
        f"(category: {plan.get_latest_category_display().lower()})"
    )
    if plan.lead_practitioner is not None:
        line += f", lead practitioner {plan.lead_practitioner.display_name}"
    return [line]
