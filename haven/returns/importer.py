"""Load a CIN census file from another system as history (migration).

Two steps, both by ``cin_census_import``:

1. Read the file. A file that is not a CIN census at all (not XML, XML with another root, a
   namespaced root, an SSDA903 CSV) is refused with one clear message (``CensusFileError``).
   Every value is then checked against the DfE code lists and date format, and each problem is
   reported with its element path and value.
2. Write it, child by child, inside one transaction: each child is created or matched to an
   existing one (by the LAchildID this system gave them on an earlier import, then by UPN and
   date of birth), with their episodes, assessments, CIN plans, S47s, conferences, plans and
   reviews. A child whose records break one of Haven's rules (a plan ending before it starts,
   two plans at once) is rejected with the reason. A dry run, or any rejection, rolls the whole
   transaction back: a bad file changes nothing.

Records are written with the ORM rather than through the case-work services: those check that
dates are not in the future, that a manager authorises, and they schedule the next piece of
work, all of which is right for live work and wrong for history. Each imported record's
creator is the importing user; an assessment's authoriser is the importing user too (the
constraint needs one), with the source named in the manager's comments.

What the census cannot say is filled as plainly as possible and documented here:
- names: the census has none; a new child is "Imported child" with their LAchildID;
- an S47 needs its strategy discussion: one is recorded on the S47's start date;
- an S47 with ICPCnotRequired ends on its start date with "concerns not substantiated";
- an S47 with an initial conference ends on the conference date, outcome "conference needed";
- a plan whose initial conference is not in the file starts at a transfer-in conference on
  the plan's start date (the kind of initial conference that needs no S47);
- an episode's own DateOfInitialCPC with no S47 is likewise a transfer-in conference;
- a plan's end reason is "other"; a review conference "continue".
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from lxml import etree

from haven.assessments.models import Assessment, AssessmentOutcome, AssessmentStatus
from haven.childinneed.models import CINPlan
from haven.core.calendar import rule
from haven.frontdoor.models import Referral
from haven.people.models import Person, PersonDisability, PersonKind
from haven.protection.models import (
    ChildProtectionPlan,
    Conference,
    ConferenceDecision,
    ConferenceKind,
    S47Enquiry,
    S47Outcome,
    StrategyDecision,
    StrategyDiscussion,
)
from haven.returns import census
from haven.returns.models import ExternalIdentifier

# SSDA903 tables are recognised by their header row's first columns.
SSDA903_HEADERS = ("CHILD,", "CHILD,SEX", "CHILD,DECOM", "CHILD,DOB")


class CensusFileError(ValueError):
    """The file is not a CIN census Haven can read (nothing was imported)."""


@dataclass
class Problem:
    path: str
    value: str
    reason: str

    def __str__(self) -> str:
        shown = f" = {self.value!r}" if self.value else ""
        return f"{self.path}{shown}: {self.reason}"


@dataclass
class ChildOutcome:
    la_child_id: str
    path: str
    action: str  # "create", "match" or "reject"
    person_id: int | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ImportReport:
    dry_run: bool
    system: str
    collection_year: int | None
    children: list[ChildOutcome] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    committed: bool = False

    @property
    def rejected(self) -> list[ChildOutcome]:
        return [c for c in self.children if c.action == "reject"]

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> dict[str, int]:
        actions = Counter(c.action for c in self.children)
        return {
            "children to create": actions["create"],
            "children matched": actions["match"],
            "children rejected": actions["reject"],
            **{k: v for k, v in sorted(self.counts.items())},
        }

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run or not self.committed else "were"
        out = [f"{k}: {v}" for k, v in self.summary().items()]
        for child in self.rejected:
            out.append(f"rejected {child.la_child_id} ({child.path}):")
            out.extend(f"  {p}" for p in child.problems)
        if self.ok:
            out.append(f"Nothing rejected: these records {verb} imported.")
        else:
            out.append("Nothing was imported: fix the rejected records and import the file again.")
        return out


def _localname(el: Any) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def read_census(data: bytes) -> Any:
    """Parse the file and check it is a CIN census; raise ``CensusFileError`` if not."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    if not head:
        raise CensusFileError("The file is empty.")
    if not head.startswith(b"<"):
        first_line = head.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        if first_line.upper().startswith(SSDA903_HEADERS):
            raise CensusFileError(
                "This is an SSDA903 (children looked after) CSV table, not a CIN census file: "
                f"its first line is {first_line[:80]!r}. The CIN census is one XML file."
            )
        raise CensusFileError(
            f"This is not an XML file (it starts {first_line[:40]!r}); a CIN census is XML "
            "with a <Message> root element."
        )
    try:
        root = etree.fromstring(data, parser=census.safe_parser())
    except etree.XMLSyntaxError as exc:
        raise CensusFileError(f"The file is not well-formed XML: {exc}") from None
    qname = etree.QName(root)
    if qname.localname == "Message" and qname.namespace:
        raise CensusFileError(
            f"The root element <Message> is in the namespace {qname.namespace!r}. The CIN census "
            "has no namespace (and the DfE validator cannot read a namespaced file): remove the "
            "xmlns attribute from <Message> and import the file again."
        )
    if qname.localname != "Message" or root.find("Children") is None:
        raise CensusFileError(
            f"This is not a CIN census file: its root element is <{qname.localname}>, where a "
            "census has <Message> with <Header> and <Children>."
        )
    return root


