"""The child protection measures (DfE definitions, statutory-framework.md section 2).

Counted from the plans, conferences and visits themselves (haven.protection), never from
figures typed in. Choices made where the DfE leaves room, each said on the page as a hint:

- "Initial conferences" are initial and pre-birth conferences (both decide whether a child
  needs a plan); transfer-in conferences are left out, as the child is already on a plan.
- An initial conference is in time if held within 15 working days of the S47 enquiry's start
  (the strategy discussion that started it); one with no S47 recorded cannot be shown to be.
- A second or subsequent plan is one whose child had any earlier plan: recorded on the plan
  (``previous_plans``, the CIN census NumberOfPreviousCPP) or found in Haven's records.
- A repeat plan within 2 years (a local variant) is one whose child had a plan that ended in
  the 2 calendar years before it started.

England's figures, drawn on the charts for comparison, are the DfE's national statistics
(statutory-framework.md section 5).
"""

from __future__ import annotations

from typing import Any

from django.db.models import DateField, Exists, F, Func, OuterRef, Q, QuerySet
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

from haven.performance.expressions import WorkingDaysBetween
from haven.performance.measures import (
    Count,
    Page,
    PerChildren,
    Rate,
    Records,
    Reference,
    Snapshot,
    Span,
    Split,
    register_page,
)
from haven.protection.models import (
    CategoryOfAbuse,
    ChildProtectionPlan,
    Conference,
    ConferenceKind,
    Visit,
    VisitKind,
)

ICPC_WORKING_DAYS = 15
LONG_PLAN_YEARS = 2
REPEAT_WITHIN_YEARS = 2
# Conferences that decide whether a child needs a plan (transfer-in ones do not: the child is
# already on one).
ICPC_KINDS = (ConferenceKind.INITIAL, ConferenceKind.PRE_BIRTH)

CATEGORY_HINT = (
    "Children on a plan by their plan's latest category; plans started by their initial category."
)


def years_after(expression: Any, years: int) -> Func:
    """``expression`` plus whole calendar years (29 February + 1 year is 28 February)."""
    return Func(
        expression,
        template=f"(%(expressions)s + interval '{int(years)} years')::date",
        output_field=DateField(),
    )


def years_before(expression: Any, years: int) -> Func:
    return Func(
        expression,
        template=f"(%(expressions)s - interval '{int(years)} years')::date",
        output_field=DateField(),
    )


def _plans() -> QuerySet[Any]:
    return ChildProtectionPlan.objects.all()


def _plans_ended() -> QuerySet[Any]:
    return ChildProtectionPlan.objects.filter(end_date__isnull=False)


def _icpcs() -> QuerySet[Any]:
    return Conference.objects.filter(kind__in=ICPC_KINDS, held_on__isnull=False)


def _reviews() -> QuerySet[Any]:
    return Conference.objects.filter(kind=ConferenceKind.REVIEW, held_on__isnull=False)


def _cp_visits() -> QuerySet[Any]:
    return Visit.objects.filter(kind=VisitKind.CP)


PLANS_STARTED = Records(
    key="plans_started",
    queryset=_plans,
    date="start_date",
    date_label="Plan start date",
    team="referral__team",
    worker="lead_practitioner",
    splits=(
        Split("category", "Category of abuse", "initial_category", CategoryOfAbuse, CATEGORY_HINT),
    ),
)
# The same plans, open on a day, by the category they have now.
PLANS_OPEN = Records(
    key="plans_open",
    queryset=_plans,
    date="start_date",
    date_label="Plan start date",
    team="referral__team",
    worker="lead_practitioner",
    splits=(
        Split("category", "Category of abuse", "latest_category", CategoryOfAbuse, CATEGORY_HINT),
    ),
)
PLANS_ENDED = Records(
    key="plans_ended",
    queryset=_plans_ended,
    date="end_date",
    date_label="Plan end date",
    team="referral__team",
    worker="lead_practitioner",
)
ICPCS = Records(
    key="icpcs",
    queryset=_icpcs,
    date="held_on",
    date_label="Conference held",
    team="referral__team",
    worker="chair",
)
REVIEWS = Records(
    key="cp_reviews",
    queryset=_reviews,
    date="held_on",
    date_label="Review held",
    team="referral__team",
    worker="chair",
)
CP_VISITS = Records(
    key="cp_visits",
    queryset=_cp_visits,
    date="visited_on",
    date_label="Visit date",
    team="cp_plan__referral__team",
    worker="worker",
)


def _had_an_earlier_plan() -> Q:
    earlier = ChildProtectionPlan.objects.filter(
        person=OuterRef("person"), start_date__lt=OuterRef("start_date")
    )
    return Q(previous_plans__gte=1) | Q(Exists(earlier))


