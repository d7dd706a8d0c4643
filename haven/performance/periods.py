"""The periods figures are counted over: DfE years (1 April to 31 March, named by the year they
end in, so 2020 is April 2019 to March 2020) and their months, as Europe/London dates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

MONTH_STARTS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


@dataclass(frozen=True)
class Period:
    key: str  # "2020" for a year, "2019-05" for a month
    label: str
    first: datetime.date
    last: datetime.date  # inclusive
    so_far: bool = False  # the current year, up to today

    def __contains__(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last


def today() -> datetime.date:
    return timezone.localdate()


def year_of(day: datetime.date) -> int:
    """The DfE year a date falls in (the year of the 31 March that ends it)."""
    return day.year + 1 if day.month >= 4 else day.year


def current_year() -> int:
    return year_of(today())


def dfe_year(year: int) -> Period:
    first = datetime.date(year - 1, 4, 1)
    last = datetime.date(year, 3, 31)
    now = today()
    so_far = first <= now < last
    label = f"April {year - 1} to March {year}"
    if so_far:
        last = now
        label += " (so far)"
    return Period(key=str(year), label=label, first=first, last=last, so_far=so_far)


def month_period(month_start: datetime.date, within: Period | None = None) -> Period:
    first = month_start.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    last = following - datetime.timedelta(days=1)
    if within is not None:
        last = min(last, within.last)
    return Period(key=f"{first:%Y-%m}", label=f"{first:%B %Y}", first=first, last=last)


def months_of(year: Period) -> list[Period]:
    """The year's months, April first, up to the last one begun."""
    months = []
    for month in MONTH_STARTS:
        start = datetime.date(year.first.year + (month < 4), month, 1)
        if start > year.last:
            break
        months.append(month_period(start, year))
    return months


def parse_month(value: str, year: Period) -> Period:
    """A "YYYY-MM" month within ``year``; ValueError otherwise."""
    start = datetime.datetime.strptime(value, "%Y-%m").date()
    if start not in year:
        raise ValueError(f"{value} is not a month of {year.label}")
    return month_period(start, year)


def parse_years(values: list[str]) -> list[int]:
    """``["2020"]``, ``["2016-2020"]`` or several of either, as a sorted list of years."""
    years: set[int] = set()
    for value in values:
        text = value.strip()
        first, sep, last = text.partition("-")
        try:
            low = int(first)
            high = int(last) if sep else low
        except ValueError:
            raise ValueError(
                f"{value!r} is not a year such as 2020 or a range such as 2016-2020"
            ) from None
        if high < low:
            raise ValueError(f"{value!r}: the range must run from the earlier year")
        if low < 1991 or high > current_year():
            raise ValueError(
                f"{value!r}: years run from 1991 to {current_year()} (a year ends on 31 March)"
            )
        years.update(range(low, high + 1))
    return sorted(years)