class _Reader:
    """Typed access to one element's children, collecting problems with their paths."""

    def __init__(self, tree: Any, problems: list[Problem]) -> None:
        self.tree = tree
        self.problems = problems

    def path(self, el: Any) -> str:
        return str(self.tree.getpath(el))

    def text(self, parent: Any, tag: str) -> tuple[str, Any]:
        el = parent.find(tag)
        if el is None:
            return "", None
        return (el.text or "").strip(), el

    def problem(self, el: Any, value: str, reason: str) -> None:
        self.problems.append(Problem(self.path(el), value, reason))

    def date(self, parent: Any, tag: str, required: bool = False) -> datetime.date | None:
        value, el = self.text(parent, tag)
        if not value:
            if required:
                self.problems.append(
                    Problem(f"{self.path(parent)}/{tag}", "", "missing: it is required")
                )
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.problem(el, value, "not a date in the form YYYY-MM-DD")
            return None

    def code(
        self,
        parent: Any,
        tag: str,
        allowed: frozenset[str],
        required: bool = False,
        what: str = "",
    ) -> str:
        value, el = self.text(parent, tag)
        if not value:
            if required:
                self.problems.append(
                    Problem(f"{self.path(parent)}/{tag}", "", "missing: it is required")
                )
            return ""
        if value not in allowed:
            self.problem(el, value, f"unknown {what or tag} code")
            return ""
        return value

    def flag(self, parent: Any, tag: str, required: bool = False) -> bool | None:
        value, el = self.text(parent, tag)
        if value in census.YES:
            return True
        if value in census.NO:
            return False
        if value or required:
            self.problems.append(
                Problem(
                    self.path(el) if el is not None else f"{self.path(parent)}/{tag}",
                    value,
                    "must be true or false" if value else "missing: it is required",
                )
            )
        return None


UPN_RE = re.compile(r"^[A-Za-z]\d{11}[A-Za-z0-9]$")


def _system(root: Any) -> str:
    lea = (root.findtext("Header/Source/LEA") or "").strip()
    return f"cin:{lea or 'unknown'}"


def file_collection_year(root: Any) -> int | None:
    """The collection year a file is for: from a 31 March reference date, else its Year."""
    ref = (root.findtext("Header/CollectionDetails/ReferenceDate") or "").strip()
    try:
        day = datetime.date.fromisoformat(ref)
        if (day.month, day.day) == (3, 31):
            return day.year
    except ValueError:
        pass
    year = (root.findtext("Header/CollectionDetails/Year") or "").strip()
    return int(year) if year.isdigit() else None


def cin_census_import(*, data: bytes, user: Any, dry_run: bool = True) -> ImportReport:
    """Import a census file as history; see the module docstring. Raises ``CensusFileError``
    for a file that is not a census; returns the report otherwise (committed only if not a dry
    run and nothing was rejected)."""
    root = read_census(data)
    tree = root.getroottree()
    report = ImportReport(dry_run=dry_run, system=_system(root), collection_year=None)
    report.collection_year = file_collection_year(root)
    children = root.find("Children").findall("Child")
    if not children:
        raise CensusFileError("The file has no <Child> elements: there is nothing to import.")

    class _Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            seen: set[str] = set()
            for child_el in children:
                outcome = _import_child(child_el, tree, report, user, seen)
                report.children.append(outcome)
            if dry_run or not report.ok:
                raise _Rollback
            report.committed = True
    except _Rollback:
        pass
    return report


