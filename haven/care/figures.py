"""The children looked after figures (DfE SSDA903 definitions, looked-after.md "Measures"),
registered as the performance page "care" (``haven figures care``; /performance/figures/care/).

Counted from the derived SSDA903 episodes, the placements and the statutory work themselves,
never from figures typed in. Choices made where the DfE leaves room, each said on the page as a
hint:

- Looked after on a day: an episode open at the end of the day (started on or before it, and
  not ended, or ended after it: an episode ending on 31 March is not counted at 31 March).
  Episodes under short-break legal statuses (V3, V4) are left out of every measure.
- Started and ceased: a child counted once a year, on their first start and their last
  ceasing in the year (1 April to 31 March), as the DfE counts children.
- Placements in the 12 months to a day: the placement the child was in on the first day, plus
  each episode that started with a new carer (RNE S, P or B); a move with the same carer (T, U,
  placed for adoption with the foster carer) is not a new placement.
- Long-term stability: children under 16 looked after for 2 and a half years or more, living
  in the same placement for 2 years or more (placed for adoption: that placement and the one
  before it together).
- A health assessment or a PEP meeting is in time if held by the date it was due, which is
  recorded with it (haven.care.health: the initial assessment 20 working days from becoming
  looked after, reviews 6-monthly under 5 and yearly from 5; PEPs termly).
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
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
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, LessThanOrEqual

from haven.care import codes
from haven.care.health_selectors import HEALTH_ASSESSMENT_IN_TIME, PEP_IN_TIME
from haven.care.models import (
    CareReview,
    CareVisit,
    Episode,
    HealthKind,
    HealthRecord,
    PersonalEducationPlan,
    Placement,
)
from haven.care.sufficiency import IN_HOUSE
from haven.core.calendar import add_calendar_months
from haven.performance.measures import (
    Count as CountMeasure,
)
from haven.performance.measures import (
    Derived,
    Mean,
    Page,
    PerChildren,
    Rate,
    Records,
    Reference,
    Share,
    Snapshot,
    Span,
    Split,
)
from haven.performance.selectors import years_before

SHORT_BREAKS = sorted(codes.SHORT_BREAKS)
# Episodes that start with a new carer (or a new period of care): a new placement.
NEW_PLACEMENT = ("S", "P", "B")
LONG_TERM_UNDER_AGE = 16
LONG_TERM_LOOKED_AFTER_MONTHS = 30
LONG_TERM_SAME_PLACEMENT_YEARS = 2
MILES_FROM_HOME = 20
HEALTH_ASSESSMENTS = (HealthKind.INITIAL_ASSESSMENT, HealthKind.REVIEW_ASSESSMENT)
ADOPTION_WITHIN_MONTHS = 14

# Why a period of care ended (a split of "ceased"): X1 only ends an episode inside a period.
ReasonCeased = models.TextChoices(  # type: ignore[call-overload]
    "ReasonCeased",
    [(c.name, (c.value, c.label)) for c in codes.ReasonEpisodeCeased if c.value != "X1"],
)
# Legal statuses counted among children looked after (a split of the counts on a day).
LegalStatusCounted = models.TextChoices(  # type: ignore[call-overload]
    "LegalStatusCounted",
    [(c.name, (c.value, c.label)) for c in codes.LegalStatus if c not in codes.SHORT_BREAKS],
)
TEAM = "period__referral__team"


# -- expressions --------------------------------------------------------------------------------


def months_after(expression: Any, months: int) -> Func:
    return Func(
        expression,
        template=f"(%(expressions)s + interval '{int(months)} months')::date",
        output_field=DateField(),
    )


def dfe_year_start(expression: Any) -> Func:
    """1 April of the DfE year (April to March) the date falls in."""
    return Func(
        expression,
        template="make_date(extract(year from (%(expressions)s - interval '3 months'))::int, 4, 1)",
        output_field=DateField(),
    )


def placements_in_12_months(day: datetime.date, person: str = "person") -> Any:
    """How many placements the child (``OuterRef(person)``) had in the 12 months up to and
    including ``day``: the one they were in on the first day, plus each new carer since."""
    first = years_before(day, 1) + datetime.timedelta(days=1)
    started = (
        Episode.objects.filter(
            person=OuterRef(person), rne__in=NEW_PLACEMENT, decom__gt=first, decom__lte=day
        )
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    in_one_on_first_day = Episode.objects.filter(
        Q(dec__isnull=True) | Q(dec__gt=first), person=OuterRef(person), decom__lte=first
    )
    return Coalesce(Subquery(started, output_field=IntegerField()), Value(0)) + Case(
        When(Exists(in_one_on_first_day), then=Value(1)), default=Value(0)
    )


# -- records ------------------------------------------------------------------------------------


def _looked_after() -> QuerySet[Any]:
    return Episode.objects.exclude(ls__in=SHORT_BREAKS)


def _looked_after_with_placement_history() -> QuerySet[Any]:
    """Episodes, each with the day the child's third-latest placement (up to the episode's
    start) ended: with the one before it and the current one, that makes 3 placements in the
    12 months to a day exactly when it ended after the first of those 12 months (the child
    was in it on that day, or it started later). One subquery a row, not one a row a day."""
    starts = Episode.objects.filter(
        person=OuterRef("person"), rne__in=NEW_PLACEMENT, decom__lte=OuterRef("decom")
    ).order_by("-decom")
    before_second = Episode.objects.filter(
        person=OuterRef("person"), decom__lt=OuterRef("second_placement_from")
    ).order_by("-decom")
    return (
        _looked_after()
        .alias(second_placement_from=Subquery(starts.values("decom")[1:2]))
        .annotate(third_placement_ended=Subquery(before_second.values("dec")[:1]))
    )


def _started() -> QuerySet[Any]:
    return Episode.objects.filter(rne="S").exclude(ls__in=SHORT_BREAKS)


def _ceased() -> QuerySet[Any]:
    return Episode.objects.filter(dec__isnull=False).exclude(rec="X1").exclude(ls__in=SHORT_BREAKS)


def _health_assessments() -> QuerySet[Any]:
    return HealthRecord.objects.filter(kind__in=HEALTH_ASSESSMENTS)


def _placed_for_adoption() -> QuerySet[Any]:
    # By app label, as the care models name carers' models: haven.adoption builds on care.
    plans = apps.get_model("adoption", "AdoptionPlan")
    return plans.objects.filter(placed_on__isnull=False)


NEED = Split("need", "Category of need", "cin", codes.CategoryOfNeed)
LOOKED_AFTER = Records(
    key="cla",
    queryset=_looked_after,
    date="decom",
    date_label="Episode start",
    team=TEAM,
    worker=None,
    splits=(Split("legal_status", "Legal status", "ls", LegalStatusCounted), NEED),
)
STARTED = Records(
    key="cla_started",
    queryset=_started,
    date="decom",
    date_label="Date became looked after",
    team=TEAM,
    worker=None,
    splits=(NEED,),
)
CEASED = Records(
    key="cla_ceased",
    queryset=_ceased,
    date="dec",
    date_label="Date ceased to be looked after",
    team=TEAM,
    worker=None,
    splits=(Split("reason", "Reason ceased to be looked after", "rec", ReasonCeased),),
)
VISITS = Records(
    key="care_visits",
    queryset=CareVisit.objects.all,
    date="visited_on",
    date_label="Visit date",
    team=TEAM,
)
REVIEWS = Records(
    key="care_reviews",
    queryset=CareReview.objects.all,
    date="held_on",
    date_label="Review held",
    team=TEAM,
    worker="chair",
)
HEALTH = Records(
    key="health_assessments",
    queryset=_health_assessments,
    date="on",
    date_label="Health assessment",
    team=TEAM,
    worker=None,
)
PEPS = Records(
    key="peps",
    queryset=PersonalEducationPlan.objects.all,
    date="held_on",
    date_label="PEP meeting held",
    team=TEAM,
    worker=None,
)
# The same episodes, for the placement stability counts (no splits: counted once a row).
PLACEMENT_HISTORY = Records(
    key="cla_placement_history",
    queryset=_looked_after_with_placement_history,
    date="decom",
    date_label="Episode start",
    team=TEAM,
    worker=None,
)
ADOPTIONS = Records(
    key="placed_for_adoption",
    queryset=_placed_for_adoption,
    date="placed_on",
    date_label="Placed for adoption",
    team=TEAM,
    worker=None,
)


# -- filters ------------------------------------------------------------------------------------


def _first_start_in_year() -> Q:
    # The same year compared as an expression, not a range of dates: PostgreSQL then finds the
    # child's few episodes by the child, rather than every episode of the year by date.
    earlier = _started().filter(
        Exact(dfe_year_start(F("decom")), dfe_year_start(OuterRef("decom"))),
        person=OuterRef("person"),
        decom__lt=OuterRef("decom"),
    )
    return ~Q(Exists(earlier))


def _last_ceasing_in_year() -> Q:
    later = _ceased().filter(
        Exact(dfe_year_start(F("dec")), dfe_year_start(OuterRef("dec"))),
        person=OuterRef("person"),
        dec__gt=OuterRef("dec"),
    )
    return ~Q(Exists(later))


def _uasc_on(span: Span) -> Q:
    # A join (a child has one UASC status), not a subquery a row a day.
    day = span.last
    return Q(person__uasc__arrived_on__lte=day) & (
        Q(person__uasc__ceased_on__isnull=True) | Q(person__uasc__ceased_on__gt=day)
    )


def _three_or_more_placements(span: Span) -> Q:
    first = years_before(span.last, 1) + datetime.timedelta(days=1)
    return Q(third_placement_ended__gt=first)


def _long_term_cohort(span: Span) -> Q:
    day = span.last
    return Q(
        person__date_of_birth__gt=years_before(day, LONG_TERM_UNDER_AGE),
        period__start_date__lte=add_calendar_months(day, -LONG_TERM_LOOKED_AFTER_MONTHS),
    )


def _long_term_same_placement(span: Span) -> Q:
    since = years_before(span.last, LONG_TERM_SAME_PLACEMENT_YEARS)
    # Placed for adoption: the adoption placement and the one before it count together.
    before_adoption = Placement.objects.filter(
        person=OuterRef("person"), end_date=OuterRef("placement__start_date"), start_date__lte=since
    )
    same = Q(placement__start_date__lte=since) | Q(
        Q(placement__place__in=codes.ADOPTION_PLACEMENTS) & Q(Exists(before_adoption))
    )
    return _long_term_cohort(span) & same


def _in_house() -> Q:
    # The sufficiency view's definition (one for both): a hashed list of in-house placements.
    return Q(placement__in=Placement.objects.filter(IN_HOUSE).values("pk"))


def _placed_within_14_months() -> Q:
    return Q(
        LessThanOrEqual(
            F("placed_on"), months_after(F("period__start_date"), ADOPTION_WITHIN_MONTHS)
        )
    )


# -- the measures -------------------------------------------------------------------------------

AT_THE_END_OF_THE_DAY = (
    "On the last day of the period (31 March for a year; the month's last day by month): an "
    "episode open at the end of that day; short breaks (V3, V4) are not counted"
)

looked_after = Snapshot(
    "cla_at_year_end", "Children looked after", LOOKED_AFTER, end="dec", hint=AT_THE_END_OF_THE_DAY
)
uasc = Snapshot(
    "uasc_at_year_end",
    "Unaccompanied asylum-seeking children looked after",
    LOOKED_AFTER,
    end="dec",
    where=_uasc_on,
    hint="Children looked after whose UASC status was open on the day",
)
three_plus = Snapshot(
    "cla_3_plus_placements",
    "Children looked after with 3 or more placements in the 12 months",
    PLACEMENT_HISTORY,
    end="dec",
    where=_three_or_more_placements,
    hint="The placement on the first day of the 12 months, and each new carer since",
)
long_term = Snapshot(
    "cla_under_16_looked_after_2_5_years",
    "Children under 16 looked after for 2 and a half years or more",
    LOOKED_AFTER,
    end="dec",
    where=_long_term_cohort,
)
long_term_same = Snapshot(
    "cla_under_16_same_placement_2_years",
    "Of those, in the same placement for 2 years or more",
    LOOKED_AFTER,
    end="dec",
    where=_long_term_same_placement,
)
within_20 = Snapshot(
    "placed_within_20_miles",
    "Placed 20 miles or less from home",
    LOOKED_AFTER,
    end="dec",
    where=Q(placement__distance_miles__lte=MILES_FROM_HOME),
)
over_20 = Snapshot(
    "placed_over_20_miles",
    "Placed more than 20 miles from home",
    LOOKED_AFTER,
    end="dec",
    where=Q(placement__distance_miles__gt=MILES_FROM_HOME),
    hint="Straight-line distance between the home and placement postcodes",
)
distance_unknown = Snapshot(
    "placed_distance_not_known",
    "Distance from home not known",
    LOOKED_AFTER,
    end="dec",
    where=Q(placement__distance_miles__isnull=True),
    hint="A postcode missing or not found",
)
in_house = Snapshot(
    "placed_in_house",
    "Placed with the council's own foster carers or in its own homes",
    LOOKED_AFTER,
    end="dec",
    where=_in_house(),
)
started = CountMeasure(
    "cla_started",
    "Children who started to be looked after",
    STARTED,
    where=_first_start_in_year(),
    hint="Each child once a year, on their first start; short breaks not counted",
)
ceased = CountMeasure(
    "cla_ceased",
    "Children who ceased to be looked after",
    CEASED,
    where=_last_ceasing_in_year(),
    hint="Each child once a year, on their last ceasing; short breaks not counted",
)
visits = CountMeasure("care_visits", "Statutory visits", VISITS)
visits_in_time = CountMeasure(
    "care_visits_in_time",
    "Statutory visits in time",
    VISITS,
    where=Q(visited_on__lte=F("due_date")),
)
reviews = CountMeasure("care_reviews", "Reviews held", REVIEWS)
reviews_in_time = CountMeasure(
    "care_reviews_in_time", "Reviews held in time", REVIEWS, where=Q(held_on__lte=F("due_date"))
)
health = CountMeasure("health_assessments", "Health assessments", HEALTH)
health_in_time = CountMeasure(
    "health_assessments_in_time",
    "Health assessments in time",
    HEALTH,
    where=HEALTH_ASSESSMENT_IN_TIME,
)
peps = CountMeasure("peps", "Personal education plan meetings", PEPS)
peps_in_time = CountMeasure(
    "peps_in_time",
    "Personal education plan meetings in time",
    PEPS,
    where=PEP_IN_TIME,
)
placed_for_adoption = CountMeasure("placed_for_adoption", "Children placed for adoption", ADOPTIONS)
days_to_placed_for_adoption = CountMeasure(
    "days_entering_care_to_placed_for_adoption",
    "Days from entering care to being placed for adoption",
    ADOPTIONS,
    total=Func(
        F("placed_on"),
        F("period__start_date"),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    ),
)
placed_within_14_months = CountMeasure(
    "placed_for_adoption_within_14_months",
    "Placed for adoption within 14 months of entering care",
    ADOPTIONS,
    where=_placed_within_14_months(),
)


def nts_threshold_children(population: int, pct: float | None = None) -> int:
    """The National Transfer Scheme threshold in whole children: a percentage (the setting's
    unless given) of the children aged 0-17 that the per-10,000 rates count, rounded down. The
    NTS view (haven.uasc) uses it too."""
    share = float(settings.HAVEN_NTS_THRESHOLD_PCT) if pct is None else pct
    return math.floor(population * share / 100)


def _nts_threshold_children(figures: Any, period: Any) -> int | None:
    cell = figures.cell(figures.page["uasc_per_10000"], period)
    if not cell.denominator:
        return None
    return nts_threshold_children(cell.denominator)


def _nts_headroom(figures: Any, period: Any) -> int | None:
    threshold = _nts_threshold_children(figures, period)
    if threshold is None:
        return None
    return threshold - figures.cell(figures.page["uasc_at_year_end"], period).numerator


def nts_threshold() -> Reference:
    pct = float(settings.HAVEN_NTS_THRESHOLD_PCT)
    return Reference(
        pct * 100, f"National Transfer Scheme threshold, {pct:g}% ({pct * 100:g} per 10,000)"
    )


def care_page() -> Page:
    """The page's measures (built when the app is ready, as the NTS threshold is a setting)."""
    return Page(
        key="care",
        title="Children looked after",
        derived=[
            Derived(
                "nts_threshold",
                "National Transfer Scheme threshold (children)",
                _nts_threshold_children,
                hint=f"{float(settings.HAVEN_NTS_THRESHOLD_PCT):g}% of the children aged 0 to 17 "
                "on the last day",
            ),
            Derived(
                "nts_headroom",
                "Unaccompanied asylum-seeking children the council may still take",
                _nts_headroom,
                hint="The threshold less the unaccompanied asylum-seeking children looked after; "
                "below 0, arrivals are transferred to other councils",
            ),
        ],
        measures=[
            looked_after,
            PerChildren(
                "cla_per_10000",
                "Children looked after per 10,000 children",
                looked_after,
                hint="Per 10,000 children aged 0 to 17 recorded in Haven on the same day",
                england=Reference(70, "England, about 70 per 10,000"),
            ),
            started,
            ceased,
            uasc,
            PerChildren(
                "uasc_per_10000",
                "Unaccompanied asylum-seeking children looked after per 10,000 children",
                uasc,
                hint="The National Transfer Scheme position: at or above the threshold, new "
                "arrivals are transferred to other councils",
                threshold=nts_threshold(),
            ),
            Share(
                "placements_3_plus_pct",
                "Children looked after with 3 or more placements in the 12 months",
                three_plus,
                looked_after,
                hint="Of children looked after on the day; a move with the same carer is not a "
                "new placement",
            ),
            Share(
                "long_term_stability_pct",
                "Long-term placement stability",
                long_term_same,
                long_term,
                hint="Of children under 16 looked after for 2 and a half years or more, those "
                "in the same placement for 2 years or more (placed for adoption: with the "
                "placement before it)",
                england=Reference(68, "England, about 68%"),
            ),
            within_20,
            over_20,
            distance_unknown,
            Share(
                "placed_over_20_miles_pct",
                "Placed more than 20 miles from home",
                over_20,
                looked_after,
                hint="Of children looked after on the day (those whose distance is not known "
                "included)",
            ),
            Share(
                "placed_in_house_pct",
                "Placed in-house",
                in_house,
                looked_after,
                hint="Of children looked after on the day, those in the council's own provision: "
                "its foster carers, its own children's homes, or provided by it (PR1)",
            ),
            Rate(
                "visits_in_time_pct",
                "Statutory visits in time",
                visits_in_time,
                visits,
                hint="Of visits made, those made by their due date (CPPCR regulation 28)",
            ),
            Rate(
                "reviews_in_time_pct",
                "Reviews in time",
                reviews_in_time,
                reviews,
                hint="Of reviews held, those held by their due date: 20 working days, then 3 "
                "months, then 6-monthly",
            ),
            Rate(
                "health_assessments_in_time_pct",
                "Health assessments in time",
                health_in_time,
                health,
                hint="Initial: within 20 working days of becoming looked after. Review: within "
                "6 months of the last (under 5) or 12 months (5 and over)",
            ),
            Rate(
                "peps_in_time_pct",
                "Personal education plans in time",
                peps_in_time,
                peps,
                hint="Of PEP meetings held, those held by their due date",
            ),
            placed_for_adoption,
            Mean(
                "adoption_days_entering_care_to_placed",
                "Average days from entering care to being placed for adoption",
                days_to_placed_for_adoption,
                placed_for_adoption,
                hint="From the start of the period of care to the day the child moved in with "
                "their adopters, for the children placed in the period",
            ),
            Rate(
                "placed_for_adoption_within_14_months_pct",
                "Placed for adoption within 14 months of entering care",
                placed_within_14_months,
                placed_for_adoption,
                hint="Of children placed for adoption, those placed within 14 months of the "
                "start of their period of care",
            ),
        ],
    )
