"""Reads for the performance pages: figures for a page's measures, and the rows behind each.

Everything is counted from the records on every call. Restricted records are left out of the
figures and the lists for everyone but the users named on them (the command line, running as
the system, is named on none): ``_visible`` is the one place that rule is applied.
"""

from __future__ import annotations

import datetime
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import CharField, DateField, F, Q, QuerySet, Sum, Value
from django.db.models import Count as CountOf
from django.db.models.functions import TruncMonth

from haven.core.calendar import LONDON
from haven.core.services import access_log_listed
from haven.people.access import restriction_q, visible_ids
from haven.people.models import Person, PersonKind
from haven.performance.expressions import MonthIndex
from haven.performance.measures import (
    Count,
    Mean,
    Measure,
    Page,
    PerChildren,
    Rate,
    Records,
    Share,
    Snapshot,
    Span,
    Split,
)
from haven.performance.periods import Period, months_of

MonthKey = tuple[datetime.date, tuple[str, ...]]


# -- who is counted ------------------------------------------------------------------------------


def hidden_person_ids(user: Any) -> list[int]:
    """Restricted records ``user`` is not named on (all of them for the system, ``None``)."""
    restricted = Person.objects.filter(is_restricted=True)
    if user is not None and getattr(user, "is_authenticated", False):
        restricted = restricted.exclude(restriction_q(user))
    return list(restricted.values_list("pk", flat=True))


def _visible_q(records: Records, hidden: list[int]) -> Q:
    """The rows of ``records`` counted and listed when ``hidden`` children are left out (an
    empty filter if none are)."""
    if not hidden:
        return Q()
    if records.whole:
        # Rows of a group (a contact) with any hidden child are left out together.
        about_hidden = records.queryset().model.objects.filter(
            **{f"{records.person}_id__in": hidden}
        )
        return ~Q(**{f"{records.whole}__in": about_hidden.values(records.whole)})
    if "__" in records.person:
        # A row about several children (a contact): leave it out if any of them is hidden.
        about_hidden = records.queryset().model.objects.filter(
            **{f"{records.person}_id__in": hidden}
        )
        return ~Q(pk__in=about_hidden.values("pk"))
    return ~Q(**{f"{records.person}_id__in": hidden})


def _visible(qs: QuerySet[Any], records: Records, hidden: list[int]) -> QuerySet[Any]:
    visible = _visible_q(records, hidden)
    return qs.filter(visible) if visible else qs


def _scans(page: Page) -> list[list[Records]]:
    """A page's records grouped by the rows they read: records differing only in who is left
    out (a contact's children counted as contacts, whole, and as children, one by one) are
    counted in one pass over the rows, each count filtering out its own hidden children."""
    scans: dict[tuple[Any, ...], list[Records]] = {}
    for records in page.records:
        key = (records.queryset, records.date, records.person, records.splits)
        scans.setdefault(key, []).append(records)
    return list(scans.values())


# -- where a row falls ----------------------------------------------------------------------------


def _field(model: type[models.Model], path: str) -> Any:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model  # type: ignore[assignment]
    return model._meta.get_field(name)


def _is_datetime(records: Records) -> bool:
    return isinstance(_field(records.queryset().model, records.date), models.DateTimeField)


def _month_of(records: Records, span: Span) -> tuple[Any, Callable[[Any], datetime.date]]:
    """The row's month, for grouping (London time for a datetime), and what turns the value
    grouped on into the month's first day. A datetime is placed by comparisons with the span's
    months' London midnights, not by converting every row to London time."""
    if not _is_datetime(records):
        return TruncMonth(records.date, output_field=DateField()), lambda month: month
    months = [month.first for month in _months_between(span.first, span.last)]
    return MonthIndex(records.date, months), lambda index: months[index - 1]


def _months_between(first: datetime.date, last: datetime.date) -> Iterator[Span]:
    month = first.replace(day=1)
    while month <= last:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        yield Span(month, following - datetime.timedelta(days=1))
        month = following


def _in_span(records: Records, span: Span) -> Q:
    if _is_datetime(records):
        start = datetime.datetime.combine(span.first, datetime.time.min, tzinfo=LONDON)
        end = datetime.datetime.combine(
            span.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=LONDON
        )
        return Q(**{f"{records.date}__gte": start, f"{records.date}__lt": end})
    return Q(**{f"{records.date}__range": (span.first, span.last)})


