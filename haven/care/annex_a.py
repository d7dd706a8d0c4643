"""Ofsted ILACS Annex A list 8: children looked after (in care at any time in the window: in care
now, and those who left in it), one row for each period of care, as CSV.

The column names are those of the Annex A template as the regional data tools read it
(SocialFinanceDigitalLabs/liia-tools, ``Annex_A_schema.yml``). What happened "last" or "in the
last 12 months" is as at the window's end. Haven does not yet record IRO contacts other than reviews, or the council a placement
postcode lies in: those columns are blank. The missing columns come from haven.missing, which
sits above care and fills them through ``register_missing_columns`` (blank without it). Periods under short-break legal statuses (V3, V4)
only are left out, as for the figures. Restricted records are left out unless the user is
named on them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterator
from typing import Any

from django.apps import apps
from django.db.models import Exists, F, OuterRef, Q, Subquery

from haven.care import codes
from haven.care.figures import SHORT_BREAKS, placements_in_12_months
from haven.care.models import (
    CarePeriod,
    CarePlan,
    CareReview,
    CareVisit,
    HealthKind,
    HealthRecord,
    LegalStatusChange,
    Placement,
)
from haven.performance.annex_a import (
    AnnexAList,
    _allocation,
    _child,
    _child_values,
    _disability,
    _disability_annotations,
    _twelve_months_before,
    _visible,
    _worker_names,
    uk_date,
    yes_no,
)
from haven.performance.selectors import hidden_person_ids, years_before

COLUMNS = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
    "Does the Child have a Disability",
    "Date Started to be Looked After",
    "Child's Category of Need",
    "Is this a second or subsequent period of being a Looked After Child within the last "
    "12 months (Y/N)",
    "Start date of current legal status",
    "Child's Legal Status",
    "Date of Latest Statutory Review",
    "Date of Last Social Work Visit",
    "What is the permanence plan for this child?",
    "Date of Last IRO Visit / Contact to the Child",
    "Date of Last Health Assessment",
    "Date of Last Dental Check",
    "Number of Placements in the Last 12 months",
    "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After",
    "Start Date of Most Recent Placement",
    "Placement Type",
    "Placement Provider",
    "Placement postcode",
    "URN of Placement",
    "Placement Location",
    "LA of Placement",
    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
    "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
    "Was the child offered a Return Interview after their last missing episode (Y/N)?",
    "Did the child accept a Return Interview after their last missing episode (Y/N)?",
    "Allocated Team",
    "Allocated Worker",
]

# The Annex A template's words for the permanence plan.
PERMANENCE = {
    codes.PermanencePlan.RETURN_HOME: "Return to family",
    codes.PermanencePlan.ADOPTION: "Adoption",
    codes.PermanencePlan.SGO_CAO: "SGO/CAO",
    codes.PermanencePlan.SUPPORTED_LIVING: "Supported living in the community",
    codes.PermanencePlan.RESIDENTIAL: "Long-term residential placement",
    codes.PermanencePlan.LONG_TERM_FOSTERING: "Long-term fostering",
    codes.PermanencePlan.OTHER: "Other",
}


# (the list's children, the window's last day) -> each child's four missing columns: missing
# and absent episodes in the 12 months, RHI offered and accepted after the last episode.
MissingColumns = Callable[[Collection[int], datetime.date], dict[int, list[str]]]
NO_MISSING = ["", "", "", ""]
_missing_columns: list[MissingColumns] = []


def register_missing_columns(source: MissingColumns) -> None:
    """haven.missing fills the list's missing columns: one bulk read for a chunk of children."""
    _missing_columns[:] = [source]


def _latest(qs: Any, field: str) -> Subquery:
    return Subquery(qs.order_by(f"-{field}", "-pk").values(field)[:1])


