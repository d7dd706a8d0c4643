"""Ofsted ILACS Annex A lists 1 (contacts), 3 (referrals), 4 (assessments), 5 (section 47
enquiries and ICPCs), 6 (children in need) and 7 (child protection) as CSV, for any window of
dates (statutory-framework.md section 3); other parts of the service register their lists
(``register_list``).

Each list starts with the child's ID, gender, ethnicity, date of birth and age (list 4 adds
disability). Headers are plain English, dates DD/MM/YYYY, codes as the DfE has them (ethnicity,
referral source). Rows are streamed from the database, so a county's year fits in little memory.
Restricted records are left out unless the user is named on them.
"""

from __future__ import annotations

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
from haven.childinneed.models import CINPlan
from haven.core import csv_safe
from haven.core.calendar import LONDON
from haven.core.services import access_log_listed
from haven.frontdoor.models import ContactChild, Referral
from haven.people.models import Allocation, PersonDisability, Sex
from haven.performance.protection import ICPC_KINDS
from haven.performance.selectors import hidden_person_ids, in_chunks
from haven.protection.models import (
    CategoryChange,
    ChildProtectionPlan,
    Conference,
    ConferenceKind,
    S47Enquiry,
    S47Outcome,
    Visit,
    VisitKind,
)

CHILD_COLUMNS = ["Child ID", "Gender", "Ethnicity", "Date of birth", "Age"]
# Assessment outcomes after which the child needs no further children's social care support.
NO_CSC_SUPPORT = frozenset({AssessmentOutcome.NO_FURTHER_ACTION, AssessmentOutcome.EARLY_HELP})
SEX_LABELS = dict(Sex.choices)
ICPC_NOT_REQUIRED = frozenset(
    {S47Outcome.NOT_SUBSTANTIATED, S47Outcome.SUBSTANTIATED_NO_CONFERENCE}
)


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
        ContactChild.objects.filter(received_at__gte=start, received_at__lt=end),
        hidden_person_ids(user),
    ).values("source", **_child_values(), received=F("received_at"))
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


# -- lists 5, 6 and 7 -----------------------------------------------------------------------------


def _disability_annotations(path: str = "person") -> dict[str, Any]:
    disabilities = PersonDisability.objects.filter(person=OuterRef(path))
    return {
        "disability_recorded": Exists(disabilities),
        "disabled": Exists(disabilities.exclude(code="NONE")),
    }


def _disability(row: dict[str, Any]) -> str:
    return yes_no(row["disabled"]) if row["disability_recorded"] else "Not recorded"


def _allocation(path: str = "person") -> dict[str, Any]:
    """The child's open allocation: team and worker now (the case as the inspector finds it)."""
    allocation = Allocation.objects.filter(person=OuterRef(path), end_date__isnull=True)
    return {
        "allocated_team": Subquery(allocation.values("team__name")[:1]),
        "allocated_worker": Subquery(allocation.values("worker_id")[:1]),
    }


