"""Who is a care leaver, worked out from the care history and the date of birth, never typed
(Children (Leaving Care) Act 2000; CPPCR 2010 reg 40; Children Act 1989 s23C, s24).

- Eligible: aged 16 or 17, looked after now, and looked after for at least 13 weeks in all
  since the 14th birthday, some of it at 16 or over.
- Relevant: aged 16 or 17, no longer looked after, and was eligible when they left care.
- Former relevant: aged 18 to 20 (to 25 on request), and was eligible or relevant on the day
  before the 18th birthday.
- Qualifying: aged 16 to 20, looked after at some time at 16 or over, but none of the above.

Short breaks (legal status V3/V4) are not being looked after here. A span is ``[start, end)``:
the child was looked after from ``start`` up to the day before ``end`` (the day they ceased),
as the periods of care are stored. ``category_on`` is pure: the selectors read the spans.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models

from haven.core.dates import long_date

# 13 weeks (CPPCR reg 40(1)).
QUALIFYING_DAYS = 13 * 7

Span = tuple[datetime.date, datetime.date | None]


class Category(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible"
    RELEVANT = "relevant", "Relevant"
    FORMER_RELEVANT = "former_relevant", "Former relevant"
    QUALIFYING = "qualifying", "Qualifying"
    NONE = "none", "Not a care leaver"


# The categories with a pathway plan and a personal adviser.
ENTITLED = (Category.ELIGIBLE, Category.RELEVANT, Category.FORMER_RELEVANT)


def birthday(born: datetime.date, years: int) -> datetime.date:
    """The ``years``-th birthday (29 February's is 1 March in a common year, as ``age_on``)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return datetime.date(born.year + years, 3, 1)


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class Eligibility:
    category: Category
    reason: str
    # When the entitlement (to a personal adviser and pathway plan, or to advice for a
    # qualifying care leaver) ends: the 21st birthday, and the 25th on request.
    until_21: datetime.date | None = None
    until_25: datetime.date | None = None
    days_since_14: int = 0

    @property
    def entitled(self) -> bool:
        """A pathway plan and a personal adviser (eligible, relevant, former relevant)."""
        return self.category in ENTITLED

    @property
    def is_care_leaver(self) -> bool:
        return self.category in (Category.RELEVANT, Category.FORMER_RELEVANT)


def merge(spans: Iterable[Span]) -> list[Span]:
    """Spans sorted, with those that touch or overlap joined (a new period the same day)."""
    merged: list[list[datetime.date | None]] = []
    for start, end in sorted(spans, key=lambda s: s[0]):
        if merged:
            last_end = merged[-1][1]
            if last_end is None or start <= last_end:
                if last_end is not None and (end is None or end > last_end):
                    merged[-1][1] = end
                continue
        merged.append([start, end])
    return [(s, e) for s, e in merged]  # type: ignore[misc]


def _days_between(spans: Sequence[Span], first: datetime.date, upto: datetime.date) -> int:
    """Days looked after in ``[first, upto)``."""
    total = 0
    for start, end in spans:
        s = max(start, first)
        e = min(end or upto, upto)
        if e > s:
            total += (e - s).days
    return total


def _looked_after_on(spans: Sequence[Span], day: datetime.date) -> bool:
    return any(start <= day and (end is None or day < end) for start, end in spans)


def _last_day_looked_after(spans: Sequence[Span], before: datetime.date) -> datetime.date | None:
    """The last day before ``before`` on which the child was looked after."""
    last = None
    for start, end in spans:
        if start >= before:
            continue
        day = min(end, before) - datetime.timedelta(days=1) if end else before
        day = min(day, before - datetime.timedelta(days=1))
        if last is None or day > last:
            last = day
    return last


def _weeks(days: int) -> str:
    weeks, rest = divmod(days, 7)
    return f"{weeks} weeks" + (f" and {rest} days" if rest else "")


def _qualified(spans: Sequence[Span], born: datetime.date, upto: datetime.date) -> tuple[bool, int]:
    """Whether the time looked after from the 14th birthday up to (not including) ``upto``
    reaches 13 weeks and includes a day at 16 or over; and the days counted."""
    days = _days_between(spans, birthday(born, 14), upto)
    at_16 = _days_between(spans, birthday(born, 16), upto) > 0
    return days >= QUALIFYING_DAYS and at_16, days


def category_on(
    born: datetime.date | None,
    spans: Iterable[Span],
    day: datetime.date,
    *,
    support_to_25: bool = False,
) -> Eligibility:
    """The young person's leaving-care category on ``day``, with the reason in words and the
    entitlement's end dates. ``support_to_25``: they asked for a personal adviser's support
    after 21 (to 25)."""
    if born is None:
        return Eligibility(Category.NONE, "The date of birth is not recorded")
    spans = merge(s for s in spans if s[0] <= day)
    until_21, until_25 = birthday(born, 21), birthday(born, 25)
    age = age_on(born, day)
    if not spans:
        return Eligibility(Category.NONE, "Has not been looked after")
    if age < 16:
        return Eligibility(Category.NONE, f"Is {age}: leaving care support starts at 16")
    if age >= 25:
        return Eligibility(Category.NONE, "Is 25 or over: leaving care support has ended")
    if age < 18:
        tomorrow = day + datetime.timedelta(days=1)
        if _looked_after_on(spans, day):
            ok, days = _qualified(spans, born, tomorrow)
            if ok:
                return Eligibility(
                    Category.ELIGIBLE,
                    f"Looked after now, at {age}, and for {_weeks(days)} since the 14th "
                    "birthday (13 weeks needed)",
                    until_21,
                    until_25,
                    days,
                )
            days = _days_between(spans, birthday(born, 14), tomorrow)
            return Eligibility(
                Category.NONE,
                f"Looked after for {_weeks(days)} since the 14th birthday: eligible after "
                f"13 weeks ({long_date(day + datetime.timedelta(days=QUALIFYING_DAYS - days))} "
                "if still looked after)",
                days_since_14=days,
            )
        left = _last_day_looked_after(spans, day)
        assert left is not None
        ceased = left + datetime.timedelta(days=1)
        ok, days = _qualified(spans, born, ceased)
        if ok:
            return Eligibility(
                Category.RELEVANT,
                f"Left care on {long_date(ceased)}, at {age_on(born, ceased)}, after "
                f"{_weeks(days)} looked after since the 14th birthday",
                until_21,
                until_25,
                days,
            )
        if left >= birthday(born, 16):
            return Eligibility(
                Category.QUALIFYING,
                f"Looked after at 16 or over but for only {_weeks(days)} since the 14th "
                "birthday (13 weeks needed to be relevant)",
                until_21,
                until_25,
                days,
            )
        return Eligibility(Category.NONE, "Was not looked after at 16 or over", days_since_14=days)
    # 18 and over: what they were on the day before the 18th birthday.
    at_18 = birthday(born, 18)
    before = category_on(born, spans, at_18 - datetime.timedelta(days=1))
    if before.category in (Category.ELIGIBLE, Category.RELEVANT):
        how = "in care" if before.category == Category.ELIGIBLE else "a relevant care leaver"
        if age < 21:
            return Eligibility(
                Category.FORMER_RELEVANT,
                f"Was {how} at 18 (after {_weeks(before.days_since_14)} looked after since "
                f"the 14th birthday): entitled to support until 21 ({long_date(until_21)}), "
                "and to 25 on request",
                until_21,
                until_25,
                before.days_since_14,
            )
        if support_to_25:
            return Eligibility(
                Category.FORMER_RELEVANT,
                f"Was {how} at 18, and asked for support after 21: a personal adviser until "
                f"25 ({long_date(until_25)})",
                until_21,
                until_25,
                before.days_since_14,
            )
        return Eligibility(
            Category.NONE,
            f"Was a former relevant care leaver until 21 ({long_date(until_21)}); may ask for "
            f"a personal adviser's support until 25 ({long_date(until_25)})",
            until_21,
            until_25,
            before.days_since_14,
        )
    # Not eligible or relevant at 18: qualifying if looked after at 16 or over, to 21.
    at_16 = birthday(born, 16)
    at_16_or_over = _days_between(spans, at_16, day + datetime.timedelta(days=1)) > 0
    if at_16_or_over and age < 21:
        return Eligibility(
            Category.QUALIFYING,
            "Looked after at 16 or over, but not for 13 weeks since the 14th birthday "
            f"(or not at 18): advice and help until 21 ({long_date(until_21)})",
            until_21,
            until_25,
            before.days_since_14,
        )
    return Eligibility(
        Category.NONE,
        "Was not looked after at 16 or over" if not at_16_or_over else "Is 21 or over",
        days_since_14=before.days_since_14,
    )


def became_eligible_on(born: datetime.date | None, spans: Iterable[Span]) -> datetime.date | None:
    """The first day the young person was eligible (13 weeks looked after since 14, looked
    after at 16 or over): the needs assessment is due within 3 months of it."""
    if born is None:
        return None
    at_14, at_16 = birthday(born, 14), birthday(born, 16)
    total = 0
    for start, end in merge(spans):
        s = max(start, at_14)
        if end is not None and end <= s:
            continue
        # Day by span: the 91st day counted, if this span reaches it.
        reached = s + datetime.timedelta(days=max(QUALIFYING_DAYS - total - 1, 0))
        if end is None or reached < end:
            day = max(reached, at_16)
            if end is None or day < end:
                return day
            total = QUALIFYING_DAYS  # reached before 16 and left before 16 in this span
            continue
        total += (end - s).days
    return None
