"""Working days counted inside the database, exactly as ``core.calendar`` counts them.

The calendar is Python (bank holidays from ``holidays`` plus the LA's closure days), so the
query is given, as one array parameter, the calendar's running count of working days for each
date of the span being counted. Working days between two dates is then a difference of two
array lookups: no loop, no per-row Python, and the count can filter and aggregate in SQL.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import DateTimeField, Func, IntegerField

from haven.core.calendar import LONDON, calendar

# How far before a span's first date the array starts. A start date earlier than this is more
# than a year of working days before the end, so its count is NULL, which no "within N working
# days" test passes: the right answer for any deadline shorter than a year.
LOOKBACK = datetime.timedelta(days=400)


def running_counts(first: datetime.date, last: datetime.date) -> list[int]:
    cal = calendar()
    days = (last - first).days + 1
    return [cal.working_day_index(first + datetime.timedelta(days=d)) for d in range(days)]


class WorkingDaysBetween(Func):
    """Working days after ``start`` up to and including ``end`` (both date expressions), as
    ``calendar().working_days_between``; NULL if either is outside ``first``..``last``."""

    output_field = IntegerField()

    def __init__(self, start: Any, end: Any, *, first: datetime.date, last: datetime.date) -> None:
        super().__init__(start, end)
        self.first = first - LOOKBACK
        self.counts = running_counts(self.first, last)

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        start, end = self.get_source_expressions()
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        # PostgreSQL arrays are 1-based and give NULL outside their bounds.
        sql = (
            f"((%s::int[])[({end_sql}) - %s::date + 1] - (%s::int[])[({start_sql}) - %s::date + 1])"
        )
        params = [self.counts, *end_params, self.first, self.counts, *start_params, self.first]
        return sql, params


def london_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=LONDON)


class MonthIndex(Func):
    """Which of ``months`` (their first days, in order) a datetime falls in, by London time: 1
    for the first, 0 before it. A binary search of the months' London midnights
    (``width_bucket``) rather than a time-zone conversion of every row counted, which cost the
    front-door figures about half their time."""

    output_field = IntegerField()

    def __init__(self, expression: Any, months: list[datetime.date]) -> None:
        super().__init__(expression)
        self.bounds = [london_midnight(month) for month in months]

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        (expression,) = self.get_source_expressions()
        sql, params = compiler.compile(expression)
        return f"width_bucket({sql}, %s::timestamptz[])", [*params, self.bounds]


class LondonDayEnd(Func):
    """The instant the London day ``day`` (a date expression) ends: the next London midnight.
    Looked up in an array of the midnights around ``first``..``last`` (no time-zone conversion
    per row), and computed by PostgreSQL only for a day outside it."""

    output_field = DateTimeField()

    def __init__(self, day: Any, *, first: datetime.date, last: datetime.date) -> None:
        super().__init__(day)
        self.first = first - LOOKBACK
        days = (last + LOOKBACK - self.first).days + 1
        self.ends = [
            london_midnight(self.first + datetime.timedelta(days=d + 1)) for d in range(days)
        ]

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        (day,) = self.get_source_expressions()
        sql, params = compiler.compile(day)
        return (
            f"COALESCE((%s::timestamptz[])[({sql}) - %s::date + 1], "
            f"(({sql}) + 1)::timestamp AT TIME ZONE 'Europe/London')",
            [self.ends, *params, self.first, *params],
        )
