"""Ofsted ILACS Annex A lists 1 (contacts), 3 (referrals) and 4 (assessments) as CSV, for any
window of dates (statutory-framework.md section 3).

Each list starts with the child's ID, gender, ethnicity, date of birth and age (list 4 adds
disability). Headers are plain English, dates DD/MM/YYYY, codes as the DfE has them (ethnicity,
referral source). Rows are streamed from the database, so a county's year fits in little memory.
Restricted records are left out unless the user is named on them.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import (
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
)
from django.db.models.functions import Coalesce

from haven.accounts.models import User
from haven.assessments.models import Assessment, AssessmentOutcome
from haven.core.calendar import LONDON
from haven.frontdoor.models import ContactChild, Referral
from haven.people.models import Allocation, PersonDisability, Sex
from haven.performance.selectors import hidden_person_ids

CHILD_COLUMNS = ["Child ID", "Gender", "Ethnicity", "Date of birth", "Age"]
# Assessment outcomes after which the child needs no further children's social care support.
NO_CSC_SUPPORT = frozenset({AssessmentOutcome.NO_FURTHER_ACTION, AssessmentOutcome.EARLY_HELP})
SEX_LABELS = dict(Sex.choices)


def uk_date(day: datetime.date | datetime.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = day.astimezone(LONDON).date()
    return day.strftime("%d/%m/%Y")


def age_on(born: datetime.date | None, day: datetime.date | None) -> str:
    if born is None or day is None:
        return ""
    return str(day.year - born.year - ((day.month, day.day) < (born.month, born.day)))


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _child(row: dict[str, Any], on: datetime.date | None) -> list[str]:
    return [
        str(row["child_id"]),
        SEX_LABELS.get(row["sex"], row["sex"] or ""),
        row["ethnicity"] or "",
        uk_date(row["dob"]),
        age_on(row["dob"], on),
    ]


def _child_values(path: str = "person") -> dict[str, Any]:
    return {
        "child_id": F(f"{path}_id"),
        "sex": F(f"{path}__sex"),
        "ethnicity": F(f"{path}__ethnicity"),
        "dob": F(f"{path}__date_of_birth"),
    }


def _worker_names() -> dict[int, str]:
    return {u.pk: u.display_name for u in User.objects.only("username", "first_name", "last_name")}


def _visible(qs: QuerySet[Any], hidden: list[int], path: str = "person") -> QuerySet[Any]:
    return qs.exclude(**{f"{path}_id__in": hidden}) if hidden else qs


# -- list 1 --------------------------------------------------------------------------------------


def list_1_contacts(first: datetime.date, last: datetime.date, user: Any) -> Iterator[list[str]]:
    yield [*CHILD_COLUMNS, "Contact date", "Contact source"]
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=LONDON)
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=LONDON
    )
    rows = _visible(
        ContactChild.objects.filter(contact__received_at__gte=start, contact__received_at__lt=end),
        hidden_person_ids(user),
    ).values(**_child_values(), received=F("contact__received_at"), source=F("contact__source"))
    for row in rows.order_by("received", "pk").iterator(chunk_size=2000):
        on = row["received"].astimezone(LONDON).date()
        yield [*_child(row, on), uk_date(on), row["source"]]


# -- list 3 --------------------------------------------------------------------------------------


def _twelve_months_before(expression: Any) -> Func:
    return Func(
        expression,
        template="(%(expressions)s - interval '12 months')::date",
        output_field=DateField(),
    )


def list_3_referrals(first: datetime.date, last: datetime.date, user: Any) -> Iterator[list[str]]:
    yield [
        *CHILD_COLUMNS,
        "Referral date",
        "Referral source",
        "Referral led to no further action",
        "Number of referrals in the last 12 months (including this one)",
        "Allocated team",
        "Allocated worker",
    ]
    in_year = (
        Referral.objects.filter(
            person=OuterRef("person"),
            referral_date__lte=OuterRef("referral_date"),
            referral_date__gt=_twelve_months_before(OuterRef("referral_date")),
        )
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    assessment_worker = (
        Assessment.objects.filter(referral=OuterRef("pk"), worker__isnull=False)
        .order_by("-start_date", "-pk")
        .values("worker_id")[:1]
    )
    allocated_worker = Allocation.objects.filter(
        person=OuterRef("person"), end_date__isnull=True
    ).values("worker_id")[:1]
    rows = (
        _visible(
            Referral.objects.filter(referral_date__range=(first, last)), hidden_person_ids(user)
        )
        .annotate(
            referrals_12m=Subquery(in_year, output_field=IntegerField()),
            worker_pk=Coalesce(Subquery(assessment_worker), Subquery(allocated_worker)),
        )
        .values(
            **_child_values(),
            date=F("referral_date"),
            source_code=F("source"),
            nfa=F("no_further_action"),
            n12=F("referrals_12m"),
            team_name=F("team__name"),
            worker_id_=F("worker_pk"),
        )
    )
    workers = _worker_names()
    for row in rows.order_by("date", "pk").iterator(chunk_size=2000):
        yield [
            *_child(row, row["date"]),
            uk_date(row["date"]),
            row["source_code"],
            yes_no(row["nfa"]),
            str(row["n12"] or 1),
            row["team_name"] or "",
            workers.get(row["worker_id_"], "") if row["worker_id_"] else "",
        ]


# -- list 4 --------------------------------------------------------------------------------------


def list_4_assessments(first: datetime.date, last: datetime.date, user: Any) -> Iterator[list[str]]:
    """Assessments open at any time in the window: started by its end and not authorised
    before its start."""
    yield [
        *CHILD_COLUMNS,
        "Disability",
        "Assessment start date",
        "Child seen during the assessment",
        "Assessment authorisation date",
        "Child needs children's social care support",
        "Allocated team",
        "Allocated worker",
    ]
    disabilities = PersonDisability.objects.filter(person=OuterRef("person"))
    rows = (
        _visible(
            Assessment.objects.filter(
                Q(authorised_on__isnull=True) | Q(authorised_on__gte=first),
                start_date__lte=last,
            ),
            hidden_person_ids(user),
        )
        .annotate(
            disability_recorded=Exists(disabilities),
            disabled=Exists(disabilities.exclude(code="NONE")),
        )
        .values(
            **_child_values(),
            recorded=F("disability_recorded"),
            has_disability=F("disabled"),
            start=F("start_date"),
            seen=F("child_seen_on"),
            authorised=F("authorised_on"),
            result=F("outcome"),
            team_name=F("team__name"),
            worker_id_=F("worker_id"),
        )
    )
    workers = _worker_names()
    for row in rows.order_by("start", "pk").iterator(chunk_size=2000):
        disability = yes_no(row["has_disability"]) if row["recorded"] else "Not recorded"
        needs_support = (
            yes_no(row["result"] not in NO_CSC_SUPPORT)
            if row["authorised"] and row["result"]
            else ""
        )
        yield [
            *_child(row, row["start"]),
            disability,
            uk_date(row["start"]),
            yes_no(row["seen"] is not None),
            uk_date(row["authorised"]),
            needs_support,
            row["team_name"] or "",
            workers.get(row["worker_id_"], "") if row["worker_id_"] else "",
        ]


@dataclass(frozen=True)
class AnnexAList:
    number: int
    title: str
    rows: Callable[[datetime.date, datetime.date, Any], Iterator[list[str]]]

    def filename(self, first: datetime.date, last: datetime.date) -> str:
        return f"annex-a-list-{self.number}-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}.csv"


LISTS: dict[int, AnnexAList] = {
    1: AnnexAList(1, "List 1: contacts", list_1_contacts),
    3: AnnexAList(3, "List 3: referrals", list_3_referrals),
    4: AnnexAList(4, "List 4: assessments", list_4_assessments),
}


class Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(Echo())
    for row in rows:
        yield writer.writerow(row)
