"""The measure registry: what each performance page counts, and how to list the children behind
each number.

A page (the front door now; child protection and children looked after later) registers:

- ``Records``: one kind of row that events are counted from (contact children, referrals,
  assessments), with the date that places a row in a year and month, the path to the child, and
  the columns a list or figure may be split by (the referral source);
- ``Count``: a measure that counts some of those rows (all referrals, the re-referrals);
- ``Rate``: a percentage of one count over another (re-referral rate).

The selectors count every measure of a page with one query per ``Records`` (filtered aggregates,
grouped by month and split), and list a measure's rows with the same filters, so a number and
the list behind it cannot disagree. Figures are computed from records every time.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class Span:
    """The dates (inclusive) a query covers; some filters need it (working-day arithmetic)."""

    first: datetime.date
    last: datetime.date


@dataclass(frozen=True)
class Reference:
    """A figure to compare with, drawn across a measure's chart: England's (the DfE's national
    statistics) here, or a local target from the setting ``HAVEN_PERFORMANCE_TARGETS``."""

    value: float
    label: str  # "England, about 22.5%"


# A filter on the records; a callable when it depends on the dates being counted.
Where = Q | Callable[[Span], Q]


@dataclass(frozen=True)
class Split:
    """A column a figure can be broken down by, with its code list (e.g. ReferralSource)."""

    key: str  # the query-string name: ?source=6
    label: str
    field: str  # path on the records
    choices: type[models.TextChoices]
    hint: str = ""  # shown under the table's caption


@dataclass(frozen=True)
class Records:
    """Rows that a page's counts are made of. Each row is about one child."""

    key: str
    queryset: Callable[[], models.QuerySet[Any]]
    date: str  # a DateField or DateTimeField path; datetimes are placed by their London date
    date_label: str  # the list column: "Contact received", "Referral date"
    person: str = "person"
    team: str = "team"
    worker: str | None = "worker"
    splits: tuple[Split, ...] = ()
    # Rows that stand or fall together (a contact's children: "contact"): if one is about a
    # child the user may not see, all are left out, so a contact is never half counted.
    whole: str = ""

    @property
    def many_children(self) -> bool:
        """A row can be about several children (a contact): its list has a row per child."""
        return bool(self.whole) or "__" in self.person

    def split(self, key: str) -> Split | None:
        return next((s for s in self.splits if s.key == key), None)


@dataclass(frozen=True)
class Count:
    name: str  # snake_case, the key in the JSON and CSV figures
    label: str
    records: Records
    where: Where = field(default_factory=Q)
    # Count distinct values of this field rather than rows (e.g. "person_id": children, not
    # events). Costs a sort: prefer counting rows of the right table.
    distinct: str | None = None
    # With ``distinct``: a filter that keeps exactly one row of each distinct value (a
    # contact's first child), so the figure is a plain count; the list still shows every row.
    once: Q | None = None
    hint: str = ""
    england: Reference | None = None
    # Total this expression over the rows rather than counting them (the days each child waited):
    # the numerator of a ``Mean``.
    total: Any = None

    def q(self, span: Span) -> Q:
        return self.where(span) if callable(self.where) else self.where


@dataclass(frozen=True)
class Rate:
    """``numerator`` as a percentage of ``denominator`` (both Counts on the same records)."""

    name: str
    label: str
    numerator: Count
    denominator: Count
    hint: str = ""
    england: Reference | None = None

    @property
    def records(self) -> Records:
        return self.numerator.records


@dataclass(frozen=True)
class Snapshot:
    """Rows open on a day (children on a plan at 31 March): a stock, not a flow. A period's
    figure is the count on its last day (a month's last day; 31 March, or today in the current
    year); ``records.date`` is the field that opens a row and ``end`` the one that closes it.
    A row is open on D if it opened on or before D and has not closed, or closed after D."""

    name: str
    label: str
    records: Records
    end: str
    where: Where = field(default_factory=Q)
    hint: str = ""
    england: Reference | None = None

    def q(self, span: Span) -> Q:
        return self.where(span) if callable(self.where) else self.where

    def open_on(self, day: datetime.date) -> Q:
        return Q(**{f"{self.records.date}__lte": day}) & (
            Q(**{f"{self.end}__isnull": True}) | Q(**{f"{self.end}__gt": day})
        )


@dataclass(frozen=True)
class Population:
    """The denominator of a rate per 10,000 children, for the list behind it."""

    name: str = "children_aged_0_17"
    label: str = "Children aged 0 to 17"
    hint: str = (
        "Children recorded in Haven (not merged into another record) who were born on or "
        "before the day, were not yet 18 and had not died"
    )


