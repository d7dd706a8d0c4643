"""Ofsted ILACS Annex A list 9: care leavers (eligible, relevant, former relevant and qualifying
at the window's end, or at any time in it), one row each, as CSV. The category is computed from
the care history at the window's end (or the last day they were one); restricted records are
left out unless the user is named on them."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, Subquery

from haven.care.models import CarePeriod
from haven.core.calendar import add_calendar_months
from haven.leavingcare import selectors
from haven.leavingcare.eligibility import Category, category_on
from haven.leavingcare.models import (
    AccommodationPeriod,
    ActivityPeriod,
    AdviserAllocation,
    AdviserContact,
    InTouchRecord,
    PlanReview,
    SupportTo25,
)
from haven.people.models import Person
from haven.performance.annex_a import (
    AnnexAList,
    _allocation,
    _child,
    _disability,
    _disability_annotations,
    _worker_names,
    uk_date,
)
from haven.performance.selectors import hidden_person_ids

COLUMNS = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
    "Does the Child have a Disability",
    "Allocated Team",
    "Allocated Worker",
    "Allocated Personal Advisor",
    "Eligibility Category",
    "Latest Pathway Plan Review date",
    "Is the Local Authority in touch with the care leaver? (Y/N)",
    "Latest date of contact with Care Leaver",
    "Type of Accommodation",
    "Suitability of Accommodation",
    "Activity Status",
]

WORDS = {
    Category.ELIGIBLE: "Eligible",
    Category.RELEVANT: "Relevant",
    Category.FORMER_RELEVANT: "Former relevant",
    Category.QUALIFYING: "Qualifying",
}


def _latest(model: Any, field: str, last: datetime.date, value: str | None = None) -> Subquery:
    return Subquery(
        model.objects.filter(person=OuterRef("pk"), **{f"{field}__lte": last})
        .order_by(f"-{field}", "-pk")
        .values(value or field)[:1]
    )


def list_9_care_leavers(
    first: datetime.date, last: datetime.date, user: Any
) -> Iterator[list[str]]:
    yield COLUMNS
    people = (
        Person.objects.filter(
            Exists(CarePeriod.objects.filter(person=OuterRef("pk"), start_date__lte=last)),
            date_of_birth__gt=add_calendar_months(first, -25 * 12),
            date_of_birth__lte=add_calendar_months(last, -16 * 12),
            merged_into__isnull=True,
        )
        .exclude(pk__in=hidden_person_ids(user))
        .annotate(
            **_disability_annotations("pk"),
            **_allocation("pk"),
            was_uasc=Exists(
                apps.get_model("uasc", "UASCStatus").objects.filter(
                    person=OuterRef("pk"), arrived_on__lte=last
                )
            ),
            adviser=Subquery(
                AdviserAllocation.objects.filter(
                    Q(end_date__isnull=True) | Q(end_date__gt=last),
                    person=OuterRef("pk"),
                    start_date__lte=last,
                ).values("adviser_id")[:1]
            ),
            reviewed=_latest(PlanReview, "held_on", last),
            in_touch=_latest(InTouchRecord, "on", last, "code"),
            contacted=_latest(AdviserContact, "visited_on", last),
            accommodation=_latest(AccommodationPeriod, "start_date", last, "accommodation"),
            suitable=_latest(AccommodationPeriod, "start_date", last, "suitable"),
            activity=_latest(ActivityPeriod, "start_date", last, "activity"),
        )
        .values(
            "pk",
            "sex",
            "ethnicity",
            "date_of_birth",
            "disability_recorded",
            "disabled",
            "allocated_team",
            "allocated_worker",
            "was_uasc",
            "adviser",
            "reviewed",
            "in_touch",
            "contacted",
            "accommodation",
            "suitable",
            "activity",
        )
        .order_by("pk")
    )
    rows: list[dict[str, Any]] = list(people)  # type: ignore[arg-type]
    ids = [r["pk"] for r in rows]
    spans = selectors.spans_by_person(ids)
    supported = set(
        SupportTo25.objects.filter(person_id__in=ids, requested_on__lte=last).values_list(
            "person_id", flat=True
        )
    )
    workers = _worker_names()
    for row in rows:
        result = category_on(
            row["date_of_birth"],
            spans.get(row["pk"], []),
            last,
            support_to_25=row["pk"] in supported,
        )
        if result.category not in WORDS:
            continue
        child = {
            "child_id": row["pk"],
            "sex": row["sex"],
            "ethnicity": row["ethnicity"],
            "dob": row["date_of_birth"],
        }
        suitable = row["suitable"]
        yield [
            *_child(child, last),
            "Y" if row["was_uasc"] else "N",
            _disability(row),
            row["allocated_team"] or "",
            workers.get(row["allocated_worker"], "") if row["allocated_worker"] else "",
            workers.get(row["adviser"], "") if row["adviser"] else "",
            WORDS[result.category],
            uk_date(row["reviewed"]),
            "" if not row["in_touch"] else ("Y" if row["in_touch"] == "YES" else "N"),
            uk_date(row["contacted"]),
            row["accommodation"] or "",
            "" if suitable is None else ("Suitable" if suitable else "Unsuitable"),
            row["activity"] or "",
        ]


LIST_9 = AnnexAList(9, "List 9: care leavers", list_9_care_leavers)
