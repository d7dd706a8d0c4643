"""The missing children figures, registered as the performance page "missing" (``haven figures
missing``; /performance/figures/missing/), counted from the episodes and return home interviews
every time. haven.exploitation adds its screenings and referrals to the same page.

Choices made where the DfE leaves room, each said on the page as a hint:

- An episode is placed by the London date it began (episodes), or it ended (returns).
- Children: each child once a year (1 April to 31 March), in the month of their first
  episode of that kind in the year; missing (M) and away (A) counted separately.
- Looked after: a period of care open on the day the episode began (started on or before it,
  not ended or ended after it).
- A return home interview is offered in time if offered within 72 hours of the return (hours
  elapsed, weekends included); accepted is of those offered.
- A repeat missing child: an episode began when the setting's count of episodes (3) had
  begun in its days (90) including it; each child once a year, on the first such episode.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from haven.care.models import CarePeriod
from haven.missing import codes
from haven.missing.models import RHI_OFFER_WITHIN, MissingEpisode
from haven.missing.selectors import repeat_rule
from haven.performance.measures import Count as CountMeasure
from haven.performance.measures import Page, Rate, Records, Reference, Span, Split


class LookedAfter(models.TextChoices):
    YES = "Y", "Looked after"
    NO = "N", "Not looked after"


def london_date(expression: Any) -> Func:
    return Func(
        expression,
        template="(%(expressions)s AT TIME ZONE 'Europe/London')::date",
        output_field=DateField(),
    )


def dfe_year_began(expression: Any) -> Func:
    """The London midnight starting 1 April of the DfE year the moment falls in."""
    return Func(
        expression,
        template="make_timestamptz(extract(year from ((%(expressions)s AT TIME ZONE "
        "'Europe/London') - interval '3 months'))::int, 4, 1, 0, 0, 0, 'Europe/London')",
        output_field=DateTimeField(),
    )


def looked_after_when_began() -> Exists:
    day = london_date(OuterRef("started_at"))
    return Exists(
        CarePeriod.objects.filter(person=OuterRef("person"), start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=day)
        )
    )


def _with_looked_after(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.annotate(
        looked_after=Case(
            When(looked_after_when_began(), then=Value(LookedAfter.YES)),
            default=Value(LookedAfter.NO),
            output_field=CharField(),
        )
    )


def _episodes() -> QuerySet[Any]:
    return _with_looked_after(MissingEpisode.objects.all())


def _returns() -> QuerySet[Any]:
    return _with_looked_after(MissingEpisode.objects.filter(ended_at__isnull=False))


def _in_window() -> Subquery:
    """How many of the child's episodes began in the setting's days up to this one's start
    (this one included)."""
    days = repeat_rule().window
    began = OuterRef("started_at")
    return Subquery(
        MissingEpisode.objects.filter(
            person=OuterRef("person"),
            started_at__lte=began,
            started_at__gt=ExpressionWrapper(began - Value(days), output_field=DateTimeField()),
        )
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def _repeats() -> QuerySet[Any]:
    return MissingEpisode.objects.alias(in_window=_in_window())


LOOKED_AFTER_SPLIT = Split(
    "looked_after",
    "Looked after when it began",
    "looked_after",
    LookedAfter,
    hint="A period of care open on the day the episode began",
)
EPISODES = Records(
    key="missing_episodes",
    queryset=_episodes,
    date="started_at",
    date_label="Went missing",
    team="team",
    worker=None,
    splits=(LOOKED_AFTER_SPLIT,),
)
RETURNS = Records(
    key="missing_returns",
    queryset=_returns,
    date="ended_at",
    date_label="Returned",
    team="team",
    worker=None,
    splits=(LOOKED_AFTER_SPLIT,),
)
REPEATS = Records(
    key="missing_repeats",
    queryset=_repeats,
    date="started_at",
    date_label="Episode that made it a repeat",
    team="team",
    worker=None,
)


def _first_in_year(kind: str) -> Q:
    earlier = MissingEpisode.objects.filter(
        person=OuterRef("person"),
        kind=kind,
        started_at__lt=OuterRef("started_at"),
        started_at__gte=dfe_year_began(OuterRef("started_at")),
    )
    return Q(kind=kind) & ~Q(Exists(earlier))


def _first_repeat_in_year(span: Span) -> Q:
    episodes = repeat_rule().episodes
    earlier = _repeats().filter(
        in_window__gte=episodes,
        person=OuterRef("person"),
        started_at__lt=OuterRef("started_at"),
        started_at__gte=dfe_year_began(OuterRef("started_at")),
    )
    return Q(in_window__gte=episodes) & ~Q(Exists(earlier))


def _interview_due() -> Func:
    # An interval in hours, so that PostgreSQL adds hours elapsed whatever the session's zone.
    hours = int(RHI_OFFER_WITHIN.total_seconds() // 3600)
    return Func(
        F("ended_at"),
        template=f"(%(expressions)s + interval '{hours} hours')",
        output_field=DateTimeField(),
    )


LOOKED_AFTER = Q(looked_after=LookedAfter.YES)
EACH_CHILD_ONCE = "Each child once a year, in the month of their first such episode in the year"
M, A = codes.MissingKind.MISSING, codes.MissingKind.AWAY

missing_children = CountMeasure(
    "missing_children",
    "Children who went missing",
    EPISODES,
    where=_first_in_year(M),
    hint=EACH_CHILD_ONCE,
)
away_children = CountMeasure(
    "away_children",
    "Children away without authorisation",
    EPISODES,
    where=_first_in_year(A),
    hint=EACH_CHILD_ONCE,
)
missing_episodes = CountMeasure("missing_episodes", "Missing episodes", EPISODES, where=Q(kind=M))
away_episodes = CountMeasure(
    "away_episodes", "Episodes away without authorisation", EPISODES, where=Q(kind=A)
)
returns = CountMeasure("missing_returns", "Returns from an episode", RETURNS)
offered = CountMeasure(
    "rhi_offered",
    "Return home interviews offered",
    RETURNS,
    where=Q(return_interview__isnull=False),
)
offered_in_time = CountMeasure(
    "rhi_offered_within_72h",
    "Return home interviews offered within 72 hours",
    RETURNS,
    where=Q(return_interview__offered_at__lte=_interview_due()),
)
accepted = CountMeasure(
    "rhi_accepted",
    "Return home interviews accepted",
    RETURNS,
    where=Q(return_interview__accepted=True),
)
repeat_children = CountMeasure(
    "repeat_missing_children",
    "Repeat missing children",
    REPEATS,
    where=_first_repeat_in_year,
    hint="Children with 3 or more episodes in 90 days (the settings "
    "HAVEN_REPEAT_MISSING_EPISODES and HAVEN_REPEAT_MISSING_DAYS); each child once a year",
)


def _looked_after(count: CountMeasure, name: str, label: str) -> CountMeasure:
    where = count.where
    assert isinstance(where, Q)
    return CountMeasure(name, label, count.records, where=where & LOOKED_AFTER, hint=count.hint)


PAGE = Page(
    key="missing",
    title="Missing children and exploitation",
    measures=[
        missing_children,
        _looked_after(missing_children, "missing_children_looked_after", "Of those, looked after"),
        away_children,
        _looked_after(away_children, "away_children_looked_after", "Of those, looked after"),
        missing_episodes,
        _looked_after(missing_episodes, "missing_episodes_looked_after", "Of those, looked after"),
        away_episodes,
        _looked_after(away_episodes, "away_episodes_looked_after", "Of those, looked after"),
        returns,
        offered,
        Rate(
            "rhi_offered_within_72h_pct",
            "Return home interviews offered within 72 hours",
            offered_in_time,
            returns,
            hint="Of returns from an episode (missing or away), those after which a return home "
            "interview was offered within 72 hours",
            england=Reference(63, "England, about 63%"),
        ),
        Rate(
            "rhi_accepted_pct",
            "Return home interviews accepted",
            accepted,
            offered,
            hint="Of return home interviews offered after a return in the period, those the "
            "child accepted",
        ),
        repeat_children,
    ],
)
