"""Write the CIN census for a collection year from the records.

Who is in it: every child with a CIN episode (a referral) open at any point in the year, with
those of their episodes that overlap the year. Within an episode, what the DfE's rules expect
(the rule numbers are the validator's):

- assessments started on or before 31 March and not authorised before 1 April (8696, 8736);
  the authorisation date only if authorised by 31 March, and factors only then (8614);
- CIN plans open at any point in the year (4010, 4013);
- S47 enquiries that started in the year, or whose initial conference was held in it (8740);
  ICPCnotRequired from the enquiry's outcome; DateOfInitialCPC if held in the year (8715);
- the episode's DateOfInitialCPC only for an initial conference held in the year that is not
  already given under an S47 in the file (2884): a pre-birth or transfer-in conference, or one
  whose S47 started in an earlier year;
- child protection plans open at any point in the year (8720, 8930), with one ``Reviews``
  element per review conference held in the year: the DfE validator reads only the first
  CPPreviewDate in each ``Reviews`` element, so a single element with several dates would hide
  all but the first review from it.

Everything is taken as it stood on 31 March: a closure, plan end or authorisation after the
reference date is left out, as if still open (an export run in April for the year just ended
gives the same file as one run on 31 March, less later corrections).

Restricted records are included: the return is a statutory duty and must count every child in
need. The export is run by an analyst (or the system), the file holds no names or case notes,
and each export is recorded in the access log with its year and the number of children.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from lxml import etree

from haven.assessments.models import Assessment
from haven.childinneed.models import CINPlan
from haven.core.models import AccessAction
from haven.core.services import access_log_record
from haven.frontdoor.models import Referral
from haven.people.models import Person, PersonDisability
from haven.protection.models import (
    INITIAL_KINDS,
    ChildProtectionPlan,
    Conference,
    ConferenceKind,
    S47Enquiry,
)
from haven.returns.census import CollectionYear, la_child_id, la_number, sex_code

SOFTWARE_CODE = "Haven"
RELEASE = "0.1.0"
PROGRESS_EVERY = 500


@dataclass
class CensusExport:
    year: CollectionYear
    xml: bytes
    children: int
    episodes: int
    seconds: float
    # Haven person id for each LAchildID in the file, for linking issues to records.
    person_ids: dict[str, int]


def _d(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def _sub(parent: Any, tag: str, text: str | None = None) -> Any:
    el = etree.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


def _by(rows: Iterable[Any], key: str) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out


def _upn_unknown(person: Any, year: CollectionYear) -> str:
    """UPNunknown where it follows from the record: UN1 for a child under school age (under 5
    on 31 March) or unborn. Other reasons need the worker's knowledge (see the note to the
    lead: a UPN-unknown reason field on the person)."""
    born = person["date_of_birth"]
    if born is None:
        return "UN1" if person["expected_date_of_birth"] else ""
    ref = year.reference_date
    age = ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))
    return "UN1" if age < 5 else ""


def cin_census_build(
    *,
    year: int,
    person_ids: Iterable[int] | None = None,
    now: datetime.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CensusExport:
    """The census XML for a collection year (bytes, UTF-8). ``person_ids`` limits it to some
    children (the import round trip and tests); by default every child in need in the year.
    ``progress(done, total)`` is told how many children are written, now and then."""
    started = time.perf_counter()
    cy = CollectionYear(year)
    start, end = cy.start, cy.reference_date

    referrals = Referral.objects.filter(referral_date__lte=end).filter(
        Q(closure_date__isnull=True) | Q(closure_date__gte=start)
    )
    if person_ids is not None:
        referrals = referrals.filter(person_id__in=list(person_ids))
    episode_rows = list(
        referrals.order_by("person_id", "referral_date", "id").values(
            "id",
            "person_id",
            "referral_date",
            "source",
            "primary_need",
            "no_further_action",
            "closure_date",
            "closure_reason",
        )
    )
    episode_ids = [r["id"] for r in episode_rows]
    children = sorted({r["person_id"] for r in episode_rows})

    people = {
        p["id"]: p
        for p in Person.objects.filter(id__in=children).values(
            "id",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "ethnicity",
            "upn",
            "date_of_death",
        )
    }
    disabilities = _by(
        PersonDisability.objects.filter(person_id__in=children)
        .order_by("person_id", "code")
        .values("person_id", "code"),
        "person_id",
    )
    assessments = _by(
        Assessment.objects.filter(referral_id__in=episode_ids, start_date__lte=end)
        .filter(Q(authorised_on__isnull=True) | Q(authorised_on__gte=start))
        .order_by("start_date", "id")
        .values("referral_id", "start_date", "internal_review_date", "authorised_on", "factors"),
        "referral_id",
    )
    cin_plans = _by(
        CINPlan.objects.filter(referral_id__in=episode_ids, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by("start_date", "id")
        .values("referral_id", "start_date", "end_date"),
        "referral_id",
    )
    # Initial conferences held by 31 March, and which S47 each followed.
    initial_rows = list(
        Conference.objects.filter(
            referral_id__in=episode_ids,
            kind__in=list(INITIAL_KINDS),
            held_on__isnull=False,
            held_on__lte=end,
        )
        .order_by("held_on", "id")
        .values("id", "referral_id", "s47_id", "held_on")
    )
    icpc_by_s47: dict[int, datetime.date] = {}
    for row in initial_rows:
        if row["s47_id"] is not None and row["held_on"] is not None:
            icpc_by_s47.setdefault(row["s47_id"], row["held_on"])
    s47s = _by(
        S47Enquiry.objects.filter(referral_id__in=episode_ids, start_date__lte=end)
        .order_by("start_date", "id")
        .values("id", "referral_id", "start_date", "icpc_target", "end_date", "outcome"),
        "referral_id",
    )
    plans = _by(
        ChildProtectionPlan.objects.filter(referral_id__in=episode_ids, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by("start_date", "id")
        .values(
            "id",
            "referral_id",
            "start_date",
            "end_date",
            "initial_category",
            "latest_category",
            "previous_plans",
        ),
        "referral_id",
    )
    plan_ids = [p["id"] for rows in plans.values() for p in rows]
    reviews = _by(
        Conference.objects.filter(
            plan_id__in=plan_ids,
            kind=ConferenceKind.REVIEW,
            held_on__gte=start,
            held_on__lte=end,
        )
        .order_by("held_on")
        .values("plan_id", "held_on"),
        "plan_id",
    )

    root = etree.Element("Message")
    header = _sub(root, "Header")
    details = _sub(header, "CollectionDetails")
    _sub(details, "Collection", "CIN")
    _sub(details, "Year", str(year))
    _sub(details, "ReferenceDate", _d(end))
    source = _sub(header, "Source")
    _sub(source, "SourceLevel", "L")
    _sub(source, "LEA", la_number())
    _sub(source, "SoftwareCode", SOFTWARE_CODE)
    _sub(source, "Release", RELEASE)
    _sub(source, "SerialNo", "001")
    _sub(source, "DateTime", (now or datetime.datetime.now()).strftime("%Y-%m-%dT%H:%M:%S"))
    children_el = _sub(root, "Children")

    episodes_by_person = _by(episode_rows, "person_id")
    initial_by_episode = _by(initial_rows, "referral_id")
    id_map: dict[str, int] = {}
    for done, person_id in enumerate(children):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, len(children))
        person = people[person_id]
        child = _sub(children_el, "Child")
        ids = _sub(child, "ChildIdentifiers")
        child_id = la_child_id(person_id)
        id_map[child_id] = person_id
        _sub(ids, "LAchildID", child_id)
        if person["upn"]:
            _sub(ids, "UPN", person["upn"])
        else:
            reason = _upn_unknown(person, cy)
            if reason:
                _sub(ids, "UPNunknown", reason)
        if person["date_of_birth"]:
            _sub(ids, "PersonBirthDate", _d(person["date_of_birth"]))
        elif person["expected_date_of_birth"]:
            _sub(ids, "ExpectedPersonBirthDate", _d(person["expected_date_of_birth"]))
        _sub(
            ids,
            "Sex" if cy.uses_sex else "GenderCurrent",
            sex_code(person["sex"], uses_sex=cy.uses_sex),
        )
        if person["date_of_death"] and person["date_of_death"] <= end:
            _sub(ids, "PersonDeathDate", _d(person["date_of_death"]))
        traits = _sub(child, "ChildCharacteristics")
        _sub(traits, "Ethnicity", person["ethnicity"] or "NOBT")
        codes = [d["code"] for d in disabilities.get(person_id, [])]
        if codes:
            dis = _sub(traits, "Disabilities")
            for code in codes:
                _sub(dis, "Disability", code)
        for episode in episodes_by_person[person_id]:
            _episode(
                child,
                episode,
                cy,
                assessments.get(episode["id"], []),
                cin_plans.get(episode["id"], []),
                s47s.get(episode["id"], []),
                icpc_by_s47,
                initial_by_episode.get(episode["id"], []),
                plans.get(episode["id"], []),
                reviews,
            )

    if progress is not None:
        progress(len(children), len(children))
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return CensusExport(
        year=cy,
        xml=xml,
        children=len(children),
        episodes=len(episode_rows),
        seconds=time.perf_counter() - started,
        person_ids=id_map,
    )


def _episode(
    child: Any,
    episode: dict[str, Any],
    cy: CollectionYear,
    assessments: list[dict[str, Any]],
    cin_plans: list[dict[str, Any]],
    s47s: list[dict[str, Any]],
    icpc_by_s47: dict[int, datetime.date],
    initial_conferences: list[dict[str, Any]],
    plans: list[dict[str, Any]],
    reviews: dict[int, list[dict[str, Any]]],
) -> None:
    end = cy.reference_date

    def as_at(day: datetime.date | None) -> datetime.date | None:
        return day if day is not None and day <= end else None

    el = _sub(child, "CINdetails")
    _sub(el, "CINreferralDate", _d(episode["referral_date"]))
    _sub(el, "ReferralSource", episode["source"])
    if episode["primary_need"]:  # blank only if imported from a file that had none
        _sub(el, "PrimaryNeedCode", episode["primary_need"])
    closed = as_at(episode["closure_date"])
    if closed:
        _sub(el, "CINclosureDate", _d(closed))
        _sub(el, "ReasonForClosure", episode["closure_reason"])

    included_s47 = [
        s for s in s47s if cy.contains(s["start_date"]) or cy.contains(icpc_by_s47.get(s["id"]))
    ]
    included_ids = {s["id"] for s in included_s47}
    episode_icpc = [
        c["held_on"]
        for c in initial_conferences
        if cy.contains(c["held_on"]) and c["s47_id"] not in included_ids
    ]
    if episode_icpc:
        _sub(el, "DateOfInitialCPC", _d(episode_icpc[0]))

    for a in assessments:
        ael = _sub(el, "Assessments")
        _sub(ael, "AssessmentActualStartDate", _d(a["start_date"]))
        review = as_at(a["internal_review_date"])
        if review:
            _sub(ael, "AssessmentInternalReviewDate", _d(review))
        authorised = as_at(a["authorised_on"])
        if authorised:
            _sub(ael, "AssessmentAuthorisationDate", _d(authorised))
            if a["factors"]:
                factors = _sub(ael, "FactorsIdentifiedAtAssessment")
                for code in a["factors"]:
                    _sub(factors, "AssessmentFactors", code)
    for p in cin_plans:
        pel = _sub(el, "CINPlanDates")
        _sub(pel, "CINPlanStartDate", _d(p["start_date"]))
        ended = as_at(p["end_date"])
        if ended:
            _sub(pel, "CINPlanEndDate", _d(ended))
    for s in included_s47:
        sel = _sub(el, "Section47")
        _sub(sel, "S47ActualStartDate", _d(s["start_date"]))
        if s["icpc_target"]:
            _sub(sel, "InitialCPCtarget", _d(s["icpc_target"]))
        icpc = icpc_by_s47.get(s["id"])
        if cy.contains(icpc):
            _sub(sel, "DateOfInitialCPC", _d(icpc))
        not_required = (
            as_at(s["end_date"]) is not None
            and s["outcome"] in ("not_substantiated", "substantiated_no_icpc")
            and icpc is None
        )
        _sub(sel, "ICPCnotRequired", "true" if not_required else "false")
    _sub(el, "ReferralNFA", "true" if episode["no_further_action"] else "false")
    for p in plans:
        cel = _sub(el, "ChildProtectionPlans")
        _sub(cel, "CPPstartDate", _d(p["start_date"]))
        ended = as_at(p["end_date"])
        if ended:
            _sub(cel, "CPPendDate", _d(ended))
        _sub(cel, "InitialCategoryOfAbuse", p["initial_category"])
        _sub(cel, "LatestCategoryOfAbuse", p["latest_category"])
        _sub(cel, "NumberOfPreviousCPP", str(p["previous_plans"]))
        for held in reviews.get(p["id"], []):
            # One Reviews element per date: the DfE validator reads only the first date in each.
            _sub(_sub(cel, "Reviews"), "CPPreviewDate", _d(held["held_on"]))


def cin_census_export(
    *,
    year: int,
    user: Any,
    request: Any = None,
    person_ids: Iterable[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CensusExport:
    """Build the census and record the export in the access log (no person: the file covers
    every child in need; the detail says which year and how many)."""
    export = cin_census_build(year=year, person_ids=person_ids, progress=progress)
    access_log_record(
        user=user,
        action=AccessAction.EXPORT,
        request=request,
        person_id=None,
        detail=f"CIN census {year}: {export.children} children, {export.episodes} episodes",
    )
    return export
