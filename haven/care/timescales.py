"""When the statutory work of a period of care is due: pure functions of the facts, so the
work list, the tab and the synthetic county compute the same dates (every interval is a
named rule in haven.core.calendar).

Visits (CPPCR 2010 reg 28), from the placement the child is in:

- within a week of the start of every placement (a move restarts the clock);
- then, in the placement's first year, at most 6 weeks apart; after it, at most 3 months apart
  if the placement is meant to last until the child is 18, otherwise still 6 weeks;
- placed with parents (P1): weekly until the first review, then 6-weekly;
- placed with a connected person (U1-U3), or at home under an interim care order (P1 with
  C1): weekly until the first review, then 4-weekly.

The interval follows the rules in force on ``today`` (the day the question is asked: the day
of a visit when recording it, today for the work list): a first review held by then ends the
weekly visits, and a placement's first anniversary passed by then lengthens them.

Reviews (reg 33): the first within 20 working days of the day the child became looked after,
the second within 3 months of the first, later ones at most 6 months apart."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from haven.care import codes
from haven.core.calendar import add_calendar_months, rule


@dataclass(frozen=True)
class VisitPlacement:
    """What the visiting interval depends on: the placement and the legal status now."""

    start_date: datetime.date
    place: str
    intended_until_18: bool = False
    legal_status: str = ""

    @classmethod
    def of(cls, placement: Any, legal_status: str) -> VisitPlacement:
        """The facts of a stored placement, with the legal status in force."""
        return cls(
            start_date=placement.start_date,
            place=placement.place,
            intended_until_18=placement.intended_until_18,
            legal_status=legal_status,
        )


@dataclass(frozen=True)
class Due:
    date: datetime.date
    rule: str  # the haven.core.calendar rule key it came from


def _weekly_until_review(placement: VisitPlacement) -> bool:
    return (
        placement.place in codes.PLACED_WITH_PARENTS
        or placement.place in codes.CONNECTED_PERSON_PLACEMENTS
    )


def _after_review_rule(placement: VisitPlacement) -> str:
    at_home_on_ico = (
        placement.place in codes.PLACED_WITH_PARENTS
        and placement.legal_status == codes.LegalStatus.C1
    )
    if placement.place in codes.CONNECTED_PERSON_PLACEMENTS or at_home_on_ico:
        return "cla_visit_connected"
    return "cla_visit"


def visit_due(
    placement: VisitPlacement,
    last_visit: datetime.date | None,
    first_review: datetime.date | None,
    today: datetime.date,
) -> Due:
    """When the next statutory visit is due. ``last_visit`` counts only if it was in this
    placement (on or after its start); ``first_review`` is the period's first review, if held."""
    if last_visit is None or last_visit < placement.start_date:
        key = "cla_first_visit"
        return Due(rule(key).due_date(placement.start_date), key)
    reviewed = first_review is not None and first_review <= today
    if _weekly_until_review(placement):
        key = _after_review_rule(placement) if reviewed else "cla_visit_until_review"
    elif placement.intended_until_18 and today >= add_calendar_months(placement.start_date, 12):
        key = "cla_visit_long_term"
    else:
        key = "cla_visit"
    return Due(rule(key).due_date(last_visit), key)


def review_due(
    period_start: datetime.date, held_count: int, last_held: datetime.date | None
) -> Due:
    """When the next review is due, given how many reviews the period has had and the last."""
    if held_count == 0 or last_held is None:
        key = "cla_first_review"
        return Due(rule(key).due_date(period_start), key)
    key = "cla_second_review" if held_count == 1 else "cla_later_review"
    return Due(rule(key).due_date(last_held), key)


def care_plan_due(period_start: datetime.date) -> datetime.date:
    return rule("care_plan").due_date(period_start)


def placement_plan_due(placement_start: datetime.date) -> datetime.date:
    return rule("placement_plan").due_date(placement_start)