def _import_child(
    child_el: Any, tree: Any, report: ImportReport, user: Any, seen: set[str]
) -> ChildOutcome:
    problems: list[Problem] = []
    r = _Reader(tree, problems)
    path = r.path(child_el)
    ids = child_el.find("ChildIdentifiers")
    if ids is None:
        problems.append(Problem(f"{path}/ChildIdentifiers", "", "missing: it is required"))
        return ChildOutcome("", path, "reject", problems=problems)
    la_id, la_el = r.text(ids, "LAchildID")
    if not la_id:
        problems.append(Problem(f"{path}/ChildIdentifiers/LAchildID", "", "missing"))
    elif la_id in seen:
        r.problem(la_el, la_id, "the same LAchildID is on another child in this file")
    seen.add(la_id)
    outcome = ChildOutcome(la_id, path, "create")

    upn, upn_el = r.text(ids, "UPN")
    if upn and not UPN_RE.match(upn):
        r.problem(upn_el, upn, "not a UPN (a letter, 11 digits, and a letter or digit)")
        upn = ""
    born = r.date(ids, "PersonBirthDate")
    expected = r.date(ids, "ExpectedPersonBirthDate")
    died = r.date(ids, "PersonDeathDate")
    sex = ""
    for tag in ("Sex", "GenderCurrent"):
        value, el = r.text(ids, tag)
        if not value:
            continue
        if value in ("M", "F", "U"):
            sex = value
        elif value in census.GENDER_TO_SEX:
            sex = census.GENDER_TO_SEX[value]
        else:
            r.problem(el, value, f"unknown {tag} code (Sex is M, F or U; GenderCurrent 0, 1, 2, 9)")
        break
    else:
        problems.append(Problem(f"{path}/ChildIdentifiers/Sex", "", "missing: Sex is required"))
    traits = child_el.find("ChildCharacteristics")
    ethnicity = ""
    disabilities: list[str] = []
    if traits is not None:
        ethnicity = r.code(traits, "Ethnicity", census.ETHNICITY)
        for el in traits.findall("Disabilities/Disability"):
            value = (el.text or "").strip()
            if value not in census.DISABILITY:
                r.problem(el, value, "unknown Disability code")
            elif value not in disabilities:
                disabilities.append(value)
    if born and died and died < born:
        problems.append(
            Problem(
                f"{path}/ChildIdentifiers/PersonDeathDate",
                str(died),
                "the date of death is before the date of birth",
            )
        )

    episodes = [_read_episode(r, el) for el in child_el.findall("CINdetails")]
    if not episodes:
        problems.append(Problem(f"{path}/CINdetails", "", "missing: a child needs an episode"))
    if problems:
        outcome.action = "reject"
        outcome.problems = problems
        return outcome

    # Write this child inside a savepoint, so one child's broken constraint is reported and the
    # rest of the file is still checked.
    try:
        with transaction.atomic():
            person, matched = _person(
                report.system, la_id, upn, born, expected, sex, ethnicity, died, user
            )
            outcome.person_id = person.pk
            outcome.action = "match" if matched else "create"
            if not matched:
                PersonDisability.objects.bulk_create(
                    PersonDisability(person=person, code=c) for c in disabilities
                )
            for episode in episodes:
                _write_episode(person, episode, report, user)
    except (IntegrityError, ValueError) as exc:
        outcome.action = "reject"
        outcome.problems = [Problem(path, la_id, _explain(exc))]
    return outcome


CONSTRAINT_REASONS = {
    "referral_closes_after_it_opens": "an episode closes before its referral date",
    "referral_closure_has_reason": "an episode has a closure date without a reason, or a reason "
    "without a date",
    "referral_one_open_episode_per_child": "the child has two open episodes (no closure date) at "
    "once, in this file or with an episode already in Haven",
    "assessment_authorised_after_start": "an assessment is authorised before it started",
    "cin_plan_ends_after_start": "a CIN plan ends before it starts",
    "cin_plan_one_open_per_child": "the child has two open CIN plans",
    "cpp_ends_after_start": "a child protection plan ends on or before the day it starts",
    "cpp_one_open_per_child": "the child has two open child protection plans",
    "cpp_no_overlap": "two child protection plans overlap",
    "s47_ends_after_start": "an S47 initial conference is before the S47 started",
    "person_death_after_birth": "the date of death is before the date of birth",
}