def _records_in(records: Records, span: Span, hidden: list[int]) -> QuerySet[Any]:
    return _visible(records.queryset().filter(_in_span(records, span)), records, hidden)


# -- figures --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One number on a page: a count, or a rate with its numerator and denominator."""

    measure: Measure
    numerator: int
    denominator: int | None = None

    @property
    def is_rate(self) -> bool:
        return isinstance(self.measure, Rate | PerChildren | Share | Mean)

    @property
    def scale(self) -> int:
        """100 for a percentage; 10,000 for a rate per 10,000 children; 1 for an average."""
        if isinstance(self.measure, Mean):
            return 1
        return self.measure.scale if isinstance(self.measure, PerChildren) else 100

    @property
    def value(self) -> int | float | None:
        if self.denominator is None:
            return self.numerator
        if not self.denominator:
            return None
        return round(self.scale * self.numerator / self.denominator, 1)


class Figures:
    """A page's counts for some periods, by month and split, and the cells made from them."""

    def __init__(
        self,
        page: Page,
        periods: list[Period],
        counts: dict[str, dict[MonthKey, int]],
        snapshots: dict[str, dict[MonthKey, int]] | None = None,
        population: dict[datetime.date, int] | None = None,
        snapshot_days: Iterable[datetime.date] = (),
    ):
        self.page = page
        self.periods = periods
        self._counts = counts
        # Snapshots and the child population are keyed by the day they were counted on.
        self._snapshots = snapshots or {}
        self._population = population or {}
        self._snapshot_days = frozenset(snapshot_days)
        self._summed: dict[str, dict[tuple[datetime.date, int, str], int]] = {}
        self._summed_on: dict[str, dict[tuple[datetime.date, int, str], int]] = {}
        self._months = sorted({month for counted in counts.values() for month, _ in counted})

    def _on(
        self, snapshot: Snapshot, day: datetime.date, split: tuple[Split, str] | None = None
    ) -> int:
        if day not in self._snapshot_days:
            raise KeyError(f"{snapshot.name} was not counted on {day}")
        key: tuple[int, str] = (-1, "")
        if split is not None:
            key = (snapshot.records.splits.index(split[0]), split[1])
        return self._by_day(snapshot.name).get((day, *key), 0)

    def _by_day(self, name: str) -> dict[tuple[datetime.date, int, str], int]:
        """A snapshot's numbers summed by day, and by day and each split's code (position -1
        for all), once, so each cell is a lookup (a page shows a few hundred)."""
        summed = self._summed_on.get(name)
        if summed is None:
            summed = defaultdict(int)
            for (day, codes), n in self._snapshots.get(name, {}).items():
                summed[(day, -1, "")] += n
                for position, code in enumerate(codes):
                    summed[(day, position, code)] += n
            self._summed_on[name] = summed
        return summed

    def _by_month(self, name: str) -> dict[tuple[datetime.date, int, str], int]:
        """A count's numbers summed by month, and by month and each split's code (position,
        code; position -1 for all), so each cell adds at most a year's months."""
        summed = self._summed.get(name)
        if summed is None:
            summed = defaultdict(int)
            for (month, codes), n in self._counts.get(name, {}).items():
                summed[(month, -1, "")] += n
                for position, code in enumerate(codes):
                    summed[(month, position, code)] += n
            self._summed[name] = summed
        return summed

    def _total(self, count: Count, period: Period, split: tuple[Split, str] | None = None) -> int:
        key: tuple[int, str] = (-1, "")
        if split is not None:
            key = (count.records.splits.index(split[0]), split[1])
        summed = self._by_month(count.name)
        return sum(
            summed.get((month, *key), 0)
            for month in self._months
            if period.first <= month <= period.last
        )

    def cell(
        self, measure: Measure, period: Period, split: tuple[Split, str] | None = None
    ) -> Cell:
        if isinstance(measure, Snapshot):
            return Cell(measure, self._on(measure, period.last, split))
        if isinstance(measure, PerChildren):
            return Cell(
                measure,
                self._on(measure.numerator, period.last, split),
                self._population[period.last],
            )
        if isinstance(measure, Share):
            return Cell(
                measure,
                self._on(measure.numerator, period.last, split),
                self._on(measure.denominator, period.last, split),
            )
        if isinstance(measure, Rate | Mean):
            return Cell(
                measure,
                self._total(measure.numerator, period, split),
                self._total(measure.denominator, period, split),
            )
        return Cell(measure, self._total(measure, period, split))

    def values(self, period: Period) -> dict[str, Any]:
        """The period's figures keyed by measure name (the JSON and CSV output), then the
        page's derived figures."""
        values: dict[str, Any] = {m.name: self.cell(m, period).value for m in self.page.measures}
        for derived in self.page.derived:
            values[derived.name] = derived.compute(self, period)
        return values


