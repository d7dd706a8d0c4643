"""The care leavers figures ("leaving-care"): the OC3 position of care leavers at their 17th to
21st birthdays in a DfE year (in touch, in education, employment or training, in suitable
accommodation, for 17-18 and 19-21 year olds), pathway plans and personal adviser contacts in
time at the year's end, staying put, and former UASC care leavers at each quarter end.

DfE definitions: a care leaver at a birthday is relevant or former relevant then (computed from
the care history); those who died, returned home to their parents for 6 months or more, went
abroad or were deported are left out of the counts and percentages. Everything is computed
from the records each time; restricted records are left out for the command line (and for a
user not named on them)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, requires
from haven.care.models import CarePeriod
from haven.core.calendar import add_calendar_months
from haven.leavingcare import selectors
from haven.leavingcare.eligibility import Category, birthday, category_on
from haven.leavingcare.models import StayingPut
from haven.people.models import Person
from haven.performance import periods
from haven.performance.measures import Derived, Page
from haven.performance.selectors import hidden_person_ids

CARE_LEAVERS = (Category.RELEVANT, Category.FORMER_RELEVANT)
# Former UASC "with care leaver status", as the county reports them to Cabinet: those entitled
# to leaving care support (eligible while still looked after at 16 and 17, relevant, former
# relevant, to 25 on request).
UASC_COUNTED = (Category.ELIGIBLE, Category.RELEVANT, Category.FORMER_RELEVANT)
GROUPS = {"17_18": (17, 18), "19_21": (19, 20, 21)}


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _at_birthday(
    born: datetime.date, spans: list[Any], age: int, histories: Any, support: bool
) -> selectors.OC3:
    """The OC3 row at a birthday; at 21 the category of the day before (the last day of
    former relevant support, unless they asked for support to 25)."""
    row = selectors.oc3_at(born, spans, age, histories, support)
    if age == 21 and not row.counted:
        on = birthday(born, 21)
        before = category_on(born, spans, on - datetime.timedelta(days=1)).category
        row = selectors.OC3(row.age, row.on, before, row.in_touch, row.activity, row.accommodation)
    return row


def oc3_rows(
    first: datetime.date,
    last: datetime.date,
    hidden: Iterable[int],
    *,
    include_excluded: bool = False,
) -> list[tuple[int, selectors.OC3]]:
    """(person id, OC3 row) for every care leaver with a 17th to 21st birthday in the window
    (five queries). The figures leave out those the DfE's percentages exclude (died, returned
    home, abroad); the SSDA903 return (``include_excluded``) reports them too."""
    people = list(
        Person.objects.filter(
            Exists(CarePeriod.objects.filter(person=OuterRef("pk"))),
            date_of_birth__gt=add_calendar_months(first, -22 * 12),
            date_of_birth__lte=add_calendar_months(last, -17 * 12),
            merged_into__isnull=True,
        )
        .exclude(pk__in=list(hidden))
        .values_list("pk", "date_of_birth")
    )
    ids = [pid for pid, _ in people]
    spans = selectors.spans_by_person(ids)
    histories = selectors.histories_by_person(ids)
    supported = selectors.supported_from(ids)
    rows = []
    for pid, born in people:
        if born is None:
            continue
        for age in selectors.OC3_AGES:
            on = birthday(born, age)
            if first <= on <= last:
                support = supported.get(pid, selectors.NEVER) <= on
                row = _at_birthday(born, spans.get(pid, []), age, histories[pid], support)
                if row.counted and (include_excluded or not row.excluded):
                    rows.append((pid, row))
    return rows


def former_uasc_on(days: list[datetime.date], hidden: Iterable[int]) -> list[int]:
    """Young people entitled to leaving care support (eligible, relevant, former relevant)
    who came as unaccompanied asylum-seeking children, on each day (three queries)."""
    return [len(found) for found in former_uasc_ids_on(days, hidden)]


def former_uasc_ids_on(
    days: list[datetime.date], hidden: Iterable[int]
) -> list[list[tuple[int, Category]]]:
    """The young people ``former_uasc_on`` counts on each day, with their category then."""
    uasc = apps.get_model("uasc", "UASCStatus")
    ids = list(
        uasc.objects.exclude(person_id__in=list(hidden))
        .filter(person__merged_into__isnull=True, person__date_of_birth__isnull=False)
        .values_list("person_id", flat=True)
    )
    born = dict(Person.objects.filter(pk__in=ids).values_list("pk", "date_of_birth"))
    spans = selectors.spans_by_person(ids)
    supported = selectors.supported_from(ids)
    found: list[list[tuple[int, Category]]] = []
    for day in days:
        on_day = []
        for pid, person_spans in spans.items():
            asked = supported.get(pid, selectors.NEVER) <= day
            result = category_on(born[pid], person_spans, day, support_to_25=asked)
            if result.category in UASC_COUNTED:
                on_day.append((pid, result.category))
        found.append(on_day)
    return found


def quarter_ends(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    ends = []
    for year in range(first.year, last.year + 1):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            end = datetime.date(year, month, day)
            if first <= end <= last:
                ends.append(end)
    return ends


@dataclass(frozen=True)
class ChildList:
    """The children behind one or more of the page's figures: who is counted, the date that
    counts (``date_label``) and the columns that say how they were counted."""

    title: str
    date_label: str
    columns: tuple[str, ...]


LISTS = {
    "17_18": ChildList(
        "Care leavers at their 17th or 18th birthday",
        "Birthday",
        ("Age", "In touch", "Activity", "Accommodation"),
    ),
    "19_21": ChildList(
        "Care leavers at their 19th, 20th or 21st birthday",
        "Birthday",
        ("Age", "In touch", "Activity", "Accommodation"),
    ),
    "plans": ChildList("Care leavers with a pathway plan", "Review due", ("Reviewed in time",)),
    "advisers": ChildList(
        "Care leavers with a personal adviser", "Contact due", ("Contact in time", "Why due")
    ),
    "staying_put_at_end": ChildList("Staying put at the year's end", "Started", ("Carers",)),
    "staying_put_started": ChildList(
        "Staying put arrangements started in the year", "Started", ("Carers",)
    ),
    "former_uasc": ChildList("Former UASC care leavers", "Date of birth", ("Status",)),
}
# Which list each figure links to (the percentages list everyone they are out of).
FIGURE_LISTS = {
    **{
        f"{kind}_{key}{suffix}": key
        for key in GROUPS
        for kind, suffix in (
            ("care_leavers", ""),
            ("in_touch", "_pct"),
            ("eet", "_pct"),
            ("suitable_accommodation", "_pct"),
        )
    },
    "pathway_plans": "plans",
    "pathway_plans_in_time_pct": "plans",
    "with_adviser": "advisers",
    "adviser_contacts_in_time_pct": "advisers",
    "staying_put_at_end": "staying_put_at_end",
    "staying_put_started": "staying_put_started",
}
ListRow = tuple[int, datetime.date | None, tuple[str, ...]]  # (child, date, cells)


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def compute(first: datetime.date, last: datetime.date, hidden: Iterable[int]) -> dict[str, Any]:
    """Every figure of the page for the window ``first`` to ``last``."""
    return compute_with_lists(first, last, hidden)[0]


def compute_with_lists(
    first: datetime.date,
    last: datetime.date,
    hidden: Iterable[int],
    quarter_end: datetime.date | None = None,
) -> tuple[dict[str, Any], dict[str, list[ListRow]]]:
    """The figures and, for each of ``LISTS``, the children behind them (former UASC care
    leavers on ``quarter_end``, by default the window's last)."""
    hidden = list(hidden)
    values: dict[str, Any] = {}
    lists: dict[str, list[ListRow]] = {}
    rows = oc3_rows(first, last, hidden)
    for key, ages in GROUPS.items():
        group = [(pid, r) for pid, r in rows if r.age in ages]
        values[f"care_leavers_{key}"] = len(group)
        values[f"in_touch_{key}_pct"] = _pct(sum(r.is_in_touch for _, r in group), len(group))
        values[f"eet_{key}_pct"] = _pct(sum(r.is_eet for _, r in group), len(group))
        values[f"suitable_accommodation_{key}_pct"] = _pct(
            sum(r.is_suitable for _, r in group), len(group)
        )
        lists[key] = [
            (
                pid,
                r.on,
                (str(r.age), r.in_touch_label, r.activity_label, r.accommodation_label),
            )
            for pid, r in group
        ]
    # Pathway plans and adviser contacts in time on the last day, for the entitled.
    due = [r for r in selectors.due_rows(~Q(pk__in=hidden), today=last) if r.eligibility.entitled]
    with_plan = [r for r in due if r.review_due is not None]
    values["pathway_plans"] = len(with_plan)
    values["pathway_plans_in_time_pct"] = _pct(
        sum(r.review_due >= last for r in with_plan if r.review_due), len(with_plan)
    )
    lists["plans"] = [
        (r.person_id, r.review_due, (_yes(r.review_due >= last),))
        for r in with_plan
        if r.review_due
    ]
    with_adviser = [r for r in due if r.contact_due is not None]
    values["with_adviser"] = len(with_adviser)
    values["adviser_contacts_in_time_pct"] = _pct(
        sum(r.contact_due.date >= last for r in with_adviser if r.contact_due),
        len(with_adviser),
    )
    lists["advisers"] = [
        (r.person_id, r.contact_due.date, (_yes(r.contact_due.date >= last), r.contact_due.rule))
        for r in with_adviser
        if r.contact_due
    ]
    staying = StayingPut.objects.exclude(person_id__in=hidden)
    for key, rows_of in (
        (
            "staying_put_at_end",
            staying.filter(Q(end_date__isnull=True) | Q(end_date__gt=last), start_date__lte=last),
        ),
        ("staying_put_started", staying.filter(start_date__range=(first, last))),
    ):
        lists[key] = [
            (pid, start, (carers,))
            for pid, start, carers in rows_of.values_list("person_id", "start_date", "carer_name")
        ]
        values[key] = len(lists[key])
    ends = quarter_ends(first, last)
    wanted = quarter_end or (ends[-1] if ends else last)
    days = ends if wanted in ends else [*ends, wanted]
    found = former_uasc_ids_on(days, hidden)
    values["former_uasc_at_quarter_end"] = [
        {"quarter_end": end.isoformat(), "count": len(people)}
        for end, people in zip(ends, found, strict=False)
    ]
    lists["former_uasc"] = [
        (pid, None, (category.label,)) for pid, category in found[days.index(wanted)]
    ]
    return values, lists


# The figures, in order, with their labels (the CLI's JSON keys).
LABELS = {
    "care_leavers_17_18": "Care leavers at their 17th or 18th birthday",
    "in_touch_17_18_pct": "In touch, aged 17 to 18 (%)",
    "eet_17_18_pct": "In education, employment or training, aged 17 to 18 (%)",
    "suitable_accommodation_17_18_pct": "In suitable accommodation, aged 17 to 18 (%)",
    "care_leavers_19_21": "Care leavers at their 19th, 20th or 21st birthday",
    "in_touch_19_21_pct": "In touch, aged 19 to 21 (%)",
    "eet_19_21_pct": "In education, employment or training, aged 19 to 21 (%)",
    "suitable_accommodation_19_21_pct": "In suitable accommodation, aged 19 to 21 (%)",
    "pathway_plans": "Care leavers with a pathway plan at the year's end",
    "pathway_plans_in_time_pct": "Pathway plans reviewed in time (%)",
    "with_adviser": "Care leavers with a personal adviser at the year's end",
    "adviser_contacts_in_time_pct": "Personal adviser contacts in time (%)",
    "staying_put_at_end": "Staying put at the year's end",
    "staying_put_started": "Staying put arrangements started in the year",
    "former_uasc_at_quarter_end": "Former UASC care leavers at each quarter end",
}


def _cached(figures: Any, period: Any) -> dict[str, Any]:
    store = figures.__dict__.setdefault("_leaving_care", {})
    if period.key not in store:
        store[period.key] = compute(period.first, period.last, hidden_person_ids(None))
    return store[period.key]


def _derived(name: str) -> Derived:
    return Derived(
        name=name,
        label=LABELS[name],
        compute=lambda figures, period: _cached(figures, period)[name],
    )


def leaving_care_page() -> Page:
    return Page(
        key="leaving-care",
        title="Care leavers",
        url_name="leaving_care:figures",
        derived=[_derived(name) for name in LABELS],
    )


def _year_of(request: AuthenticatedRequest) -> periods.Period:
    from haven.performance.views import _year

    if request.GET.get("year"):
        return periods.dfe_year(_year(request))
    return periods.dfe_year(periods.current_year())


@requires(Capability.VIEW_FIGURES)
def figures_view(request: AuthenticatedRequest) -> HttpResponse:
    year = _year_of(request)
    values = compute(year.first, year.last, hidden_person_ids(request.user))
    newest = periods.current_year()
    return render(
        request,
        "leavingcare/figures.html",
        {
            "year": year,
            "rows": [
                (name, LABELS[name], values[name], FIGURE_LISTS.get(name))
                for name in LABELS
                if name != "former_uasc_at_quarter_end"
            ],
            "series": values["former_uasc_at_quarter_end"],
            "years": [periods.dfe_year(y) for y in range(newest, newest - 10, -1)],
        },
    )


@requires(Capability.VIEW_FIGURES)
def figures_list(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """The children behind a figure of the care leavers page: Haven ID always, name and date
    of birth only for those the user may open (``rows_for_user``, which logs each listed)."""
    from django.core.paginator import Paginator

    from haven.performance.selectors import rows_for_user
    from haven.performance.views import LIST_PAGE_SIZE, _on

    shows = LISTS.get(key)
    if shows is None:
        raise Http404("There is no such list of care leavers")
    year = _year_of(request)
    quarter_end = None
    day = _on(request) if key == "former_uasc" else None
    if day is not None:
        quarter_end = day.first
        if not year.first <= quarter_end <= year.last:
            raise Http404("That day is not in the year shown")
    _, lists = compute_with_lists(
        year.first, year.last, hidden_person_ids(request.user), quarter_end
    )
    found = lists[key]
    people = {
        row["pk"]: row
        for row in Person.objects.filter(pk__in=[pid for pid, _, _ in found]).values(
            "pk", "given_names", "family_name", "date_of_birth"
        )
    }
    rows = [
        {
            "child_id": pid,
            "given_names": people[pid]["given_names"],
            "family_name": people[pid]["family_name"],
            "date_of_birth": people[pid]["date_of_birth"],
            "event": day if day is not None else people[pid]["date_of_birth"],
            "event_is_birth": day is None,
            "cells": cells,
        }
        for pid, day, cells in sorted(found, key=lambda row: (row[1] or datetime.date.min, row[0]))
    ]
    listing = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    listing.object_list = list(
        rows_for_user(
            listing.object_list,
            user=request.user,
            request=request,
            detail=f"care leavers list {key}",
        )
    )
    on = quarter_end or year.last
    return render(
        request,
        "leavingcare/figures_list.html",
        {
            "shows": shows,
            "year": year,
            "on": on,
            "listing": listing,
            "back_href": f"{reverse('leaving_care:figures')}?year={year.key}",
        },
    )