def _explain(exc: Exception) -> str:
    text = str(exc)
    if "outside the working-day calendar" in text:
        # Deadlines are worked out on Haven's calendar, which has bank holidays from 1990.
        return f"a date is outside the years Haven can hold ({text})"
    for name, reason in CONSTRAINT_REASONS.items():
        if name in text:
            return reason
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass
class _Episode:
    el: Any
    referral_date: datetime.date | None
    source: str
    primary_need: str
    closure_date: datetime.date | None
    closure_reason: str
    icpc: datetime.date | None
    nfa: bool | None
    assessments: list[dict[str, Any]]
    cin_plans: list[tuple[Any, Any]]
    s47s: list[dict[str, Any]]
    plans: list[dict[str, Any]]


def _read_episode(r: _Reader, el: Any) -> _Episode:
    assessments = []
    for a in el.findall("Assessments"):
        factors: list[str] = []
        for f in a.findall("FactorsIdentifiedAtAssessment/AssessmentFactors"):
            value = (f.text or "").strip()
            if value not in census.ASSESSMENT_FACTORS:
                r.problem(f, value, "unknown AssessmentFactors code")
            elif value not in factors:
                factors.append(value)
        assessments.append(
            {
                "start": r.date(a, "AssessmentActualStartDate", required=True),
                "review": r.date(a, "AssessmentInternalReviewDate"),
                "authorised": r.date(a, "AssessmentAuthorisationDate"),
                "factors": factors,
            }
        )
    cin_plans = [
        (r.date(p, "CINPlanStartDate", required=True), r.date(p, "CINPlanEndDate"))
        for p in el.findall("CINPlanDates")
    ]
    s47s = [
        {
            "start": r.date(s, "S47ActualStartDate", required=True),
            "target": r.date(s, "InitialCPCtarget"),
            "icpc": r.date(s, "DateOfInitialCPC"),
            "not_required": r.flag(s, "ICPCnotRequired"),
        }
        for s in el.findall("Section47")
    ]
    plans = []
    for p in el.findall("ChildProtectionPlans"):
        previous, prev_el = r.text(p, "NumberOfPreviousCPP")
        if previous and not previous.isdigit():
            r.problem(prev_el, previous, "not a whole number")
        plans.append(
            {
                "start": r.date(p, "CPPstartDate", required=True),
                "end": r.date(p, "CPPendDate"),
                "initial": r.code(p, "InitialCategoryOfAbuse", census.CATEGORY_OF_ABUSE, True),
                "latest": r.code(p, "LatestCategoryOfAbuse", census.CATEGORY_OF_ABUSE),
                "previous": int(previous) if previous.isdigit() else 0,
                "reviews": sorted(
                    d
                    for d in (_review_date(r, rev) for rev in p.findall("Reviews/CPPreviewDate"))
                    if d is not None
                ),
            }
        )
    return _Episode(
        el=el,
        referral_date=r.date(el, "CINreferralDate", required=True),
        source=r.code(el, "ReferralSource", census.REFERRAL_SOURCE, required=True),
        primary_need=r.code(el, "PrimaryNeedCode", census.PRIMARY_NEED),
        closure_date=r.date(el, "CINclosureDate"),
        closure_reason=r.code(el, "ReasonForClosure", census.REASON_FOR_CLOSURE),
        icpc=r.date(el, "DateOfInitialCPC"),
        nfa=r.flag(el, "ReferralNFA"),
        assessments=assessments,
        cin_plans=cin_plans,
        s47s=s47s,
        plans=plans,
    )