def figures_compute(
    *,
    page: Page,
    periods: list[Period],
    user: Any,
    days: Iterable[datetime.date] = (),
    by_month: list[Period] | None = None,
) -> Figures:
    """Every count of ``page`` over ``periods``: one query per kind of record, grouped by month
    (London dates) and split, plus one for the restricted records to leave out. Snapshots
    (children on a plan) are counted on each period's last day, each month's of the years in
    ``by_month`` (all of ``periods`` unless given: the command line needs none, a page only
    the year it shows by month) and on ``days``, one query per kind of record, and the child
    population in one more."""
    counts: dict[str, dict[MonthKey, int]] = defaultdict(dict)
    if not periods:
        return Figures(page, periods, counts)
    span = Span(min(p.first for p in periods), max(p.last for p in periods))
    hidden = hidden_person_ids(user)
    page_counts = page.counts
    for scan in _scans(page):
        records = scan[0]
        # Who is left out: in the WHERE clause if every records of the scan leaves out the
        # same rows, otherwise in each count's own FILTER.
        shared = len({(r.whole, r.person) for r in scan}) == 1
        aggregates: dict[str, Any] = {}
        mine = []
        for each in scan:
            visible = Q() if shared else _visible_q(each, hidden)
            for count in page_counts:
                if count.records.key != each.key:
                    continue
                mine.append(count)
                q = count.q(span) & visible
                # Rows are counted by their date (never null in the span) rather than their
                # id, so a covering index on the date (the front door's rows) answers alone.
                if count.total is not None:
                    aggregates[count.name] = Sum(count.total, filter=q if q else None)
                    continue
                if count.distinct and count.once is not None:
                    aggregates[count.name] = CountOf(records.date, filter=q & count.once)
                    continue
                aggregates[count.name] = CountOf(
                    count.distinct or records.date,
                    distinct=bool(count.distinct),
                    filter=q if q else None,
                )
        split_fields = [s.field for s in records.splits]
        rows = records.queryset().filter(_in_span(records, span))
        if shared:
            rows = _visible(rows, records, hidden)
        month_of, first_day = _month_of(records, span)
        rows = (
            rows.annotate(_month=month_of)
            .values("_month", *split_fields)
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            key = (first_day(row["_month"]), tuple(str(row[f] or "") for f in split_fields))
            for count in mine:
                counts[count.name][key] = counts[count.name].get(key, 0) + (row[count.name] or 0)
    on_days = _snapshot_days(periods if by_month is None else by_month, days, periods)
    snapshots, population = _snapshots_compute(page, on_days, hidden)
    return Figures(page, periods, counts, snapshots, population, on_days)


def _snapshot_days(
    by_month: list[Period], extra: Iterable[datetime.date], periods: list[Period]
) -> list[datetime.date]:
    """The days a page's snapshots are counted on: each period's last day, the last day of
    each month of the years ``by_month``, and any day asked for (``?on=``)."""
    days = set(extra)
    days.update(period.last for period in periods)
    for period in by_month:
        if len(period.key) == 4:  # a DfE year
            days.update(month.last for month in months_of(period))
    return sorted(days)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


CHILD_AGE_LIMIT = 18


def children_living(hidden: list[int]) -> QuerySet[Any]:
    """Children recorded and not merged into another record; restricted ones left out as for
    every figure."""
    qs = Person.objects.filter(kind=PersonKind.CHILD, merged_into__isnull=True)
    return qs.exclude(pk__in=hidden) if hidden else qs


def children_aged_0_17_on(day: datetime.date) -> Q:
    """Born on or before ``day``, not yet 18 and alive on it."""
    return Q(date_of_birth__lte=day, date_of_birth__gt=years_before(day, CHILD_AGE_LIMIT)) & (
        Q(date_of_death__isnull=True) | Q(date_of_death__gt=day)
    )


def _snapshots_compute(
    page: Page, days: list[datetime.date], hidden: list[int]
) -> tuple[dict[str, dict[MonthKey, int]], dict[datetime.date, int]]:
    """Each snapshot on each day (one query per kind of record, a filtered count per day,
    grouped by split) and the children aged 0-17 on each day (one query), if the page needs
    them."""
    snapshots: dict[str, dict[MonthKey, int]] = defaultdict(dict)
    population: dict[datetime.date, int] = {}
    page_snapshots = page.snapshots
    if not days or not page_snapshots:
        return snapshots, population
    span = Span(days[0], days[-1])
    by_records: dict[str, list[Snapshot]] = defaultdict(list)
    for snapshot in page_snapshots:
        by_records[snapshot.records.key].append(snapshot)
    for mine in by_records.values():
        records = mine[0].records
        # Rows open at some time between the first and last day, in one pass.
        overlapping = Q(**{f"{records.date}__lte": span.last}) & (
            Q(**{f"{mine[0].end}__isnull": True}) | Q(**{f"{mine[0].end}__gt": span.first})
        )
        # Open on the day first: a snapshot's own filter (a subquery, perhaps) is then
        # evaluated only for the rows open that day. The filter sees the day as its span.
        aggregates = {
            f"s{i}_{d}": CountOf("pk", filter=snapshot.open_on(day) & snapshot.q(Span(day, day)))
            for i, snapshot in enumerate(mine)
            for d, day in enumerate(days)
        }
        split_fields = [s.field for s in records.splits]
        qs = _visible(records.queryset().filter(overlapping), records, hidden)
        if split_fields:
            rows: Iterable[dict[str, Any]] = (
                qs.values(*split_fields).annotate(**aggregates).order_by()
            )
        else:
            # One row: counted over the rows in a subquery, so an annotation of the records
            # (a subquery of their own) is worked out once a row, not once a row a day.
            # DISTINCT changes nothing (each row has its id) but stops PostgreSQL folding the
            # subquery into the counts, which would work the annotation out once a count.
            rows = [qs.distinct().aggregate(**aggregates)]
        for row in rows:
            codes = tuple(str(row[f] or "") for f in split_fields)
            for i, snapshot in enumerate(mine):
                for d, day in enumerate(days):
                    key = (day, codes)
                    counted = snapshots[snapshot.name]
                    counted[key] = counted.get(key, 0) + row[f"s{i}_{d}"]
    if page.needs_population:
        population = _population_on(days, hidden)
    return snapshots, population


def _population_on(days: list[datetime.date], hidden: list[int]) -> dict[datetime.date, int]:
    """Children aged 0-17 on each of ``days`` (sorted), as ``children_aged_0_17_on`` counts
    them. The database groups the children by dates of birth and death (a few thousand rows
    for a county, rather than a filtered count per day over every child); each group counts on
    the days from its birth to the day before its 18th birthday or death."""
    groups = (
        children_living(hidden)
        .filter(
            date_of_birth__lte=days[-1],
            date_of_birth__gt=years_before(days[0], CHILD_AGE_LIMIT),
        )
        .values_list("date_of_birth", "date_of_death")
        .annotate(n=CountOf("pk"))
        .order_by()
    )
    # A difference array over the days: +n where a group starts counting, -n where it stops.
    change = [0] * (len(days) + 1)
    for born, died, n in groups:
        stops = _birthday(born, CHILD_AGE_LIMIT)
        if died is not None and died < stops:
            stops = died
        change[bisect_left(days, born)] += n
        change[bisect_left(days, stops)] -= n
    population: dict[datetime.date, int] = {}
    running = 0
    for day, delta in zip(days, change, strict=False):
        running += delta
        population[day] = running
    return population


def _birthday(born: datetime.date, years: int) -> datetime.date:
    """The day a child born on ``born`` turns ``years`` (1 March for 29 February in a common
    year: the first day ``years_before`` no longer counts them)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return datetime.date(born.year + years, 3, 1)


# -- the rows behind a number --------------------------------------------------------------------


def measure_rows(
    *,
    measure: Measure,
    period: Period,
    user: Any,
    split: tuple[Split, str] | None = None,
    denominator: bool = False,
) -> QuerySet[Any]:
    """The rows a number counts (a rate's numerator, or its denominator if asked), as dicts:
    child_id, given_names, family_name, date_of_birth, event, team; oldest event first.
    A snapshot lists the rows open on the period's last day."""
    if isinstance(measure, Snapshot | PerChildren | Share):
        return snapshot_rows(
            measure=measure, day=period.last, user=user, split=split, denominator=denominator
        )
    if isinstance(measure, Rate | Mean):
        count = measure.denominator if denominator else measure.numerator
    else:
        count = measure
    records = count.records
    span = Span(period.first, period.last)
    qs = _records_in(records, span, hidden_person_ids(user))
    qs = qs.filter(count.q(span))
    if split is not None:
        qs = qs.filter(**{split[0].field: split[1]})
    return _child_rows(qs, records)


def _child_rows(qs: QuerySet[Any], records: Any) -> QuerySet[Any]:
    """The rows behind a number, as the dicts the lists and CSVs show."""
    person = records.person
    return qs.values(
        row_id=F("pk"),
        child_id=F(f"{person}_id"),
        given_names=F(f"{person}__given_names"),
        family_name=F(f"{person}__family_name"),
        date_of_birth=F(f"{person}__date_of_birth"),
        event=F(records.date),
        team_name=F(f"{records.team}__name"),
    ).order_by("event", "row_id")


def snapshot_rows(
    *,
    measure: Snapshot | PerChildren | Share,
    day: datetime.date,
    user: Any,
    split: tuple[Split, str] | None = None,
    denominator: bool = False,
) -> QuerySet[Any]:
    """The rows open on ``day`` (children on a plan), or for a rate per 10,000 children and
    ``denominator``, the children aged 0-17 on that day; the same dicts as ``measure_rows``."""
    hidden = hidden_person_ids(user)
    if isinstance(measure, PerChildren) and denominator:
        return (
            children_living(hidden)
            .filter(children_aged_0_17_on(day))
            .values(
                "given_names",
                "family_name",
                "date_of_birth",
                row_id=F("pk"),
                child_id=F("pk"),
                event=F("date_of_birth"),
                event_is_birth=Value(True),
                team_name=Value("", output_field=CharField()),
            )
            .order_by("event", "row_id")
        )
    if isinstance(measure, Share):
        snapshot = measure.denominator if denominator else measure.numerator
    elif isinstance(measure, PerChildren):
        snapshot = measure.numerator
    else:
        snapshot = measure
    records = snapshot.records
    span = Span(day, day)
    qs = _visible(records.queryset(), records, hidden).filter(
        snapshot.open_on(day) & snapshot.q(span)
    )
    if split is not None:
        qs = qs.filter(**{split[0].field: split[1]})
    return _child_rows(qs, records)


def rows_for_user(
    rows: Iterable[dict[str, Any]], *, user: Any, request: Any = None, detail: str
) -> Iterator[dict[str, Any]]:
    """The rows behind a number as ``user`` may see them. Every row counted is listed with its
    Haven ID and the measure's own fields (an analyst checking a figure needs those); the
    child's name and date of birth only where the user may open the record (``may_open``).
    Each child listed is written to the access log."""
    for chunk in in_chunks(rows):
        yield from _seen_by(chunk, user, request, detail)


def in_chunks(items: Iterable[Any], size: int = 2000) -> Iterator[list[Any]]:
    """A long stream of rows a list at a time, so each list is checked and logged in one go."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _seen_by(
    chunk: list[dict[str, Any]], user: Any, request: Any, detail: str
) -> list[dict[str, Any]]:
    ids = [row["child_id"] for row in chunk]
    access_log_listed(user=user, person_ids=ids, request=request, detail=detail)
    visible = visible_ids(user, ids)
    return [
        {**row, "may_open": True}
        if row["child_id"] in visible
        else {
            **row,
            "given_names": "",
            "family_name": "",
            "date_of_birth": None,
            "event": None if row.get("event_is_birth") else row["event"],
            "may_open": False,
        }
        for row in chunk
    ]


def rows_as_csv(rows: Iterable[dict[str, Any]], date_label: str) -> Iterator[list[str]]:
    yield ["Haven ID", "Given names", "Family name", "Date of birth", date_label, "Team"]
    for row in rows:
        event = row["event"]
        if isinstance(event, datetime.datetime):
            event = event.astimezone(LONDON).date()
        born = row["date_of_birth"]
        yield [
            str(row["child_id"]),
            row["given_names"],
            row["family_name"],
            born.strftime("%d/%m/%Y") if born else "",
            event.strftime("%d/%m/%Y") if event else "",
            row["team_name"] or "",
        ]
