"""Health and education of a looked-after child: when each check is due, and the SSDA903 OC2
items computed from what was recorded (never typed).

Timescales (each a rule in ``haven.core.calendar``, so a council can change it in settings):

- initial health assessment: 20 working days from the day the child became looked after (before
  the first review, CPPCR reg 7 and the statutory guidance of 2015);
- review health assessment: 6 months after the last one for a child under 5 on the day of that
  assessment, 12 months for a child of 5 or over;
- dental check: 12 months after the last one (the child's last, whether or not in care), or
  12 months from becoming looked after when none is recorded;
- personal education plan: the first within 10 working days of becoming looked after; then each
  term. The term rule: a PEP is next due at the end of the school term after the one it was
  held in. Terms are autumn (1 September to 31 December), spring (1 January to Easter Sunday)
  and summer (Easter Monday to 31 August, ending for PEPs on 31 July: August is holiday). So a
  PEP in October is next due on Easter Sunday, one in February on 31 July, and one in May or
  August on 31 December.

OC2 (children looked after continuously for 12 months at 31 March), as the DfE's SSDA903
guidance and validation rules (data-to-insight csc-validator-be-903, rules 157-198 and 542-547)
define the items; the reference facts the tests rely on are in ``haven/care/tests/oc2_reference.md``:

- the cohort: a period of care that began on or before 1 April and was still open on 31 March,
  with no short-break episode (legal status V3 or V4) in the year;
- CONVICTED: convicted in the year; only for children aged 10 or over at 31 March (rule 542/543);
- HEALTH_CHECK (health promotion: the under-5s' development checks): only for children under 5
  at 31 March (545/546); 1 when their health assessments (which carry the development checks)
  are up to date at 31 March, that is the next one is not yet overdue;
- IMMUNISATIONS: the last immunisations check on or before 31 March found them up to date;
- TEETH_CHECK: a dental check in the year; HEALTH_ASSESSMENT: a health assessment (initial or
  review) in the year;
- SUBSTANCE_MISUSE: substance misuse identified in the year; INTERVENTION_RECEIVED then says
  whether an intervention was received, and INTERVENTION_OFFERED only when none was received
  whether one was offered (rules 158, 159, 192, 193): both blank without substance misuse;
- SDQ_SCORE or SDQ_REASON: the last questionnaire recorded in the year, for children aged 4 or
  over at 31 March and under 17 on 1 April (rules 188, 189); blank when none is recorded (the
  DfE validation then asks for one: rule 186).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dateutil.easter import easter
from django.db.models import Exists, F, OuterRef, Q, Subquery

from haven.care.models import (
    CarePeriod,
    Episode,
    HealthKind,
    HealthRecord,
    PersonalEducationPlan,
)
from haven.core.calendar import add_calendar_months, rule

ASSESSMENTS = (HealthKind.INITIAL_ASSESSMENT, HealthKind.REVIEW_ASSESSMENT)
SHORT_BREAKS = ("V3", "V4")


def age_on(born: datetime.date | None, day: datetime.date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# -- timescales ----------------------------------------------------------------------------------


def initial_health_assessment_due(period_start: datetime.date) -> datetime.date:
    return rule("care_initial_health_assessment").due_date(period_start)


def health_assessment_next_due(born: datetime.date | None, last: datetime.date) -> datetime.date:
    """6 months after ``last`` for a child under 5 on that day (or whose birth date is not
    known: the shorter interval is the safe one), else 12 months."""
    age = age_on(born, last)
    key = "care_health_review_under_5" if age is None or age < 5 else "care_health_review"
    return rule(key).due_date(last)


def dental_check_due(last: datetime.date | None, period_start: datetime.date) -> datetime.date:
    return rule("care_dental_check").due_date(last or period_start)


def first_pep_due(period_start: datetime.date) -> datetime.date:
    return rule("care_first_pep").due_date(period_start)


@functools.cache  # a few hundred days a list of thousands of plans (Easter worked out once)
def term_end(day: datetime.date) -> datetime.date:
    """The last day of the school term ``day`` falls in (see the module's term rule)."""
    easter_sunday = easter(day.year)
    if day.month >= 9:
        return datetime.date(day.year, 12, 31)
    if day <= easter_sunday:
        return easter_sunday
    return datetime.date(day.year, 7, 31)


def pep_next_due(held_on: datetime.date) -> datetime.date:
    """The end of the term after the one ``held_on`` falls in."""
    end = term_end(held_on)
    # The day after a term's end is in the next term (summer's last PEP day, 31 July, is
    # followed by the holiday, which belongs to summer: skip to September).
    following = end + datetime.timedelta(days=1)
    if end.month == 7:
        following = datetime.date(end.year, 9, 1)
    return term_end(following)


# -- what is due for one child -----------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    kind: str  # "initial_assessment", "review_assessment", "dental_check", "pep"
    label: str
    due: datetime.date

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.due < timezone.localdate()


def due_for(
    *,
    period_start: datetime.date,
    born: datetime.date | None,
    last_assessment: datetime.date | None,
    last_dental: datetime.date | None,
    last_pep: datetime.date | None,
) -> list[Due]:
    """What is next due in an open period of care, from the dates of the last of each kind:
    one function for the child's page, "my work" and the services (which store ``due_date``).
    ``last_assessment`` and ``last_pep`` count only those since the period began."""
    if last_assessment is None:
        health = Due(
            HealthKind.INITIAL_ASSESSMENT,
            "Initial health assessment",
            initial_health_assessment_due(period_start),
        )
    else:
        health = Due(
            HealthKind.REVIEW_ASSESSMENT,
            "Review health assessment",
            health_assessment_next_due(born, last_assessment),
        )
    dental = Due(
        HealthKind.DENTAL_CHECK, "Dental check", dental_check_due(last_dental, period_start)
    )
    pep = Due(
        "pep",
        "Personal education plan review" if last_pep else "Personal education plan",
        pep_next_due(last_pep) if last_pep else first_pep_due(period_start),
    )
    return [health, dental, pep]


def _latest(kinds: Iterable[str], *, person_ref: Any, **filters: Any) -> Subquery:
    return Subquery(
        HealthRecord.objects.filter(person=person_ref, kind__in=list(kinds), **filters)
        .order_by("-on")
        .values("on")[:1]
    )


def open_periods_with_last_dates(periods: Any) -> Any:
    """``periods`` (a CarePeriod queryset) annotated with the dates ``due_for`` needs, in the
    same query: last_assessment and last_pep since the period began, last_dental ever, born."""
    return periods.annotate(
        born=F("person__date_of_birth"),
        last_assessment=_latest(
            ASSESSMENTS, person_ref=OuterRef("person_id"), on__gte=OuterRef("start_date")
        ),
        last_dental=_latest((HealthKind.DENTAL_CHECK,), person_ref=OuterRef("person_id")),
        last_pep=Subquery(
            PersonalEducationPlan.objects.filter(period=OuterRef("pk"))
            .order_by("-held_on")
            .values("held_on")[:1]
        ),
    )


def due_for_row(row: Any) -> list[Due]:
    """``due_for`` of a period annotated by ``open_periods_with_last_dates`` (a model or a
    ``values()`` dict)."""
    values: dict[str, Any] = row if isinstance(row, dict) else row.__dict__
    return due_for(
        period_start=values["start_date"],
        born=values["born"],
        last_assessment=values["last_assessment"],
        last_dental=values["last_dental"],
        last_pep=values["last_pep"],
    )


# -- OC2 -----------------------------------------------------------------------------------------

OC2_COLUMNS = (
    "CHILD",
    "DOB",
    "SDQ_SCORE",
    "SDQ_REASON",
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
)


@dataclass(frozen=True)
class OC2Row:
    """One child's OC2 items: 1 or 0, or None where the item is left blank for them."""

    person_id: int
    date_of_birth: datetime.date | None
    sdq_score: int | None
    sdq_reason: str
    convicted: int | None
    health_check: int | None
    immunisations: int
    teeth_check: int
    health_assessment: int
    substance_misuse: int
    intervention_received: int | None
    intervention_offered: int | None

    def as_903(self, child: str | None = None) -> dict[str, str]:
        """The row as the OC2 table's columns (dates dd/mm/YYYY, blanks as "")."""

        def text(value: int | None) -> str:
            return "" if value is None else str(value)

        return {
            "CHILD": child if child is not None else str(self.person_id),
            "DOB": self.date_of_birth.strftime("%d/%m/%Y") if self.date_of_birth else "",
            "SDQ_SCORE": text(self.sdq_score),
            "SDQ_REASON": self.sdq_reason,
            "CONVICTED": text(self.convicted),
            "HEALTH_CHECK": text(self.health_check),
            "IMMUNISATIONS": text(self.immunisations),
            "TEETH_CHECK": text(self.teeth_check),
            "HEALTH_ASSESSMENT": text(self.health_assessment),
            "SUBSTANCE_MISUSE": text(self.substance_misuse),
            "INTERVENTION_RECEIVED": text(self.intervention_received),
            "INTERVENTION_OFFERED": text(self.intervention_offered),
        }


def year_start_for(year_end: datetime.date) -> datetime.date:
    """1 April before ``year_end`` (31 March): the first day of the collection year."""
    return add_calendar_months(year_end, -12) + datetime.timedelta(days=1)


def oc2_cohort(year_end: datetime.date) -> Any:
    """Periods of care of the children looked after continuously for 12 months at
    ``year_end``: begun on or before the year's first day, still looked after on its last (a
    period ending on 31 March itself counts, as the DfE's rules read an episode that ceased that
    day: rule 191 asks for its OC2 items), with no short-break episode in the year."""
    year_start = year_start_for(year_end)
    short_break = Episode.objects.filter(
        period=OuterRef("pk"), ls__in=SHORT_BREAKS, decom__lte=year_end
    ).filter(Q(dec__isnull=True) | Q(dec__gte=year_start))
    return (
        CarePeriod.objects.filter(start_date__lte=year_start)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=year_end))
        .exclude(Exists(short_break))
    )