def list_8_children_looked_after(
    first: datetime.date, last: datetime.date, user: Any
) -> Iterator[list[str]]:
    yield COLUMNS
    person = OuterRef("person")
    status_then = LegalStatusChange.objects.filter(period=OuterRef("pk"), start_date__lte=last)
    placement_then = Placement.objects.filter(period=OuterRef("pk"), start_date__lte=last).order_by(
        "-start_date", "-pk"
    )
    health = HealthRecord.objects.filter(person=person, on__lte=last)
    twelve_months_ago = years_before(last, 1)
    rows = (
        _visible(
            CarePeriod.objects.filter(
                Q(end_date__isnull=True) | Q(end_date__gte=first), start_date__lte=last
            ),
            hidden_person_ids(user),
        )
        .annotate(
            **_disability_annotations(),
            **_allocation(),
            # By app label, as figures.py names adoption's: haven.uasc builds on care.
            uasc_12m=Exists(
                apps.get_model("uasc", "UASCStatus").objects.filter(
                    Q(ceased_on__isnull=True) | Q(ceased_on__gte=twelve_months_ago),
                    person=person,
                    arrived_on__lte=last,
                )
            ),
            earlier_12m=Exists(
                CarePeriod.objects.filter(
                    person=person,
                    start_date__lt=OuterRef("start_date"),
                    end_date__gte=_twelve_months_before(OuterRef("start_date")),
                )
            ),
            ls_code=Subquery(status_then.order_by("-start_date").values("code")[:1]),
            ls_start=_latest(status_then, "start_date"),
            reviewed=_latest(
                CareReview.objects.filter(person=person, held_on__lte=last), "held_on"
            ),
            visited=_latest(
                CareVisit.objects.filter(person=person, visited_on__lte=last), "visited_on"
            ),
            permanence=Subquery(
                CarePlan.objects.filter(period=OuterRef("pk"), agreed_on__lte=last)
                .order_by("-agreed_on", "-pk")
                .values("permanence_plan")[:1]
            ),
            health_assessed=_latest(
                health.filter(
                    kind__in=(HealthKind.INITIAL_ASSESSMENT, HealthKind.REVIEW_ASSESSMENT)
                ),
                "on",
            ),
            dental=_latest(health.filter(kind=HealthKind.DENTAL_CHECK), "on"),
            placements_12m=placements_in_12_months(last),
            placed_on=Subquery(placement_then.values("start_date")[:1]),
            place_code=Subquery(placement_then.values("place")[:1]),
            provider_code=Subquery(placement_then.values("provider")[:1]),
            placed_postcode=Subquery(placement_then.values("postcode")[:1]),
            placed_urn=Subquery(placement_then.values("urn")[:1]),
        )
        .exclude(ls_code__in=SHORT_BREAKS)
        .values(
            "disability_recorded",
            "disabled",
            "allocated_team",
            "allocated_worker",
            "uasc_12m",
            "earlier_12m",
            "ls_code",
            "ls_start",
            "reviewed",
            "visited",
            "permanence",
            "health_assessed",
            "dental",
            "placements_12m",
            "placed_on",
            "place_code",
            "provider_code",
            "placed_postcode",
            "placed_urn",
            **_child_values(),
            start=F("start_date"),
            need=F("category_of_need"),
            end=F("end_date"),
            reason=F("end_reason"),
            team_name=F("referral__team__name"),
        )
    )
    workers = _worker_names()
    chunk: list[dict[str, Any]] = []
    for row in rows.order_by("start", "pk").iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _list_8_rows(chunk, last, workers)
            chunk = []
    yield from _list_8_rows(chunk, last, workers)


CHUNK = 2000


def _list_8_rows(
    chunk: list[dict[str, Any]], last: datetime.date, workers: dict[int, str]
) -> Iterator[list[str]]:
    missing: dict[int, list[str]] = {}
    if chunk and _missing_columns:
        missing = _missing_columns[0]({row["child_id"] for row in chunk}, last)
    for row in chunk:
        ended = row["end"] if row["end"] and row["end"] <= last else None
        worker = row["allocated_worker"]
        yield [
            *_child(row, ended or last),
            yes_no(row["uasc_12m"]),
            _disability(row),
            uk_date(row["start"]),
            row["need"],
            yes_no(row["earlier_12m"]),
            uk_date(row["ls_start"]),
            row["ls_code"] or "",
            uk_date(row["reviewed"]),
            uk_date(row["visited"]),
            PERMANENCE.get(row["permanence"], ""),
            "",  # IRO contacts other than reviews are not recorded yet
            uk_date(row["health_assessed"]),
            uk_date(row["dental"]),
            str(row["placements_12m"]),
            uk_date(ended),
            row["reason"] if ended else "",
            uk_date(row["placed_on"]),
            row["place_code"] or "",
            row["provider_code"] or "",
            row["placed_postcode"] or "",
            row["placed_urn"] or "",
            "",  # placement location (in or out of the council's area): not recorded yet
            "",  # the council a placement is in: not recorded yet
            *missing.get(row["child_id"], NO_MISSING),
            row["allocated_team"] or row["team_name"] or "",
            workers.get(worker, "") if worker else "",
        ]


LIST_8 = AnnexAList(8, "List 8: children looked after", list_8_children_looked_after)
