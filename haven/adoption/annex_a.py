"""Ofsted Annex A lists 10 (adoption) and 11 (adopters), in the same shape as the other lists
(statutory-framework.md section 3; looked-after.md "Ofsted Annex A"), registered with
haven.performance's lists from adoption's ready()."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import F

from haven.adoption.selectors import adopters_active_between, plans_active_between
from haven.performance.annex_a import (
    CHILD_COLUMNS,
    AnnexAList,
    _child,
    _child_values,
    _visible,
    uk_date,
)
from haven.performance.selectors import hidden_person_ids


def _within(day: datetime.date | None, last: datetime.date) -> datetime.date | None:
    """A date as it stood at the end of the window (a later one had not happened yet)."""
    return day if day is not None and day <= last else None


def list_10_adoption(first: datetime.date, last: datetime.date, user: Any) -> Iterator[list[str]]:
    """Children with a plan for adoption at some time in the window, one row a plan."""
    yield [
        *CHILD_COLUMNS,
        "Date the child entered care",
        "Date of the decision that the child should be placed for adoption",
        "Date of the placement order",
        "Date matched with adopters",
        "Date placed for adoption",
        "Date of the adoption order",
        "Date of the decision that the child should no longer be placed for adoption",
        "Reason the child should no longer be placed for adoption",
        "Date placed in fostering for adoption or concurrent planning",
    ]
    rows = _visible(plans_active_between(first, last), hidden_person_ids(user)).values(
        "decided_on",
        "placement_order_on",
        "matched_on",
        "placed_on",
        "adoption_order_on",
        "reversed_on",
        "reversal_reason",
        "fostering_for_adoption_on",
        entered_care=F("period__start_date"),
        **_child_values(),
    )
    for row in rows.order_by("decided_on", "pk").iterator(chunk_size=2000):
        reversed_on = _within(row["reversed_on"], last)
        yield [
            *_child(row, last),
            uk_date(row["entered_care"]),
            uk_date(row["decided_on"]),
            *(
                uk_date(_within(row[f], last))
                for f in ("placement_order_on", "matched_on", "placed_on", "adoption_order_on")
            ),
            uk_date(reversed_on),
            row["reversal_reason"] if reversed_on else "",
            uk_date(_within(row["fostering_for_adoption_on"], last)),
        ]


def list_11_adopters(first: datetime.date, last: datetime.date, user: Any) -> Iterator[list[str]]:
    """Adopter households in the process at some time in the window. Adopters are not children:
    the list names no child, and counts the children matched with each household."""
    yield [
        "Adopter household reference",
        "Date of enquiry",
        "Date stage 1 started",
        "Date stage 2 started",
        "Date of application",
        "Date of approval",
        "Date matched with a child",
        "Date a child was placed",
        "Number of children matched",
        "Date of the adoption order",
        "Date the household left the process",
        "Reason the household left the process",
    ]
    rows = adopters_active_between(first, last).values(  # type: ignore[misc]
        "reference",
        "enquiry_on",
        "stage1_on",
        "stage2_on",
        "application_on",
        "approved_on",
        "first_matched",
        "first_placed",
        "number_of_children",
        "latest_order",
        "left_on",
        "left_reason",
    )
    for row in rows.order_by("enquiry_on", "pk").iterator(chunk_size=2000):
        left_on = _within(row["left_on"], last)
        yield [
            row["reference"],
            *(
                uk_date(_within(row[f], last))
                for f in (
                    "enquiry_on",
                    "stage1_on",
                    "stage2_on",
                    "application_on",
                    "approved_on",
                    "first_matched",
                    "first_placed",
                )
            ),
            str(row["number_of_children"]),
            uk_date(_within(row["latest_order"], last)),
            uk_date(left_on),
            row["left_reason"] if left_on else "",
        ]


LISTS = (
    AnnexAList(10, "List 10: adoption", list_10_adoption),
    AnnexAList(11, "List 11: adopters", list_11_adopters, names_children=False),
)
