"""When leaving-care work is due (calendar rules, through haven.core.calendar):

- the needs assessment: within 3 months of the 16th birthday, or of becoming eligible later;
- a pathway plan review: at most 6 months after the plan was agreed or last reviewed;
- a personal adviser's contact: at most ``HAVEN_PA_CONTACT_WEEKS`` (8) weeks after the last
  (or the allocation), within 7 days of a move, and before each pathway plan review."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from haven.core.calendar import add_calendar_months

ASSESSMENT_MONTHS = 3
REVIEW_MONTHS = 6
MOVE_DAYS = 7


@dataclass(frozen=True)
class Due:
    date: datetime.date
    rule: str  # in words: "8 weeks since the last contact"


def needs_assessment_due(became_eligible: datetime.date) -> datetime.date:
    return add_calendar_months(became_eligible, ASSESSMENT_MONTHS)


def plan_review_due(last: datetime.date) -> datetime.date:
    """``last``: the day the plan was agreed, or last reviewed."""
    return add_calendar_months(last, REVIEW_MONTHS)


def contact_weeks() -> int:
    return int(settings.HAVEN_PA_CONTACT_WEEKS)


def contact_due(
    *,
    allocated_on: datetime.date,
    last_contact: datetime.date | None,
    moves: Iterable[datetime.date] = (),
    review_due: datetime.date | None = None,
) -> Due:
    """The next contact due: the earliest of the rules not yet met by a contact."""
    since = last_contact or allocated_on
    weeks = contact_weeks()
    due = Due(
        since + datetime.timedelta(weeks=weeks),
        f"{weeks} weeks since the last contact"
        if last_contact
        else f"{weeks} weeks since the adviser was allocated",
    )
    for moved in moves:
        if last_contact is None or last_contact < moved:
            after_move = moved + datetime.timedelta(days=MOVE_DAYS)
            if after_move < due.date:
                due = Due(after_move, "within 7 days of a move")
    if review_due is not None and review_due < due.date:
        due = Due(review_due, "before the pathway plan review")
    return due
