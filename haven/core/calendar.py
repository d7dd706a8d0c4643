"""The one working-day calendar every statutory deadline in Haven goes through.

A working day is Monday to Friday, less England and Wales bank holidays (PyPI ``holidays``,
England subdivision, which covers the one-off days such as the 2022 Platinum Jubilee, the State
Funeral of Queen Elizabeth II and the 2023 Coronation) and less the days the local authority
has declared closed (``ClosureDay`` rows). The day the clock starts is day 0.

Deadlines are computed in bulk (a million at a time by the data generator), so the calendar is
precomputed once as a table of working-day counts indexed by ordinal: a lookup, not a loop.
"""

from __future__ import annotations

import bisect
import functools
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

LONDON = ZoneInfo("Europe/London")

# Historic records go back decades and plans run years ahead; outside this range a deadline is
# a data error, so it is refused rather than guessed. Bank holidays after the current year are
# the regular ones only: one-off days (a coronation) are announced a year or so ahead, and a
# ``holidays`` upgrade picks them up.
FIRST_YEAR = 1990
LAST_YEAR = 2060
_FIRST_ORDINAL = date(FIRST_YEAR, 1, 1).toordinal()
_LAST_ORDINAL = date(LAST_YEAR, 12, 31).toordinal()

# Bank holidays the installed ``holidays`` release does not know about, with the proclamation.
# (All the 2022 and 2023 extra days are present in holidays 0.60+, so this is empty; it exists so
# a newly proclaimed day can be added here before the package catches up.)
EXTRA_BANK_HOLIDAYS: dict[date, str] = {}

Unit = Literal["working_days", "working_hours", "calendar_months", "days"]


@functools.cache
def bank_holidays() -> dict[date, str]:
    """England and Wales bank holidays (with substitute days) from FIRST_YEAR to LAST_YEAR."""
    found = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1))
    table = {day: str(name) for day, name in found.items()}
    table.update(EXTRA_BANK_HOLIDAYS)
    return table