CHILD_POPULATION = Population()


@dataclass(frozen=True)
class PerChildren:
    """A snapshot per ``scale`` children aged 0-17 living on the same day (rate per 10,000):
    the child population is counted from the people recorded, never typed in."""

    name: str
    label: str
    numerator: Snapshot
    scale: int = 10_000
    hint: str = ""
    england: Reference | None = None
    # A line drawn on the chart other than England's (the National Transfer Scheme threshold).
    threshold: Reference | None = None

    @property
    def records(self) -> Records:
        return self.numerator.records

    @property
    def denominator(self) -> Population:
        return CHILD_POPULATION


@dataclass(frozen=True)
class Share:
    """``numerator`` as a percentage of ``denominator``, two snapshots of the same records on the
    same day (of children looked after at 31 March, those placed more than 20 miles from home).
    The numerator's rows must be some of the denominator's."""

    name: str
    label: str
    numerator: Snapshot
    denominator: Snapshot
    hint: str = ""
    england: Reference | None = None

    @property
    def records(self) -> Records:
        return self.numerator.records


@dataclass(frozen=True)
class Mean:
    """The average of ``numerator`` (a Count with a ``total``) over the rows ``denominator``
    counts (the same rows): average days from entering care to being placed for adoption."""

    name: str
    label: str
    numerator: Count
    denominator: Count
    unit: str = "days"
    hint: str = ""
    england: Reference | None = None

    @property
    def records(self) -> Records:
        return self.numerator.records


Measure = Count | Rate | Snapshot | PerChildren | Share | Mean
# Measures counted on a day (snapshots), rather than over a period.
ON_A_DAY = (Snapshot, PerChildren, Share)


@dataclass(frozen=True)
class Derived:
    """A figure worked out from a page's other figures on a period's last day (the National
    Transfer Scheme threshold from the child population), in the JSON and CSV figures and the
    page's own table. It counts no children of its own: the figures it is made from link
    to theirs."""

    name: str
    label: str
    # (Figures, Period) -> value; a series is a list of dicts (former UASC care leavers at
    # each quarter end), kept as a list in the JSON and written "key=value; ..." in the CSV.
    compute: Callable[[Any, Any], int | float | list[dict[str, Any]] | None]
    hint: str = ""


@dataclass
class Page:
    key: str  # "frontdoor": the CLI name, and /performance/figures/frontdoor/
    title: str
    measures: list[Measure] = field(default_factory=list)
    # A page with a view of its own (child protection: counts on any day) names its URL; any
    # other registered page is shown by the generic figures page.
    url_name: str = ""
    derived: list[Derived] = field(default_factory=list)

    def measure(self, name: str) -> Measure | None:
        return next((m for m in self.measures if m.name == name), None)

    def __getitem__(self, name: str) -> Measure:
        found = self.measure(name)
        if found is None:
            raise KeyError(name)
        return found

    @property
    def counts(self) -> list[Count]:
        """Every count the page needs (rates' parts included), each once, in order."""
        found: dict[str, Count] = {}
        for measure in self.measures:
            if isinstance(measure, ON_A_DAY):
                continue  # counted on days, not over periods: see ``snapshots``
            parts = (
                [measure]
                if isinstance(measure, Count)
                else [measure.numerator, measure.denominator]
            )
            for part in parts:
                found.setdefault(part.name, part)
        return list(found.values())

    @property
    def snapshots(self) -> list[Snapshot]:
        """Every snapshot the page needs (per-children rates' numerators included), once each."""
        found: dict[str, Snapshot] = {}
        for measure in self.measures:
            if isinstance(measure, Snapshot):
                found.setdefault(measure.name, measure)
            elif isinstance(measure, PerChildren):
                found.setdefault(measure.numerator.name, measure.numerator)
            elif isinstance(measure, Share):
                found.setdefault(measure.numerator.name, measure.numerator)
                found.setdefault(measure.denominator.name, measure.denominator)
        return list(found.values())

    @property
    def needs_population(self) -> bool:
        return any(isinstance(m, PerChildren) for m in self.measures)

    @property
    def records(self) -> list[Records]:
        found: dict[str, Records] = {}
        for count in self.counts:
            found.setdefault(count.records.key, count.records)
        return list(found.values())


_pages: dict[str, Page] = {}


def register_page(page: Page) -> Page:
    existing = _pages.get(page.key)
    if existing is not None and existing is not page:
        raise ValueError(f"a performance page {page.key!r} is already registered")
    _pages[page.key] = page
    return page


def get_page(key: str) -> Page:
    return _pages[key]


def pages() -> dict[str, Page]:
    return dict(_pages)