def _review_date(r: _Reader, el: Any) -> datetime.date | None:
    value = (el.text or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        r.problem(el, value, "not a date in the form YYYY-MM-DD")
        return None


def _person(
    system: str,
    la_id: str,
    upn: str,
    born: datetime.date | None,
    expected: datetime.date | None,
    sex: str,
    ethnicity: str,
    died: datetime.date | None,
    user: Any,
) -> tuple[Person, bool]:
    known = (
        ExternalIdentifier.objects.filter(system=system, value=la_id)
        .select_related("person")
        .first()
    )
    if known is not None:
        return known.person, True
    if upn and born:
        match = Person.objects.filter(upn=upn, date_of_birth=born, merged_into=None).first()
        if match is not None:
            ExternalIdentifier.objects.create(person=match, system=system, value=la_id)
            return match, True
    person = Person.objects.create(
        kind=PersonKind.CHILD,
        given_names="Imported child",
        family_name=la_id,
        date_of_birth=born,
        expected_date_of_birth=None if born else expected,
        sex=sex or "U",
        ethnicity=ethnicity or "NOBT",
        upn=upn,
        date_of_death=died,
        created_by=user,
    )
    ExternalIdentifier.objects.create(person=person, system=system, value=la_id)
    return person, False


def _write_episode(person: Person, ep: _Episode, report: ImportReport, user: Any) -> None:
    assert ep.referral_date is not None
    existing = Referral.objects.filter(person=person, referral_date=ep.referral_date).first()
    if existing is not None:
        report.counts["episodes matched (left as they are)"] += 1
        return
    referral = Referral.objects.create(
        person=person,
        referral_date=ep.referral_date,
        source=ep.source,
        primary_need=ep.primary_need or "N0",
        no_further_action=bool(ep.nfa),
        closure_date=ep.closure_date,
        closure_reason=ep.closure_reason,
        created_by=user,
    )
    report.counts["episodes"] += 1
    due_rule = rule("assessment")
    source_note = f"Imported from a CIN census file ({report.system})."
    for a in ep.assessments:
        authorised = a["authorised"]
        Assessment.objects.create(
            referral=referral,
            person=person,
            start_date=a["start"],
            due_date=due_rule.due_date(a["start"]),
            due_rule=due_rule.key,
            factors=a["factors"],
            internal_review_date=a["review"],
            status=AssessmentStatus.AUTHORISED if authorised else AssessmentStatus.IN_PROGRESS,
            authorised_on=authorised,
            authorised_by=user if authorised else None,
            outcome=AssessmentOutcome.OTHER if authorised else "",
            manager_comments=source_note if authorised else "",
        )
        report.counts["assessments"] += 1
    for start, end in ep.cin_plans:
        CINPlan.objects.create(referral=referral, person=person, start_date=start, end_date=end)
        report.counts["CIN plans"] += 1
    icpc_rule = rule("icpc")
    conferences_by_date: dict[datetime.date, Conference] = {}
    for s in ep.s47s:
        start = s["start"]
        discussion = StrategyDiscussion.objects.create(
            referral=referral,
            person=person,
            held_on=start,
            decision=StrategyDecision.START_S47,
            notes=source_note,
            recorded_by=user,
        )
        outcome: str
        if s["icpc"]:
            end, outcome = s["icpc"], S47Outcome.CONFERENCE
        elif s["not_required"]:
            end, outcome = start, S47Outcome.NOT_SUBSTANTIATED
        else:
            end, outcome = None, ""
        s47 = S47Enquiry.objects.create(
            referral=referral,
            person=person,
            strategy_discussion=discussion,
            start_date=start,
            icpc_target=s["target"] or icpc_rule.due_date(start),
            end_date=end,
            outcome=outcome,
        )
        report.counts["S47 enquiries"] += 1
        if s["icpc"]:
            conferences_by_date[s["icpc"]] = _conference(
                person, referral, ConferenceKind.INITIAL, s["icpc"], s47=s47
            )
            report.counts["initial conferences"] += 1
    if ep.icpc and ep.icpc not in conferences_by_date:
        conferences_by_date[ep.icpc] = _conference(
            person, referral, ConferenceKind.TRANSFER_IN, ep.icpc
        )
        report.counts["initial conferences"] += 1
    for p in ep.plans:
        conference = conferences_by_date.pop(p["start"], None)
        if conference is None:
            conference = _conference(person, referral, ConferenceKind.TRANSFER_IN, p["start"])
            report.counts["transfer-in conferences for plans started elsewhere"] += 1
        Conference.objects.filter(pk=conference.pk).update(
            decision=ConferenceDecision.PLAN, category=p["initial"]
        )
        plan = ChildProtectionPlan.objects.create(
            person=person,
            referral=referral,
            conference=conference,
            start_date=p["start"],
            end_date=p["end"],
            end_reason="other" if p["end"] else "",
            initial_category=p["initial"],
            latest_category=p["latest"] or p["initial"],
            previous_plans=p["previous"],
        )
        report.counts["child protection plans"] += 1
        for held in p["reviews"]:
            Conference.objects.create(
                person=person,
                referral=referral,
                kind=ConferenceKind.REVIEW,
                plan=plan,
                due_date=held,
                due_rule="later_cp_review",
                held_on=held,
                decision=ConferenceDecision.CONTINUE,
            )
            report.counts["reviews"] += 1


def _conference(
    person: Person,
    referral: Referral,
    kind: str,
    held_on: datetime.date,
    s47: S47Enquiry | None = None,
) -> Conference:
    return Conference.objects.create(
        person=person,
        referral=referral,
        kind=kind,
        s47=s47,
        due_date=s47.icpc_target if s47 is not None else held_on,
        due_rule="icpc",
        held_on=held_on,
        decision=ConferenceDecision.NO_PLAN,
    )