class WorkingCalendar:
    """Monday to Friday, less bank holidays and the given LA closure days."""

    def __init__(self, closures: Iterable[date] = ()) -> None:
        self.closures = frozenset(closures)
        closed = {d.toordinal() for d in bank_holidays()} | {d.toordinal() for d in self.closures}
        working: list[int] = []
        # _count[i] = working days with ordinal <= _FIRST_ORDINAL + i.
        count: list[int] = []
        total = 0
        for ordinal in range(_FIRST_ORDINAL, _LAST_ORDINAL + 1):
            # date.fromordinal(1) is a Monday, so (ordinal - 1) % 7 is the weekday.
            if (ordinal - 1) % 7 < 5 and ordinal not in closed:
                working.append(ordinal)
                total += 1
            count.append(total)
        self._working = working
        self._count = count
        # (unit, amount, start) -> due date, filled by ``DeadlineRule.due``.
        self.days_after: dict[tuple[str, float, date], date] = {}

    # -- lookups -----------------------------------------------------------------------------

    def _offset(self, day: date) -> int:
        if isinstance(day, datetime):
            day = day.date()
        offset = day.toordinal() - _FIRST_ORDINAL
        if not 0 <= offset < len(self._count):
            raise ValueError(
                f"{day.isoformat()} is outside the working-day calendar "
                f"({FIRST_YEAR} to {LAST_YEAR})"
            )
        return offset

    def _working_at(self, index: int, start: date) -> date:
        if not 0 <= index < len(self._working):
            raise ValueError(
                f"a deadline from {start.isoformat()} falls outside the working-day calendar "
                f"({FIRST_YEAR} to {LAST_YEAR})"
            )
        return date.fromordinal(self._working[index])

    def working_day_index(self, day: date) -> int:
        """How many working days fall on or before ``day`` (within the calendar's range).

        ``working_day_index(b) - working_day_index(a)`` is the working days after a up to b."""
        return self._count[self._offset(day)]

    def is_working_day(self, day: date) -> bool:
        offset = self._offset(day)
        previous = self._count[offset - 1] if offset else 0
        return self._count[offset] != previous

    # -- arithmetic --------------------------------------------------------------------------

    def add_working_days(self, start: date, days: int) -> date:
        """``start`` plus ``days`` working days, the start being day 0.

        0 gives ``start`` if it is a working day, otherwise the next working day. A negative
        number counts back: -1 is the last working day before ``start``."""
        at_or_before = self._count[self._offset(start)]
        if days > 0:
            return self._working_at(at_or_before + days - 1, start)
        if days == 0:
            return start if self.is_working_day(start) else self._working_at(at_or_before, start)
        before = at_or_before - (1 if self.is_working_day(start) else 0)
        return self._working_at(before + days, start)

    def add_working_days_many(self, starts: Sequence[date], days: int) -> list[date]:
        """``add_working_days`` over many starts (the bulk path: no per-call checks beyond range)."""
        if days < 1:
            return [self.add_working_days(start, days) for start in starts]
        count, working, first = self._count, self._working, _FIRST_ORDINAL
        ordinals = [start.toordinal() - first for start in starts]
        if not ordinals:
            return []
        highest = max(ordinals)
        if min(ordinals) < 0 or highest >= len(count) or count[highest] + days > len(working):
            # The checked path names the offending date.
            return [self.add_working_days(start, days) for start in starts]
        fromordinal = date.fromordinal
        return [fromordinal(working[count[o] + days - 1]) for o in ordinals]

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative if end < start."""
        return self._count[self._offset(end)] - self._count[self._offset(start)]

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self._working_at(self._count[self._offset(day)], day)

    def working_days_in(self, first: date, last: date) -> Iterator[date]:
        """Each working day from ``first`` to ``last`` inclusive."""
        lo = bisect.bisect_left(self._working, first.toordinal())
        hi = bisect.bisect_right(self._working, last.toordinal())
        return (date.fromordinal(o) for o in self._working[lo:hi])

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """``start`` plus ``hours`` of working time (settings.HAVEN_WORKING_DAY_START to _END
        on working days), as an aware Europe/London datetime.

        A start outside working hours begins counting at the next working-day start. A naive
        ``start`` is taken to be London local time."""
        if hours < 0:
            raise ValueError("hours must not be negative")
        day_start, day_end = working_day_hours()
        local = start.replace(tzinfo=LONDON) if start.tzinfo is None else start.astimezone(LONDON)
        # Wall-clock arithmetic within the day: clocks change at 01:00/02:00, outside any
        # plausible working day, so no hour is gained or lost between start and end of day.
        day = local.date()
        clock = local.time().replace(tzinfo=None)
        if not self.is_working_day(day) or clock >= day_end:
            day, clock = self.next_working_day(day), day_start
        elif clock < day_start:
            clock = day_start
        remaining = timedelta(hours=hours)
        while True:
            available = datetime.combine(day, day_end) - datetime.combine(day, clock)
            if remaining <= available:
                return datetime.combine(day, clock, tzinfo=LONDON) + remaining
            remaining -= available
            day, clock = self.next_working_day(day), day_start


def working_day_hours() -> tuple[time, time]:
    """The LA's working hours, from settings ("HH:MM")."""
    start = time.fromisoformat(getattr(settings, "HAVEN_WORKING_DAY_START", "09:00"))
    end = time.fromisoformat(getattr(settings, "HAVEN_WORKING_DAY_END", "17:00"))
    if end <= start:
        raise ValueError("HAVEN_WORKING_DAY_END must be after HAVEN_WORKING_DAY_START")
    return start, end


def add_calendar_months(start: date, months: int) -> date:
    """``start`` plus calendar months, clamped to the month's end (31 Aug + 6 months = 28/29 Feb)."""
    month_index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    last_day = (following - timedelta(days=1)).day
    return date(year, month, min(start.day, last_day))


# -- the LA's calendar ---------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cached: WorkingCalendar | None = None


def calendar() -> WorkingCalendar:
    """The calendar with the LA's closure days, built once per process.

    Saving or deleting a ``ClosureDay`` clears it (signals in ``CoreConfig.ready``); another
    process sees the change when it restarts."""
    global _cached
    current = _cached
    if current is not None:
        return current
    from haven.core.models import ClosureDay

    with _cache_lock:
        if _cached is None:
            _cached = WorkingCalendar(ClosureDay.objects.values_list("date", flat=True))
        return _cached


def clear_calendar_cache(*args: object, **kwargs: object) -> None:
    """Forget the cached calendar (a signal receiver, hence the ignored arguments)."""
    global _cached
    with _cache_lock:
        _cached = None


