"""The statutory work of a period of care on "my work" and the manager's view: the care plan,
each placement's plan, the next visit, the next review and the review's recommendations.

A worker sees the work of the children whose case they hold; a manager that of their teams'
children (the overdue items under "Overdue in your teams"); the child's IRO the next review
of the children they are IRO for; a recommendation's owner the recommendation, whoever holds
the case; the health and education items of each period (``health_work``). Three
queries, whatever the caseload."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from haven.accounts.models import User
from haven.care import codes, health, health_work, timescales
from haven.care.models import (
    CarePeriod,
    CarePlan,
    CareReview,
    CareVisit,
    Placement,
    ReviewRecommendation,
)
from haven.care.selectors import first_review, legal_status_now, placement_last_visit
from haven.core.calendar import latest_start_before
from haven.core.lookups import AnyOf
from haven.work.items import (
    PersonRef,
    Scope,
    Wanted,
    WorkItem,
    allocated_worker_name,
    held_cases,
    url_maker,
)


def _short(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _unallocated(held: dict[int, str]) -> list[int]:
    return [person_id for person_id, owner in held.items() if not owner]


class _Overdue:
    """Whether a period or placement row may have an overdue item, from its stored dates alone:
    each rule inverted once (``Wanted.before``), so the manager's view works out the due dates
    of those rows only. Never "no" for a row with one (``timescales`` and ``health.due_for``
    have the rules; where the rule depends on more, the latest start of any it may be)."""

    def __init__(self, wanted: Wanted) -> None:
        before = wanted.before
        self.care_plan = before("care_plan")
        self.placement_plan = before("placement_plan")
        self.first_review = before("cla_first_review")
        self.second_review = before("cla_second_review")
        self.later_review = before("cla_later_review")
        self.initial_health = before("care_initial_health_assessment")
        self.health_review = max(before("care_health_review_under_5"), before("care_health_review"))
        self.dental = before("care_dental_check")
        self.first_pep = before("care_first_pep")
        self.pep = latest_start_before(health.pep_next_due, wanted.today)
        self.first_visit = before("cla_first_visit")
        self.weekly_visit = max(
            before(key) for key in ("cla_visit_until_review", "cla_visit_connected", "cla_visit")
        )
        self.visit = max(before("cla_visit"), before("cla_visit_long_term"))

    def period(self, row: dict[str, Any]) -> bool:
        start, count, last = row["start_date"], row["review_count"], row["last_review"]
        if not row["has_plan"] and start <= self.care_plan:
            return True
        if count == 0 or last is None:
            if start <= self.first_review:
                return True
        elif last <= (self.second_review if count == 1 else self.later_review):
            return True
        assessed, pep = row["last_assessment"], row["last_pep"]
        return (
            (start <= self.initial_health if assessed is None else assessed <= self.health_review)
            or (row["last_dental"] or start) <= self.dental
            or (start <= self.first_pep if pep is None else pep <= self.pep)
        )

    def placements_q(self, held: dict[int, str]) -> Q:
        """``placement`` in SQL, for placements of the children ``held`` (with their owners):
        those of unallocated cases, a plan not agreed in time, or no visit since the latest
        day from which a visit would now be overdue (a visit before the placement began is
        none: ``timescales.visit_due``)."""
        weekly = codes.PLACED_WITH_PARENTS | codes.CONNECTED_PERSON_PLACEMENTS

        def no_visit_after(day: datetime.date) -> Q:
            return ~Q(
                Exists(
                    CareVisit.objects.filter(
                        placement=OuterRef("pk"),
                        visited_on__gt=day,
                        visited_on__gte=OuterRef("start_date"),
                    )
                )
            )

        return (
            Q(AnyOf(F("person_id"), _unallocated(held), estimated=False))
            | Q(plan_agreed_on__isnull=True, start_date__lte=self.placement_plan)
            | (Q(place__in=weekly) & no_visit_after(self.weekly_visit))
            | (~Q(place__in=weekly) & no_visit_after(self.visit))
        )

    def placement(
        self,
        start: datetime.date,
        place: str,
        plan_agreed_on: datetime.date | None,
        last_visit: datetime.date | None,
    ) -> bool:
        if plan_agreed_on is None and start <= self.placement_plan:
            return True
        if last_visit is None or last_visit < start:
            return start <= self.first_visit
        weekly = place in codes.PLACED_WITH_PARENTS or place in codes.CONNECTED_PERSON_PLACEMENTS
        return last_visit <= (self.weekly_visit if weekly else self.visit)


def care_items(user: User, scope: Scope, wanted: Wanted | None = None) -> list[WorkItem]:
    # The cases held, with their owners: one query, not a subquery a row (the children are
    # named by ``work_for``, with need-to-know).
    return _items(held_cases(user, scope), user, scope, wanted)


def care_items_of_cases(held: dict[int, str]) -> list[WorkItem]:
    """The manager's view's items of these cases, for the work store."""
    return _items(held, None, Scope.TEAMS, None)


def _items(
    held: dict[int, str], user: User | None, scope: Scope, wanted: Wanted | None
) -> list[WorkItem]:
    url = url_maker("care:statutory")
    today = timezone.localdate()
    health_items = health_work.item_maker()
    in_held = AnyOf(F("person_id"), held)

    def who(person_id: int, owner: str | None) -> tuple[tuple[PersonRef, ...], str]:
        return ((person_id, ""),), held.get(person_id, owner or "")

    def wants(due: datetime.date, owner: str) -> bool:
        # The manager's view keeps only what is overdue or has no owner (``Wanted``).
        return wanted is None or not owner or due < today

    overdue = _Overdue(wanted) if wanted is not None else None

    items: list[WorkItem] = []
    # Care plans, reviews, health and education: one row an open period (the IRO's own
    # children too, for their reviews only, with the worker holding their case).
    # (Holding no case, only the IRO's: an empty list ORed with them reads every period.)
    reviewing = Q(iro=user) if scope is Scope.MINE else Q(pk__in=[])
    cases = (Q(in_held) | reviewing) if held else reviewing
    owner = allocated_worker_name() if scope is Scope.MINE else Value(None, CharField())
    # (Not filtered in SQL as the placements are: "no dental check, PEP, ... since" a day, a
    # probe a row for each, cost more than they saved, most periods having one of them due.)
    periods = (
        health.open_periods_with_last_dates(CarePeriod.objects.filter(cases, end_date__isnull=True))
        .annotate(
            has_plan=Exists(CarePlan.objects.filter(period=OuterRef("pk"))),
            # Subqueries on the (period, held_on) index, not a join and a GROUP BY over the
            # periods of a whole county team.
            review_count=Coalesce(
                Subquery(
                    CareReview.objects.filter(period=OuterRef("pk"))
                    .order_by()
                    .values("period")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            last_review=Subquery(
                CareReview.objects.filter(period=OuterRef("pk"))
                .order_by("-held_on")
                .values("held_on")[:1]
            ),
            owner=owner,
        )
        .values(
            "person_id",
            "owner",
            *health_work.COLUMNS,
            "has_plan",
            "review_count",
            "last_review",
        )
    )
    for row in periods:
        person_id = row["person_id"]
        people, owned_by = who(person_id, row["owner"])
        if overdue is not None and owned_by and not overdue.period(row):
            continue
        link = url(person_id)
        if person_id in held:
            items.extend(health_items(row, people, owned_by, wants))
            if not row["has_plan"]:
                due = timescales.care_plan_due(row["start_date"])
                if wants(due, owned_by):
                    items.append(
                        WorkItem("Care plan", "Agree the care plan", due, link, people, owned_by)
                    )
        review = timescales.review_due(row["start_date"], row["review_count"], row["last_review"])
        if wants(review.date, owned_by):
            title = (
                "First looked-after review" if not row["review_count"] else "Looked-after review"
            )
            items.append(
                WorkItem("Looked-after review", title, review.date, link, people, owned_by)
            )
    # Placement plans and visits: one row an open placement of an open period.
    # (The children's ids not estimated one by one: planning took longer than reading.)
    open_placements = Placement.objects.filter(
        AnyOf(F("person_id"), held, estimated=False),
        end_date__isnull=True,
        period__end_date__isnull=True,
    )
    if not held:
        open_placements = open_placements.none()
    if overdue is not None:
        # In SQL, so the placements with nothing overdue (most) are not read further.
        open_placements = open_placements.filter(overdue.placements_q(held))
    placements = open_placements.annotate(
        last_visit=placement_last_visit(),
        first_review=first_review(),
        status_now=legal_status_now(today=today),
    ).values_list(
        "person_id",
        "start_date",
        "place",
        "intended_until_18",
        "plan_agreed_on",
        "last_visit",
        "first_review",
        "status_now",
    )
    for (
        person_id,
        start,
        place,
        until_18,
        plan_agreed_on,
        last_visit,
        reviewed,
        status,
    ) in placements:
        people, owned_by = who(person_id, None)
        if (
            overdue is not None
            and owned_by
            and not overdue.placement(start, place, plan_agreed_on, last_visit)
        ):
            continue
        if plan_agreed_on is None:
            due = timescales.placement_plan_due(start)
            if wants(due, owned_by):
                items.append(
                    WorkItem(
                        "Placement plan",
                        "Agree the placement plan",
                        due,
                        url(person_id),
                        people,
                        owned_by,
                    )
                )
        facts = timescales.VisitPlacement(
            start_date=start, place=place, intended_until_18=until_18, legal_status=status or ""
        )
        visit = timescales.visit_due(facts, last_visit, reviewed, today)
        if wants(visit.date, owned_by):
            items.append(
                WorkItem(
                    "Statutory visit",
                    "Statutory visit due",
                    visit.date,
                    url(person_id),
                    people,
                    owned_by,
                )
            )
    # Recommendations of reviews: on their owner's work, and the team's when overdue.
    mine = Q(owner=user) if scope is Scope.MINE else Q(in_held)
    recommendations = ReviewRecommendation.objects.filter(mine, done_on__isnull=True)
    if wanted is not None:
        # Overdue, or with no owner named (``wants``, in SQL).
        recommendations = recommendations.filter(
            Q(due_date__lt=today)
            | Q(owner__isnull=True)
            | Q(owner__first_name="", owner__last_name="")
        )
    for person_id, text, due_date, first, last in recommendations.values_list(
        "person_id", "text", "due_date", "owner__first_name", "owner__last_name"
    ):
        items.append(
            WorkItem(
                "Review recommendation",
                _short(text),
                due_date,
                url(person_id),
                ((person_id, ""),),
                f"{first or ''} {last or ''}".strip(),
            )
        )
    return items
