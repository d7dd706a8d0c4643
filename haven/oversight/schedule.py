"""When oversight and supervision are due: the local oversight interval, and each worker's
supervision frequency (monthly; newly qualified workers weekly for their first 6 weeks, then
fortnightly to 6 months, then monthly, counted from their employment start date)."""

from __future__ import annotations

import datetime

from django.conf import settings

from haven.core.calendar import DeadlineRule, add_calendar_months

ASYE_WEEKLY_WEEKS = 6
ASYE_FORTNIGHTLY_MONTHS = 6


def oversight_interval_days() -> int:
    return int(getattr(settings, "HAVEN_OVERSIGHT_INTERVAL_DAYS", 30))


def oversight_rule() -> DeadlineRule:
    """Every open case has a manager's oversight within this many days (a local setting)."""
    days = oversight_interval_days()
    return DeadlineRule(
        key="oversight_review",
        description=f"{days} days from the last management oversight",
        unit="days",
        amount=days,
    )


def oversight_review_due(
    *,
    last_on: datetime.date | None,
    next_review: datetime.date | None,
    since: datetime.date,
    rule: DeadlineRule | None = None,
) -> datetime.date:
    """A case's next oversight: the review date the manager set, or the interval after the
    last oversight if that comes first; with none yet, the interval after the case opened.
    ``rule``: ``oversight_rule()``, read once by a caller working out a long list."""
    rule = rule or oversight_rule()
    if last_on is None:
        return rule.due_date(since)
    due = rule.due_date(last_on)
    return min(due, next_review) if next_review else due


def supervision_frequency(
    on: datetime.date, *, asye: bool, employment_start: datetime.date | None
) -> str:
    """Which part of the schedule ``on`` falls in: "weekly", "fortnightly" or "monthly"."""
    if asye and employment_start is not None:
        if on < employment_start + datetime.timedelta(weeks=ASYE_WEEKLY_WEEKS):
            return "weekly"
        if on < add_calendar_months(employment_start, ASYE_FORTNIGHTLY_MONTHS):
            return "fortnightly"
    return "monthly"


def _after(day: datetime.date, frequency: str) -> datetime.date:
    if frequency == "weekly":
        return day + datetime.timedelta(weeks=1)
    if frequency == "fortnightly":
        return day + datetime.timedelta(weeks=2)
    return add_calendar_months(day, 1)


def next_supervision_due(
    *,
    last: datetime.date | None,
    asye: bool,
    employment_start: datetime.date | None,
    joined: datetime.date | None,
) -> datetime.date | None:
    """The next supervision: one step of the worker's schedule after the last session (or
    after they started, if they have had none). None when nothing says when they started."""
    base = last or employment_start or joined
    if base is None:
        return None
    return _after(base, supervision_frequency(base, asye=asye, employment_start=employment_start))


FREQUENCY_LABELS = {
    "weekly": "Weekly (newly qualified: first 6 weeks)",
    "fortnightly": "Fortnightly (newly qualified: to 6 months)",
    "monthly": "Monthly",
}