def oc2_rows(year_end: datetime.date, person_ids: Iterable[int] | None = None) -> list[OC2Row]:
    """The OC2 rows of the year ending ``year_end`` for the whole cohort (or those of it in
    ``person_ids``), in one query whatever the cohort's size: each item is a subquery on the
    child's health records, and only the age rules are applied here."""
    year_start = year_start_for(year_end)
    in_year = {"on__gte": year_start, "on__lte": year_end}
    person = OuterRef("person_id")

    def any_(kind: str, **filters: Any) -> Exists:
        return Exists(HealthRecord.objects.filter(person=person, kind=kind, **in_year, **filters))

    latest_sdq = HealthRecord.objects.filter(
        person=person, kind=HealthKind.SDQ, **in_year
    ).order_by("-on", "-pk")
    periods = oc2_cohort(year_end)
    if person_ids is not None:
        periods = periods.filter(person_id__in=list(person_ids))
    rows = periods.annotate(
        born=F("person__date_of_birth"),
        convicted=any_(HealthKind.CONVICTION),
        assessed=Exists(
            HealthRecord.objects.filter(person=person, kind__in=ASSESSMENTS, **in_year)
        ),
        last_assessment=_latest(ASSESSMENTS, person_ref=person, on__lte=year_end),
        immunised=Subquery(
            HealthRecord.objects.filter(
                person=person, kind=HealthKind.IMMUNISATIONS, on__lte=year_end
            )
            .order_by("-on", "-pk")
            .values("up_to_date")[:1]
        ),
        teeth=any_(HealthKind.DENTAL_CHECK),
        substance=any_(HealthKind.SUBSTANCE_MISUSE),
        received=any_(HealthKind.SUBSTANCE_MISUSE, intervention_received=True),
        offered=any_(HealthKind.SUBSTANCE_MISUSE, intervention_offered=True),
        sdq_score=Subquery(latest_sdq.values("sdq_score")[:1]),
        sdq_reason=Subquery(latest_sdq.values("sdq_reason")[:1]),
    ).values(
        "person_id",
        "born",
        "convicted",
        "assessed",
        "last_assessment",
        "immunised",
        "teeth",
        "substance",
        "received",
        "offered",
        "sdq_score",
        "sdq_reason",
    )
    return [_oc2_row(r, year_start, year_end) for r in rows.order_by("person_id")]