# -- deadline rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRule:
    """How a due date follows from the date its clock starts. Stored by ``key`` next to each due
    date, so the date can be recomputed when the clock-start date is corrected."""

    key: str
    description: str
    unit: Unit
    amount: float

    def due(self, start: date | datetime, cal: WorkingCalendar | None = None) -> date | datetime:
        """The due date (a datetime for working-hours rules) for a clock starting at ``start``."""
        cal = cal or calendar()
        if self.unit == "working_hours":
            if not isinstance(start, datetime):
                raise TypeError(f"rule {self.key!r} counts working hours: give a datetime")
            return cal.add_working_hours(start, self.amount)
        day = _local_date(start)
        # Remembered by the calendar (made again when closure days change): "my work" asks for
        # thousands of due dates a request, from a few hundred distinct days.
        key = (self.unit, self.amount, day)
        due = cal.days_after.get(key)
        if due is None:
            if self.unit == "working_days":
                due = cal.add_working_days(day, self._whole())
            elif self.unit == "calendar_months":
                due = add_calendar_months(day, self._whole())
            else:
                due = day + timedelta(days=self._whole())
            if len(cal.days_after) < 100_000:
                cal.days_after[key] = due
        return due

    def due_date(self, start: date | datetime, cal: WorkingCalendar | None = None) -> date:
        """``due`` for rules counted in days or months (typed for callers)."""
        result = self.due(start, cal)
        if isinstance(result, datetime):
            raise TypeError(f"rule {self.key!r} gives a time: use due_at")
        return result

    def due_at(self, start: datetime, cal: WorkingCalendar | None = None) -> datetime:
        """``due`` for rules counted in working hours (typed for callers)."""
        result = self.due(start, cal)
        if not isinstance(result, datetime):
            raise TypeError(f"rule {self.key!r} gives a date: use due_date")
        return result

    def _whole(self) -> int:
        if self.amount != int(self.amount):
            raise ValueError(f"rule {self.key!r} needs a whole number of {self.unit}")
        return int(self.amount)


def _local_date(start: date | datetime) -> date:
    if isinstance(start, datetime):
        return start.astimezone(LONDON).date() if start.tzinfo else start.date()
    return start