def list_5_s47_icpc(first: datetime.date, last: datetime.date, user: Any) -> Iterator[list[str]]:
    """Section 47 enquiries started in the window, and those whose initial conference was held
    in it. The 12-month counts run to the enquiry's start (S47s, this one included) and to its
    conference, or its start if it had none (ICPCs)."""
    yield [
        *CHILD_COLUMNS,
        "Disability",
        "Strategy discussion date",
        "Initial child protection conference not required",
        "Initial child protection conference date",
        "Initial conference led to a child protection plan",
        "Number of section 47 enquiries in the last 12 months (including this one)",
        "Number of initial child protection conferences in the last 12 months",
        "Allocated team",
        "Allocated worker",
    ]
    icpcs = Conference.objects.filter(kind__in=ICPC_KINDS, held_on__isnull=False)
    icpc = icpcs.filter(s47=OuterRef("pk")).order_by("held_on", "pk")
    s47s_12m = (
        S47Enquiry.objects.filter(
            person=OuterRef("person"),
            start_date__lte=OuterRef("start_date"),
            start_date__gt=_twelve_months_before(OuterRef("start_date")),
        )
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    icpcs_12m = (
        icpcs.filter(
            person=OuterRef("person"),
            held_on__lte=OuterRef("anchor"),
            held_on__gt=_twelve_months_before(OuterRef("anchor")),
        )
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    in_window = Q(start_date__range=(first, last)) | Q(
        Exists(icpcs.filter(s47=OuterRef("pk"), held_on__range=(first, last)))
    )
    rows = (
        _visible(S47Enquiry.objects.filter(in_window), hidden_person_ids(user))
        .annotate(
            **_disability_annotations(),
            **_allocation(),
            icpc_on=Subquery(icpc.values("held_on")[:1]),
            icpc_plan=Exists(ChildProtectionPlan.objects.filter(conference__s47=OuterRef("pk"))),
        )
        .annotate(anchor=Coalesce("icpc_on", "start_date"))
        .annotate(
            s47_12m=Subquery(s47s_12m, output_field=IntegerField()),
            icpc_12m=Subquery(icpcs_12m, output_field=IntegerField()),
        )
        .values(
            "disability_recorded",
            "disabled",
            "icpc_on",
            "icpc_plan",
            "s47_12m",
            "icpc_12m",
            "allocated_team",
            "allocated_worker",
            **_child_values(),
            start=F("start_date"),
            discussed=F("strategy_discussion__held_on"),
            result=F("outcome"),
            team_name=F("referral__team__name"),
            worker_id_=F("worker_id"),
        )
    )
    workers = _worker_names()
    for row in rows.order_by("start", "pk").iterator(chunk_size=2000):
        not_required = "" if not row["result"] else yes_no(row["result"] in ICPC_NOT_REQUIRED)
        worker = row["worker_id_"] or row["allocated_worker"]
        yield [
            *_child(row, row["start"]),
            _disability(row),
            uk_date(row["discussed"]),
            not_required,
            uk_date(row["icpc_on"]),
            yes_no(row["icpc_plan"]) if row["icpc_on"] else "",
            str(row["s47_12m"] or 1),
            str(row["icpc_12m"] or 0),
            row["allocated_team"] or row["team_name"] or "",
            workers.get(worker, "") if worker else "",
        ]


def _case_status(row: dict[str, Any], last: datetime.date) -> str:
    if row["closed"] and row["closed"] <= last:
        return "Closed"
    if row["on_cpp"]:
        return "Child protection plan"
    if row["on_cin_plan"]:
        return "Child in need plan"
    if row["assessing"]:
        return "Assessment"
    return "Open"


def list_6_children_in_need(
    first: datetime.date, last: datetime.date, user: Any
) -> Iterator[list[str]]:
    """Child in need episodes (referrals) open at any time in the window. The date last seen
    is the latest visit at which the child was seen, or the latest assessment that saw them,
    up to the window's end; the case status is as at the window's end."""
    yield [
        *CHILD_COLUMNS,
        "Disability",
        "Child in need start date (referral date)",
        "Primary need",
        "Date child last seen",
        "Closure date",
        "Reason for closure",
        "Case status",
        "Allocated team",
        "Allocated worker",
    ]
    seen_at_visit = (
        Visit.objects.filter(person=OuterRef("person"), child_seen=True, visited_on__lte=last)
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    seen_at_assessment = (
        Assessment.objects.filter(
            person=OuterRef("person"), child_seen_on__isnull=False, child_seen_on__lte=last
        )
        .order_by("-child_seen_on")
        .values("child_seen_on")[:1]
    )
    open_at_end = Q(start_date__lte=last) & (Q(end_date__isnull=True) | Q(end_date__gt=last))
    rows = (
        _visible(
            Referral.objects.filter(
                Q(closure_date__isnull=True) | Q(closure_date__gte=first),
                referral_date__lte=last,
            ),
            hidden_person_ids(user),
        )
        .annotate(
            **_disability_annotations(),
            **_allocation(),
            seen_visit=Subquery(seen_at_visit, output_field=DateField()),
            seen_assessment=Subquery(seen_at_assessment, output_field=DateField()),
            on_cpp=Exists(
                ChildProtectionPlan.objects.filter(open_at_end, person=OuterRef("person"))
            ),
            on_cin_plan=Exists(CINPlan.objects.filter(open_at_end, referral=OuterRef("pk"))),
            assessing=Exists(
                Assessment.objects.filter(
                    Q(authorised_on__isnull=True) | Q(authorised_on__gt=last),
                    referral=OuterRef("pk"),
                    start_date__lte=last,
                )
            ),
        )
        .values(
            "disability_recorded",
            "disabled",
            "seen_visit",
            "seen_assessment",
            "on_cpp",
            "on_cin_plan",
            "assessing",
            "allocated_team",
            "allocated_worker",
            **_child_values(),
            start=F("referral_date"),
            need=F("primary_need"),
            closed=F("closure_date"),
            reason=F("closure_reason"),
            team_name=F("team__name"),
        )
    )
    workers = _worker_names()
    for row in rows.order_by("start", "pk").iterator(chunk_size=2000):
        seen = max((d for d in (row["seen_visit"], row["seen_assessment"]) if d), default=None)
        closed = row["closed"] if row["closed"] and row["closed"] <= last else None
        worker = row["allocated_worker"]
        yield [
            *_child(row, row["start"]),
            _disability(row),
            uk_date(row["start"]),
            row["need"] or "",
            uk_date(seen),
            uk_date(closed),
            row["reason"] if closed else "",
            _case_status(row, last),
            row["allocated_team"] or row["team_name"] or "",
            workers.get(worker, "") if worker else "",
        ]


def list_7_child_protection(
    first: datetime.date, last: datetime.date, user: Any
) -> Iterator[list[str]]:
    """Child protection plans open at any time in the window; the latest category, visit and
    review are as at the window's end. Haven records no emergency protection orders yet, so
    that column is blank (it will come from the legal status of care episodes)."""
    yield [
        *CHILD_COLUMNS,
        "Disability",
        "Child protection plan start date",
        "Initial category of abuse",
        "Latest category of abuse",
        "Date of last child protection visit",
        "Child seen alone at the last visit",
        "Date of latest review conference",
        "Child protection plan end date",
        "Emergency protection in the last 6 months",
        "Number of previous child protection plans",
        "Allocated team",
        "Allocated worker",
    ]
    last_visit = Visit.objects.filter(
        cp_plan=OuterRef("pk"), kind=VisitKind.CP, visited_on__lte=last
    ).order_by("-visited_on", "-pk")
    category_then = (
        CategoryChange.objects.filter(plan=OuterRef("pk"), changed_on__lte=last)
        .order_by("-changed_on", "-pk")
        .values("category")[:1]
    )
    latest_review = (
        Conference.objects.filter(
            plan=OuterRef("pk"), kind=ConferenceKind.REVIEW, held_on__lte=last
        )
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    earlier_plans = (
        ChildProtectionPlan.objects.filter(
            person=OuterRef("person"), start_date__lt=OuterRef("start_date")
        )
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        _visible(
            ChildProtectionPlan.objects.filter(
                Q(end_date__isnull=True) | Q(end_date__gte=first), start_date__lte=last
            ),
            hidden_person_ids(user),
        )
        .annotate(
            **_disability_annotations(),
            **_allocation(),
            visited=Subquery(last_visit.values("visited_on")[:1]),
            alone=Subquery(last_visit.values("seen_alone")[:1]),
            category_now=Coalesce(Subquery(category_then), F("initial_category")),
            reviewed=Subquery(latest_review),
            earlier=Subquery(earlier_plans, output_field=IntegerField()),
        )
        .values(
            "disability_recorded",
            "disabled",
            "visited",
            "alone",
            "category_now",
            "reviewed",
            "earlier",
            "allocated_team",
            "allocated_worker",
            **_child_values(),
            start=F("start_date"),
            initial=F("initial_category"),
            end=F("end_date"),
            previous=F("previous_plans"),
            team_name=F("referral__team__name"),
            lead=F("lead_practitioner_id"),
        )
    )
    workers = _worker_names()
    for row in rows.order_by("start", "pk").iterator(chunk_size=2000):
        ended = row["end"] if row["end"] and row["end"] <= last else None
        worker = row["lead"] or row["allocated_worker"]
        yield [
            *_child(row, row["start"]),
            _disability(row),
            uk_date(row["start"]),
            row["initial"],
            row["category_now"],
            uk_date(row["visited"]),
            yes_no(row["alone"]) if row["visited"] else "",
            uk_date(row["reviewed"]),
            uk_date(ended),
            "",  # no emergency protection order data in Haven yet
            str(max(row["previous"] or 0, row["earlier"] or 0)),
            row["allocated_team"] or row["team_name"] or "",
            workers.get(worker, "") if worker else "",
        ]


@dataclass(frozen=True)
class AnnexAList:
    number: int
    title: str
    rows: Callable[[datetime.date, datetime.date, Any], Iterator[list[str]]]
    # Each row starts with a child's Haven ID, written to the access log as it is listed; list
    # 11 (adopters) names no child.
    names_children: bool = True

    def filename(self, first: datetime.date, last: datetime.date) -> str:
        return f"annex-a-list-{self.number}-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}.csv"


# The lists Haven makes, by number: this package's own here; other parts of the service (children
# looked after: list 8) register theirs from their app's ``ready()``.
_lists: dict[int, AnnexAList] = {}


def register_list(item: AnnexAList) -> AnnexAList:
    existing = _lists.get(item.number)
    if existing is not None and existing is not item:
        raise ValueError(f"Annex A list {item.number} is already registered")
    _lists[item.number] = item
    return item


def lists() -> dict[int, AnnexAList]:
    """The registered lists in Ofsted's order."""
    return dict(sorted(_lists.items()))


for _item in (
    AnnexAList(1, "List 1: contacts", list_1_contacts),
    AnnexAList(3, "List 3: referrals", list_3_referrals),
    AnnexAList(4, "List 4: assessments", list_4_assessments),
    AnnexAList(5, "List 5: section 47 enquiries and initial conferences", list_5_s47_icpc),
    AnnexAList(6, "List 6: children in need", list_6_children_in_need),
    AnnexAList(7, "List 7: child protection plans", list_7_child_protection),
):
    register_list(_item)


def rows_logged(
    rows: Iterable[list[str]], *, user: Any, request: Any = None, detail: str
) -> Iterator[list[str]]:
    """The list's rows, each child in them written to the access log (a chunk at a time, as
    the rows stream). Every list starts with the header, then the Haven ID in each row."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        return
    yield header
    for chunk in in_chunks(rows):
        ids = [int(row[0]) for row in chunk if row and row[0].isdigit()]
        access_log_listed(user=user, person_ids=ids, request=request, detail=detail)
        yield from chunk


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """The rows as CSV lines for a streamed download, formula-like cells neutralised."""
    return csv_safe.lines(rows)