def _oc2_row(r: dict[str, Any], year_start: datetime.date, year_end: datetime.date) -> OC2Row:
    born = r["born"]
    age_at_end = age_on(born, year_end)
    age_at_start = age_on(born, year_start)
    under_5 = age_at_end is not None and age_at_end < 5
    health_check = None
    if under_5:
        last = r["last_assessment"]
        health_check = int(last is not None and health_assessment_next_due(born, last) >= year_end)
    sdq_applies = (
        age_at_end is not None
        and age_at_end >= 4
        and age_at_start is not None
        and age_at_start < 17
    )
    sdq_score = r["sdq_score"] if sdq_applies else None
    sdq_reason = (r["sdq_reason"] or "") if sdq_applies else ""
    if sdq_score is None and not sdq_reason and born is not None:
        # No questionnaire in the year, for a child who turned 4 or 17 in it: none was due
        # while they were of an age for one (SDQ1), as the DfE's rules 197B and 157 read it.
        fourth, seventeenth = (add_calendar_months(born, 12 * n) for n in (4, 17))
        if year_start < fourth <= year_end or year_start <= seventeenth <= year_end:
            sdq_reason = "SDQ1"
    substance = int(r["substance"])
    received = int(r["received"]) if substance else None
    offered = int(r["offered"]) if substance and not received else None
    return OC2Row(
        person_id=r["person_id"],
        date_of_birth=born,
        sdq_score=sdq_score,
        sdq_reason=sdq_reason,
        convicted=int(r["convicted"]) if age_at_end is not None and age_at_end >= 10 else None,
        health_check=health_check,
        immunisations=int(bool(r["immunised"])),
        teeth_check=int(r["teeth"]),
        health_assessment=int(r["assessed"]),
        substance_misuse=substance,
        intervention_received=received,
        intervention_offered=offered,
    )


def oc2_row(person: Any, year_end: datetime.date) -> OC2Row | None:
    """The child's OC2 row for the year ending ``year_end``, or None if they were not looked
    after continuously for 12 months at its end (the bulk query, for one child)."""
    rows = oc2_rows(year_end, person_ids=[person.pk])
    return rows[0] if rows else None