# key -> (setting name, default, unit, description with {n} for the amount)
_RULE_DEFINITIONS: dict[str, tuple[str, float, Unit, str]] = {
    "contact_decision": (
        "HAVEN_CONTACT_DECISION_WD",
        1,
        "working_days",
        "{n} working day(s) from receipt",
    ),
    "contact_decision_immediate": (
        "HAVEN_CONTACT_IMMEDIATE_WD",
        0,
        "working_days",
        "{n} working day(s) from receipt for a child at risk now (0: the same working day)",
    ),
    "mash_check_red": (
        "HAVEN_MASH_RED_HOURS",
        4,
        "working_hours",
        "{n} working hours for a red MASH check",
    ),
    "mash_check_amber": (
        "HAVEN_MASH_AMBER_WD",
        1,
        "working_days",
        "{n} working day(s) for an amber MASH check",
    ),
    "mash_check_green": (
        "HAVEN_MASH_GREEN_WD",
        3,
        "working_days",
        "{n} working day(s) for a green MASH check",
    ),
    "strategy_discussion": (
        "HAVEN_STRATEGY_DISCUSSION_WD",
        1,
        "working_days",
        "{n} working day(s) from the concern of significant harm",
    ),
    "assessment": ("HAVEN_ASSESSMENT_WD", 45, "working_days", "{n} working days from referral"),
    "icpc": (
        "HAVEN_ICPC_WD",
        15,
        "working_days",
        "{n} working days from the strategy discussion that started the S47 enquiry",
    ),
    "first_core_group": (
        "HAVEN_FIRST_CORE_GROUP_WD",
        10,
        "working_days",
        "{n} working days from the ICPC",
    ),
    "later_core_group": (
        "HAVEN_CORE_GROUP_MONTHS",
        1,
        "calendar_months",
        "{n} calendar month(s) from the previous core group",
    ),
    "first_cp_review": (
        "HAVEN_FIRST_CP_REVIEW_MONTHS",
        3,
        "calendar_months",
        "{n} calendar months from the ICPC",
    ),
    "later_cp_review": (
        "HAVEN_LATER_CP_REVIEW_MONTHS",
        6,
        "calendar_months",
        "{n} calendar months from the previous review conference",
    ),
    "cp_visit": (
        "HAVEN_CP_VISIT_WD",
        10,
        "working_days",
        "{n} working days from the last CP visit",
    ),
    "cin_visit": (
        "HAVEN_CIN_VISIT_WD",
        20,
        "working_days",
        "{n} working days from the last CIN visit",
    ),
    "cin_review": (
        "HAVEN_CIN_REVIEW_MONTHS",
        3,
        "calendar_months",
        "{n} calendar months from the CIN plan's start or its last review",
    ),
    # Children looked after (CPPCR 2010): care and placement plans, statutory visits (reg 28)
    # and reviews chaired by the child's IRO (reg 33).
    "care_plan": (
        "HAVEN_CARE_PLAN_WD",
        10,
        "working_days",
        "{n} working days from the day the child became looked after",
    ),
    "placement_plan": (
        "HAVEN_PLACEMENT_PLAN_WD",
        5,
        "working_days",
        "{n} working days from the start of the placement",
    ),
    "cla_first_visit": (
        "HAVEN_CLA_FIRST_VISIT_DAYS",
        7,
        "days",
        "{n} days from the start of each placement",
    ),
    "cla_visit": (
        "HAVEN_CLA_VISIT_DAYS",
        42,
        "days",
        "{n} days from the last visit (a placement's first year, or one not meant to last to 18)",
    ),
    "cla_visit_long_term": (
        "HAVEN_CLA_LONG_TERM_VISIT_MONTHS",
        3,
        "calendar_months",
        "{n} calendar months from the last visit, after the first year of a placement meant "
        "to last until the child is 18",
    ),
    "cla_visit_until_review": (
        "HAVEN_CLA_WEEKLY_VISIT_DAYS",
        7,
        "days",
        "{n} days from the last visit until the first review, placed with parents or a "
        "connected person",
    ),
    "cla_visit_connected": (
        "HAVEN_CLA_CONNECTED_VISIT_DAYS",
        28,
        "days",
        "{n} days from the last visit after the first review, placed with a connected person or "
        "at home under an interim care order",
    ),
    "cla_first_review": (
        "HAVEN_CLA_FIRST_REVIEW_WD",
        20,
        "working_days",
        "{n} working days from the day the child became looked after",
    ),
    "cla_second_review": (
        "HAVEN_CLA_SECOND_REVIEW_MONTHS",
        3,
        "calendar_months",
        "{n} calendar months from the first review",
    ),
    "cla_later_review": (
        "HAVEN_CLA_LATER_REVIEW_MONTHS",
        6,
        "calendar_months",
        "{n} calendar months from the previous review",
    ),
    "re_referral_window": (
        "HAVEN_RE_REFERRAL_MONTHS",
        12,
        "calendar_months",
        "a referral within {n} calendar months of the previous one is a re-referral",
    ),
    # Health and education of looked-after children (haven.care.health).
    "care_initial_health_assessment": (
        "HAVEN_CARE_INITIAL_HEALTH_ASSESSMENT_WD",
        20,
        "working_days",
        "{n} working days from the day the child became looked after (before the first review)",
    ),
    "care_health_review_under_5": (
        "HAVEN_CARE_HEALTH_REVIEW_UNDER_5_MONTHS",
        6,
        "calendar_months",
        "{n} calendar months from the last health assessment of a child under 5",
    ),
    "care_health_review": (
        "HAVEN_CARE_HEALTH_REVIEW_MONTHS",
        12,
        "calendar_months",
        "{n} calendar months from the last health assessment of a child aged 5 or over",
    ),
    "care_dental_check": (
        "HAVEN_CARE_DENTAL_CHECK_MONTHS",
        12,
        "calendar_months",
        "{n} calendar months from the last dental check, or from becoming looked after",
    ),
    "care_first_pep": (
        "HAVEN_CARE_FIRST_PEP_WD",
        10,
        "working_days",
        "{n} working days from the day the child became looked after",
    ),
}


def rule(key: str) -> DeadlineRule:
    """The deadline rule ``key`` as the LA's settings make it now."""
    try:
        setting, default, unit, description = _RULE_DEFINITIONS[key]
    except KeyError:
        known = ", ".join(sorted(_RULE_DEFINITIONS))
        raise KeyError(f"no deadline rule {key!r}; known rules: {known}") from None
    amount = getattr(settings, setting, default)
    made = _rules.get((key, amount))
    if made is None:
        shown = int(amount) if float(amount).is_integer() else amount
        made = DeadlineRule(
            key=key, description=description.format(n=shown), unit=unit, amount=amount
        )
        _rules[(key, amount)] = made
    return made


# Each rule made once for each amount its setting has had (settings change only in tests).
_rules: dict[tuple[str, float], DeadlineRule] = {}


class _Rules(Mapping[str, DeadlineRule]):
    """Every rule, read from settings on each access (so overrides take effect at once)."""

    def __getitem__(self, key: str) -> DeadlineRule:
        return rule(key)

    def __iter__(self) -> Iterator[str]:
        return iter(_RULE_DEFINITIONS)

    def __len__(self) -> int:
        return len(_RULE_DEFINITIONS)


RULES: Mapping[str, DeadlineRule] = _Rules()
RULE_KEYS: tuple[str, ...] = tuple(_RULE_DEFINITIONS)
