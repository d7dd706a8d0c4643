"""Child protection and child in need items for "my work" and the manager's view."""

from __future__ import annotations

import datetime
from functools import cache
from typing import Any

from django.db.models import CharField, F, OuterRef, Subquery, Value

from haven.accounts.models import User
from haven.childinneed.models import CINPlan, CINReview
from haven.core.calendar import rule
from haven.core.lookups import AnyOf
from haven.protection.models import (
    ChildProtectionPlan,
    Conference,
    ConferenceKind,
    CoreGroup,
    PlanAction,
    S47Enquiry,
    Visit,
)
from haven.work.items import Scope, WorkItem, held_cases, url_maker


def _dated(model: Any, kind: str, due: str, open_: str, *text: str) -> Any:
    """One kind of dated record still to do, as (person, kind, text, text, due) rows, so the
    kinds are read in one query (UNION ALL)."""
    blank = Value("", output_field=CharField())
    columns = {f"t{n}": F(name) if name else blank for n, name in enumerate((*text, "", "")[:2])}
    return (
        model.objects.filter(**{f"{open_}__isnull": True})
        .annotate(k=Value(kind, output_field=CharField()), d=F(due), **columns)
        .values_list("person_id", "k", "t0", "t1", "d")
    )


def protection_items(user: User, scope: Scope) -> list[WorkItem]:
    return protection_items_of_cases(held_cases(user, scope))


def protection_items_of_cases(held: dict[int, str]) -> list[WorkItem]:
    """The items of these cases (``held_cases``), whoever holds them: the work store's."""
    if not held:
        return []
    ids = sorted(held)
    url = url_maker("protection:child_protection")
    labels = dict(ConferenceKind.choices)

    def item(kind: str, title: str, due: datetime.date, person_id: int) -> WorkItem:
        # The child is named by ``work_for``, with need-to-know.
        return WorkItem(kind, title, due, url(person_id), ((person_id, ""),), held[person_id])

    # Conferences and core groups not yet held, section 47 enquiries not ended and every plan
    # action not done yet, whoever it is for: the worker holding the case sees that it is due
    # or overdue, and chases it.
    parts = [
        _dated(Conference, "conference", "due_date", "held_on", "kind"),
        _dated(CoreGroup, "core_group", "due_date", "held_on"),
        _dated(S47Enquiry, "s47", "icpc_target", "end_date"),
        _dated(PlanAction, "action", "due_date", "done_on", "who", "what"),
    ]
    # The children's ids not estimated one by one: four kinds of record name them, and
    # estimating each id for each kind took longer than reading the records (``AnyOf``).
    held_ids = AnyOf(F("person_id"), ids, estimated=False)
    dated = [part.filter(held_ids) for part in parts]
    items = []
    for person_id, kind, text, more, due in dated[0].union(*dated[1:], all=True):
        if kind == "conference":
            items.append(item("Conference", labels[text], due, person_id))
        elif kind == "core_group":
            items.append(item("Core group", "Core group", due, person_id))
        elif kind == "s47":
            items.append(
                item("Section 47 enquiry", "Complete the section 47 enquiry", due, person_id)
            )
        else:
            items.append(item("Plan action", f"{text}: {_short(more)}", due, person_id))
    # A CIN plan's next review: a timescale after its last review, or its start (one query
    # with its visits).
    # Each date's due date worked out once: many plans share a start, visit or review day.
    review_due = cache(rule("cin_review").due_date)
    cin_visit_due = cache(rule("cin_visit").due_date)
    cin_rows = (
        CINPlan.objects.filter(AnyOf(F("person_id"), ids), end_date__isnull=True)
        .annotate(
            last_visit=Subquery(_latest(Visit, "cin_plan", "visited_on")),
            last_review=Subquery(_latest(CINReview, "plan", "held_on")),
        )
        .values_list("person_id", "start_date", "last_visit", "last_review")
    )
    for person_id, start, last_visit, last_review in cin_rows:
        due = cin_visit_due(last_visit or start)
        items.append(item("CIN visit", "CIN visit due", due, person_id))
        due = review_due(last_review or start)
        items.append(item("CIN review", "Child in need review due", due, person_id))
    cp_visit_due = cache(rule("cp_visit").due_date)
    cp_rows = (
        ChildProtectionPlan.objects.filter(AnyOf(F("person_id"), ids), end_date__isnull=True)
        .annotate(last_visit=Subquery(_latest(Visit, "cp_plan", "visited_on")))
        .values_list("person_id", "start_date", "last_visit")
    )
    for person_id, start, last_visit in cp_rows:
        due = cp_visit_due(last_visit or start)
        items.append(item("CP visit", "CP visit due", due, person_id))
    return items


def _short(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _latest(model: Any, plan_field: str, date_field: str) -> Any:
    """The latest ``date_field`` of each plan's ``model`` rows, read through the plan's index
    (a subquery, not a grouped join)."""
    return (
        model.objects.filter(**{plan_field: OuterRef("pk")})
        .order_by(f"-{date_field}")
        .values(date_field)[:1]
    )