def _had_a_plan_end_within_2_years() -> Q:
    ended = ChildProtectionPlan.objects.filter(
        person=OuterRef("person"),
        end_date__lte=OuterRef("start_date"),
        end_date__gte=years_before(OuterRef("start_date"), REPEAT_WITHIN_YEARS),
    )
    return Q(Exists(ended))


def _lasted_2_years() -> Q:
    return Q(GreaterThanOrEqual(F("end_date"), years_after(F("start_date"), LONG_PLAN_YEARS)))


def _icpc_within_15_working_days(span: Span) -> Q:
    days = WorkingDaysBetween("s47__start_date", "held_on", first=span.first, last=span.last)
    return Q(LessThanOrEqual(days, ICPC_WORKING_DAYS))


on_plan = Snapshot(
    "children_on_cpp_at_year_end",
    "Children on a child protection plan",
    PLANS_OPEN,
    end="end_date",
    hint="On the last day of the period (31 March for a year; the month's last day by month): "
    "the plan started on or before that day and had not ended by it",
)
started = Count("cpp_started", "Plans started", PLANS_STARTED)
second_or_subsequent = Count(
    "cpp_second_or_subsequent",
    "Second or subsequent plans started",
    PLANS_STARTED,
    where=_had_an_earlier_plan(),
    hint="The child had a plan before, at any time",
)
repeat_within_2y = Count(
    "cpp_repeat_within_2y",
    "Plans started within 2 years of a plan ending",
    PLANS_STARTED,
    where=_had_a_plan_end_within_2_years(),
    hint="The child had a plan that ended in the 2 years before this one started",
)
ended = Count("cpp_ended", "Plans ended", PLANS_ENDED)
ended_long = Count(
    "cpp_ended_lasting_2y_plus",
    "Plans ended that lasted 2 years or more",
    PLANS_ENDED,
    where=_lasted_2_years(),
    hint="Ended on or after the second anniversary of their start",
)
icpc_held = Count(
    "icpc_held",
    "Initial conferences held",
    ICPCS,
    hint="Initial and pre-birth child protection conferences; transfer-in conferences are "
    "not counted",
)
icpc_in_time = Count(
    "icpc_within_15wd",
    "Initial conferences within 15 working days",
    ICPCS,
    where=_icpc_within_15_working_days,
    hint="Held within 15 working days of the start of the section 47 enquiry",
)
reviews_held = Count("cp_reviews_held", "Review conferences held", REVIEWS)
reviews_in_time = Count(
    "cp_reviews_in_time",
    "Review conferences held in time",
    REVIEWS,
    where=Q(held_on__lte=F("due_date")),
    hint="Held on or before the date due: 3 months after the initial conference, then at "
    "most 6 months apart",
)
visits = Count("cp_visits", "Child protection visits", CP_VISITS)
visits_in_time = Count(
    "cp_visits_in_time",
    "Child protection visits in time",
    CP_VISITS,
    where=Q(visited_on__lte=F("due_date")),
    hint="Made on or before the date due (from the plan's start or the last visit)",
)

CHILD_PROTECTION = register_page(
    Page(
        key="protection",
        title="Child protection",
        url_name="performance:child_protection",
        measures=[
            on_plan,
            PerChildren(
                "children_on_cpp_per_10000",
                "Children on a plan per 10,000 children",
                on_plan,
                hint="Per 10,000 children aged 0 to 17 recorded in Haven on the same day",
                england=Reference(41, "England, about 41 per 10,000"),
            ),
            started,
            Rate(
                "cpp_second_or_subsequent_pct",
                "Second or subsequent plans",
                second_or_subsequent,
                started,
                hint="Of plans started, those for a child who had a plan before",
            ),
            Rate(
                "cpp_repeat_within_2y_pct",
                "Repeat plans within 2 years",
                repeat_within_2y,
                started,
                hint="Of plans started, those within 2 years of an earlier plan ending (a local "
                "measure)",
            ),
            ended,
            Rate(
                "cpp_ended_lasting_2y_plus_pct",
                "Plans ended that lasted 2 years or more",
                ended_long,
                ended,
                hint="Of plans ended, those that lasted 2 years or more",
                england=Reference(4.4, "England, about 4.4%"),
            ),
            icpc_held,
            Rate(
                "icpc_within_15wd_pct",
                "Initial conferences within 15 working days",
                icpc_in_time,
                icpc_held,
                hint="Of initial and pre-birth conferences held, those within 15 working days "
                "of the section 47 enquiry's start (a conference with no enquiry recorded is "
                "not in time)",
                england=Reference(81, "England, about 81%"),
            ),
            reviews_held,
            Rate(
                "cp_reviews_in_time_pct",
                "Review conferences in time",
                reviews_in_time,
                reviews_held,
                hint="Of review conferences held, those held by their due date",
            ),
            visits,
            Rate(
                "cp_visits_in_time_pct",
                "Child protection visits in time",
                visits_in_time,
                visits,
                hint="Of child protection visits made, those made by their due date",
            ),
        ],
    )
)
