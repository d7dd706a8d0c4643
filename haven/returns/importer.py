"""Load a CIN census file from another system as history (migration).

Three steps, all by ``cin_census_import``:

1. Read the file. A file that is not a CIN census at all (not XML, XML with another root, a
   namespaced root, an SSDA903 CSV) is refused with one clear message (``CensusFileError``).
   Every value is then checked against the DfE code lists and date format, and each problem is
   reported with its element path and value.
2. Check it, child by child, without writing (``_Checker``): each child is created or matched
   to an existing one (by the LAchildID this system gave them on an earlier import, or by
   Haven's own LAchildID in a file from this LA, or by the CHILD an SSDA903 import gave them,
   each with a date of birth that agrees, then by UPN and date of birth; the report says
   which), with their episodes, assessments, CIN plans, S47s,
   conferences, plans and reviews. A matched episode (same referral date) is merged with the
   file (``_Merge``): what the file adds is taken, what it leaves out is kept, and a fact both
   state differently is a conflict reported with its element path, the newer collection
   year's value kept (``ImportedEpisode`` says which year an imported episode's facts are
   from; Haven's own records are never overridden), so files of several years give the same
   records in any order. A child whose records would break one of Haven's rules (a plan
   ending before it starts, two plans at once) is rejected with the reason the database would
   give. A dry run stops here (52 MB, 45,747 children: about 19 s, see bench/README.md).
3. Only if nothing was rejected, and not a dry run: write it inside one transaction, a batch of
   children per INSERT per table (``_Writer``), every row with its audit row. If the database
   refuses a child after all, that is the report and the whole transaction is rolled back: a
   bad file changes nothing.

Records are written with the ORM rather than through the case-work services: those check that
dates are not in the future, that a manager authorises, and they schedule the next piece of
work, all of which is right for live work and wrong for history. Each imported record's
creator is the importing user; an assessment's authoriser is the importing user too (the
constraint needs one), with the source named in the manager's comments.

An element the census schema requires and the file lacks (Ethnicity, ReferralNFA,
ICPCnotRequired, LatestCategoryOfAbuse, NumberOfPreviousCPP...) rejects the child, naming the
element: nothing is made up for it. PrimaryNeedCode is optional and is left blank if absent.

What the census cannot say is filled as plainly as possible and documented here:
- names: the census has none; a new child is "Imported child" with their LAchildID;
- an S47 needs its strategy discussion: one is recorded on the S47's start date;
- an S47 with ICPCnotRequired ends on its start date with "concerns not substantiated";
- an S47 with an initial conference ends on the conference date, outcome "conference needed";
- a plan whose initial conference is not in the file starts at a transfer-in conference on
  the plan's start date (the kind of initial conference that needs no S47);
- an episode's own DateOfInitialCPC is an initial child protection conference (counted as
  the figures count ICPCs) whose S47 is not in Haven: the census puts an ICPC there when its
  S47 began in an earlier year's return, so the enquiry is another year's to bring, and none is
  made up for it. Its deadline rule is ``S47_NOT_HELD`` (the one initial conference the model
  allows without an S47; its due date is the day held, as nothing says when it was due). A
  child not yet born on that day has a pre-birth conference, which needs no S47;
- a plan's end reason is "other"; a review conference "continue".
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from lxml import etree

from haven.assessments.models import Assessment, AssessmentOutcome, AssessmentStatus
from haven.childinneed.models import CINPlan
from haven.chronology.models import ChronologyEvent
from haven.core.calendar import add_calendar_months, rule
from haven.frontdoor.models import Referral
from haven.people.models import Allocation, Person, PersonDisability, PersonKind
from haven.protection.models import (
    S47_NOT_HELD,
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
from haven.returns.checks import upn_check_letter_ok
from haven.returns.events import CENSUS_RECORD_IMPORTED, ReturnsEvent
from haven.returns.import903 import SYSTEM as SSDA903
from haven.returns.models import ExternalIdentifier, ImportedEpisode

# Children written per batch: one savepoint and one INSERT per table for the batch. A batch that
# breaks a constraint is written again child by child, to say which child and why.
BATCH = 500
# SSDA903 tables are recognised by their header row's first columns.
SSDA903_HEADERS = ("CHILD,", "CHILD,SEX", "CHILD,DECOM", "CHILD,DOB")
PROGRESS_EVERY = 200


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
    index: int = 0  # the child's place in the file
    # Where the file and Haven state different facts about one record (kept: the newer).
    conflicts: list[Problem] = field(default_factory=list)
    matched_by: str = ""  # how a matched child was found in Haven (BY_...)
    defects: list[Problem] = field(default_factory=list)  # imported anyway, to be fixed


@dataclass
class ImportReport:
    dry_run: bool
    system: str
    collection_year: int | None
    children: list[ChildOutcome] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    committed: bool = False
    # What is wrong in the file's header without changing which year it is for.
    header: list[Problem] = field(default_factory=list)

    @property
    def rejected(self) -> list[ChildOutcome]:
        return [c for c in self.children if c.action == "reject"]

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> dict[str, int]:
        actions = Counter(c.action for c in self.children)
        how = Counter(c.matched_by for c in self.children if c.action == "match")
        defective = sum(1 for c in self.children if c.defects and c.action != "reject")
        return {
            "children to create": actions["create"],
            "children matched": actions["match"],
            **{f"children matched by {k}": v for k, v in sorted(how.items())},
            "children rejected": actions["reject"],
            **({"children imported with defects listed": defective} if defective else {}),
            **{k: v for k, v in sorted(self.counts.items())},
        }

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run or not self.committed else "were"
        out = [f"{k}: {v}" for k, v in self.summary().items()]
        out.extend(f"header: {p}" for p in self.header)
        for child in self.children:
            if child.defects and child.action != "reject":
                out.append(f"defects of {child.la_child_id} ({child.path}), to fix in Haven:")
                out.extend(f"  {p}" for p in child.defects)
            if child.conflicts:
                out.append(f"conflicts for {child.la_child_id} ({child.path}):")
                out.extend(f"  {p}" for p in child.conflicts)
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


def census_sniff(start: bytes) -> None:
    """Refuse at once, from its first bytes, a file that is plainly not XML (empty, an SSDA903
    CSV): the upload page says so without waiting for a job."""
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16, as some systems save XML
        start = start[: len(start) // 2 * 2].decode("utf-16", "replace").encode("utf-8")
    head = start.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    if not head:
        raise CensusFileError("The file is empty.")
    if not head.startswith(b"<"):
        first_line = head.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        if first_line.upper().startswith(SSDA903_HEADERS):
            raise CensusFileError(
                "This is an SSDA903 (children looked after) CSV table, not a CIN census file: "
                f"its first line is {first_line[:80]!r}. The CIN census is one XML file; import "
                "SSDA903 tables with Import SSDA903 files (haven returns import-903)."
            )
        raise CensusFileError(
            f"This is not an XML file (it starts {first_line[:40]!r}); a CIN census is XML "
            "with a <Message> root element."
        )


def read_census(data: bytes) -> Any:
    """Parse the file and check it is a CIN census; raise ``CensusFileError`` if not."""
    census_sniff(data[:4096])
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
    """Typed access to one child's elements, collecting problems with their paths.

    Paths are worked out from the child's place in the file, not with lxml's ``getpath``,
    which counts every sibling of every ancestor: for each of 45,000 children, all of them."""

    def __init__(self, child_el: Any, child_path: str, problems: list[Problem]) -> None:
        self.child_el = child_el
        self.child_path = child_path
        self.problems = problems

    def path(self, el: Any) -> str:
        steps = []
        while el is not None and el is not self.child_el:
            tag = el.tag
            same = [s for s in el.itersiblings(tag, preceding=True)]
            later = next(el.itersiblings(tag), None)
            steps.append(f"{tag}[{len(same) + 1}]" if same or later is not None else tag)
            el = el.getparent()
        return "/".join([self.child_path, *reversed(steps)])

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
        day = xsd_date(value)
        if day is None:
            self.problem(el, value, "not a date in the form YYYY-MM-DD")
        return day

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
        if value in XSD_TRUE:
            return True
        if value in XSD_FALSE:
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

# xs:boolean: exactly these (not "True" or "TRUE").
XSD_TRUE = frozenset({"true", "1"})
XSD_FALSE = frozenset({"false", "0"})
# xs:date: YYYY-MM-DD with an optional time zone; a midnight time as other systems write it
# (the DfE's validator reads it as the date) is taken as the date, any other time is not.
XSD_DATE_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2}|T00:00:00(?:\.0+)?(?:Z|[+-]\d{2}:\d{2})?)?$"
)


def xsd_date(value: str) -> datetime.date | None:
    """The date an xs:date value gives, or None (``20190626`` is not one)."""
    found = XSD_DATE_RE.match(value)
    if found is None:
        return None
    try:
        return datetime.date.fromisoformat(found.group(1))
    except ValueError:
        return None


def _system(root: Any) -> str:
    lea = (root.findtext("Header/Source/LEA") or "").strip()
    return f"cin:{lea or 'unknown'}"


YEAR_PATH = "/Message/Header/CollectionDetails/Year"
REFERENCE_DATE_PATH = "/Message/Header/CollectionDetails/ReferenceDate"


def header_year(root: Any) -> tuple[int | None, list[Problem]]:
    """The collection year a file is for, and what in its header is wrong without mis-dating it.

    The census's ``Year`` (N00602) is the collection year; its ``ReferenceDate`` (N00603) must
    be 31 March of that year (DfE rule 100). So ``Year`` rules, and a ``ReferenceDate`` is read
    only when there is no ``Year``. A ``ReferenceDate`` that is 31 March of another year names
    another collection: which year the facts are from is then unknown, and taking either could
    file a year's closures and plan ends as another's, so the file is refused
    (``CensusFileError``), naming both elements. A ``ReferenceDate`` that is no 31 March (the
    DfE's fake data has the day it was made) names no collection: it is listed, and ``Year``
    kept."""
    year_text = (root.findtext("Header/CollectionDetails/Year") or "").strip()
    ref_text = (root.findtext("Header/CollectionDetails/ReferenceDate") or "").strip()
    notes: list[Problem] = []
    year: int | None = None
    if year_text:
        if not (len(year_text) == 4 and year_text.isdigit()):
            raise CensusFileError(
                f"{YEAR_PATH} is {year_text!r}: the collection year is four digits, such as 2025."
            )
        year = int(year_text)
    ref = xsd_date(ref_text) if ref_text else None
    if ref_text and ref is None:
        notes.append(Problem(REFERENCE_DATE_PATH, ref_text, "not a date in the form YYYY-MM-DD"))
    elif ref is not None and (ref.month, ref.day) != (3, 31):
        kept = f"the collection year is {year}, from Year" if year else "no collection year"
        notes.append(
            Problem(
                REFERENCE_DATE_PATH,
                ref_text,
                f"not 31 March, as the census's reference date is (DfE rule 100): {kept}",
            )
        )
    elif ref is not None and year is not None and ref.year != year:
        raise CensusFileError(
            f"The header names two collection years: {YEAR_PATH} is {year} (April {year - 1} "
            f"to March {year}) but {REFERENCE_DATE_PATH} is {ref_text} (the year to 31 March "
            f"{ref.year}). Haven cannot tell which year's facts these are. Correct the one that "
            f"is wrong (the reference date is 31 March of the Year, DfE rule 100) and import "
            f"the file again."
        )
    elif ref is not None and year is None:
        year = ref.year
    return year, notes


def file_collection_year(root: Any) -> int | None:
    """The collection year a file is for (``header_year``; raises ``CensusFileError``)."""
    return header_year(root)[0]


def cin_census_import(
    *,
    data: bytes,
    user: Any,
    dry_run: bool = True,
    progress: Callable[[int, int], None] | None = None,
    defects: str = "reject",
    team: Any = None,
    source_name: str = "",
) -> ImportReport:
    """Import a census file as history; see the module docstring. New children are allocated
    to ``team`` (no worker: its managers allocate them); every imported record is a chronology
    entry marked as imported from ``source_name``. Raises ``CensusFileError``
    for a file that is not a census; returns the report otherwise (committed only if not a dry
    run and nothing was rejected). ``progress(done, total)`` hears how many children are done.

    Every child is first checked without writing anything (``_Checker``): a dry run stops
    there. An import writes only once the check found nothing to reject, and then the database
    has the last word: if it refuses a child after all, that report is returned and nothing is
    kept."""
    root = read_census(data)
    header_year(root)  # a header naming two collection years refuses the file
    children = _children(root)
    checked = _check_all(root, children, progress, keep=not dry_run, defects=defects)
    if dry_run or not checked.report.ok:
        return checked.report
    return _write_all(
        root,
        checked.accepted,
        user,
        dry_run=False,
        progress=progress,
        team=team,
        source_name=source_name,
    )


def _children(root: Any) -> list[Any]:
    children = root.find("Children").findall("Child")
    if not children:
        raise CensusFileError("The file has no <Child> elements: there is nothing to import.")
    return children


def _new_report(root: Any, dry_run: bool) -> ImportReport:
    year, notes = header_year(root)
    return ImportReport(dry_run=dry_run, system=_system(root), collection_year=year, header=notes)


@dataclass
class _Checked:
    report: ImportReport
    accepted: list[_Child]


def _check_all(
    root: Any,
    children: list[Any],
    progress: Callable[[int, int], None] | None,
    keep: bool,
    defects: str = "reject",
) -> _Checked:
    """Read and check every child without writing: the report a dry run gives, and (with
    ``keep``) the children to write."""
    report = _new_report(root, dry_run=not keep)
    checker = _Checker(report)
    total = len(children)
    seen: set[str] = set()
    batch: list[_Child] = []
    accepted: list[_Child] = []
    for index, child_el in enumerate(children):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(index, total)
        read = _read_child(child_el, index, seen, defects)
        if isinstance(read, ChildOutcome):
            report.children.append(read)
            continue
        batch.append(read)
        if len(batch) >= BATCH:
            accepted.extend(c for c in checker.check(batch) if keep)
            batch = []
    accepted.extend(c for c in checker.check(batch) if keep)
    report.children.sort(key=lambda c: c.index)
    if progress is not None:
        progress(total, total)
    return _Checked(report, accepted)


def _write_all(
    root: Any,
    children: list[Any] | list[_Child],
    user: Any,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
    defects: str = "reject",
    team: Any = None,
    source_name: str = "",
) -> ImportReport:
    """Write the children (``<Child>`` elements to read, or children already read and checked)
    in one transaction, batch by batch; roll back if ``dry_run`` or if any child is rejected.

    A dry run this way (writing, then rolling back) is how the importer checked a file before
    ``_Checker``; the tests keep it to prove the two give the same report."""
    report = _new_report(root, dry_run=dry_run)

    class _Rollback(Exception):
        pass

    total = len(children)
    try:
        with transaction.atomic():
            writer = _Writer(report, user, team=team, source_name=source_name)
            seen: set[str] = set()
            batch: list[_Child] = []
            for index, item in enumerate(children):
                if progress is not None and index % PROGRESS_EVERY == 0:
                    progress(index, total)
                read = item if isinstance(item, _Child) else _read_child(item, index, seen, defects)
                if isinstance(read, ChildOutcome):
                    report.children.append(read)
                    continue
                batch.append(read)
                if len(batch) >= BATCH:
                    writer.write(batch)
                    batch = []
            writer.write(batch)
            report.children.sort(key=lambda c: c.index)
            if progress is not None:
                progress(total, total)
            if dry_run or not report.ok:
                raise _Rollback
            report.committed = True
    except _Rollback:
        pass
    return report


@dataclass
class _Child:
    """One child as read from the file, checked and ready to write."""

    index: int
    path: str
    la_id: str
    upn: str
    born: datetime.date | None
    expected: datetime.date | None
    died: datetime.date | None
    sex: str
    ethnicity: str
    disabilities: list[str]
    episodes: list[_Episode]
    el: Any = None
    # DfE ERROR rules and Haven's own checks the child's records break, imported anyway.
    defects: list[Problem] = field(default_factory=list)


def _child_path(index: int) -> str:
    return f"/Message/Children/Child[{index + 1}]"


def _read_child(
    child_el: Any, index: int, seen: set[str], defects: str = "reject"
) -> _Child | ChildOutcome:
    """Read and check one <Child>: the child ready to write, or its rejection. A child whose
    records break a DfE ERROR rule or one of Haven's own checks (``_defects``) is rejected, or
    with ``defects="import"`` imported with each defect listed."""
    problems: list[Problem] = []
    path = _child_path(index)
    r = _Reader(child_el, path, problems)
    ids = child_el.find("ChildIdentifiers")
    if ids is None:
        problems.append(Problem(f"{path}/ChildIdentifiers", "", "missing: it is required"))
        return ChildOutcome("", path, "reject", problems=problems, index=index)
    la_id, la_el = r.text(ids, "LAchildID")
    if not la_id:
        problems.append(Problem(f"{path}/ChildIdentifiers/LAchildID", "", "missing"))
    elif la_id in seen:
        r.problem(la_el, la_id, "the same LAchildID is on another child in this file")
    seen.add(la_id)

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
    if traits is None:
        problems.append(
            Problem(f"{path}/ChildCharacteristics", "", "missing: it is required (with Ethnicity)")
        )
    else:
        ethnicity = r.code(traits, "Ethnicity", census.ETHNICITY, required=True)
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
        return ChildOutcome(la_id, path, "reject", problems=problems, index=index)
    found = _defects(r, upn, born, died, disabilities, episodes, traits)
    if found and defects != "import":
        return ChildOutcome(la_id, path, "reject", problems=found, index=index)
    return _Child(
        index,
        path,
        la_id,
        upn,
        born,
        expected,
        died,
        sex,
        ethnicity,
        disabilities,
        episodes,
        el=child_el,
        defects=found,
    )


def _today() -> datetime.date:
    return timezone.localdate()


def _la_codes(spec: str) -> frozenset[str]:
    codes: set[str] = set()
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        codes.update(f"{n:03d}" for n in range(int(first), int(last or first) + 1))
    return frozenset(codes)


# Characters 2-4 of a UPN: an LA code since April 1998, or a "pseudo LA" (DfE rule 1530).
UPN_LA_CODES = _la_codes(
    "1-5, 201-213, 301-320, 330-336, 340-344, 350-359, 370-373, 380-384, 390-394, 420, "
    "660-681, 701-708, 800-803, 805-808, 810-813, 815, 816, 820-823, 825, 826, 830, 831, "
    "835-839, 840, 841, 845, 846, 850-852, 855-857, 860, 861, 865-896, 908, 909, 916, 919, "
    "921, 925, 926, 928, 929, 931, 933, 935-938, 940, 941"
)


def _defects(
    r: _Reader,
    upn: str,
    born: datetime.date | None,
    died: datetime.date | None,
    disabilities: list[str],
    episodes: list[_Episode],
    traits: Any,
) -> list[Problem]:
    """What Haven's own forms would refuse (a date in the future, an assessment before its
    referral) and the DfE's ERROR rules that a single child's records can break, each with the
    element it is about. Checked on the file as read, before any merge."""
    out: list[Problem] = []
    ids = r.child_el.find("ChildIdentifiers")

    def at(el: Any, tag: str, value: Any, reason: str) -> None:
        path = f"{r.path(el)}/{tag}" if tag else r.path(el)
        out.append(Problem(path, "" if value is None else str(value), reason))

    today = _today()
    for tag, day in (("PersonBirthDate", born), ("PersonDeathDate", died)):
        if day is not None and day > today:
            at(ids, tag, day, "a date in the future: Haven's forms refuse it")
    if upn and not upn_check_letter_ok(upn):
        at(ids, "UPN", upn, "DfE rule 1510: the UPN's check letter is wrong")
    if upn and upn[1:4] not in UPN_LA_CODES:
        at(ids, "UPN", upn, "DfE rule 1530: characters 2-4 of the UPN are not an LA code")
    if "NONE" in disabilities and len(disabilities) > 1:
        at(traits, "Disabilities", " ".join(disabilities), "DfE rule 8790: NONE with other codes")

    def future(el: Any, tag: str, day: datetime.date | None) -> None:
        if day is not None and day > today:
            at(el, tag, day, "a date in the future: Haven's forms refuse it")

    for ep in episodes:
        el, referred = ep.el, ep.referral_date
        assert referred is not None
        future(el, "CINreferralDate", referred)
        future(el, "CINclosureDate", ep.closure_date)
        future(el, "DateOfInitialCPC", ep.icpc)
        if ep.icpc and ep.icpc < referred:
            at(
                el,
                "DateOfInitialCPC",
                ep.icpc,
                "DfE rule 1104: the initial conference is before the referral",
            )
        for a in ep.assessments:
            future(a["el"], "AssessmentActualStartDate", a["start"])
            future(a["el"], "AssessmentAuthorisationDate", a["authorised"])
            if a["start"] and a["start"] < referred:
                at(
                    a["el"],
                    "AssessmentActualStartDate",
                    a["start"],
                    "the assessment starts before its referral: Haven's forms refuse it",
                )
            if ep.closure_date and not a["authorised"]:
                at(
                    a["el"],
                    "AssessmentAuthorisationDate",
                    None,
                    "DfE rule 8867: the episode is closed but the assessment is not completed",
                )
        for p in ep.cin_plans:
            future(p["el"], "CINPlanStartDate", p["start"])
            future(p["el"], "CINPlanEndDate", p["end"])
        for s47 in ep.s47s:
            future(s47["el"], "S47ActualStartDate", s47["start"])
            future(s47["el"], "DateOfInitialCPC", s47["icpc"])
            if s47["start"] and s47["start"] < referred:
                at(
                    s47["el"],
                    "S47ActualStartDate",
                    s47["start"],
                    "DfE rule 2889: the S47 starts before the referral",
                )
            if s47["icpc"] and s47["icpc"] < referred:
                at(
                    s47["el"],
                    "DateOfInitialCPC",
                    s47["icpc"],
                    "DfE rule 1104: the initial conference is before the referral",
                )
        for p in ep.plans:
            future(p["el"], "CPPstartDate", p["start"])
            future(p["el"], "CPPendDate", p["end"])
            for day in p["reviews"]:
                future(p["el"], "Reviews/CPPreviewDate", day)
            if p["start"] and p["start"] < referred:
                at(
                    p["el"],
                    "CPPstartDate",
                    p["start"],
                    "DfE rule 1105: the plan starts before the referral",
                )
        if ep.closure_reason in ("RC8", "RC9") and (ep.s47s or ep.plans or ep.cin_plans or ep.icpc):
            at(
                el,
                "ReasonForClosure",
                ep.closure_reason,
                "DfE rule 2990: closed after assessment (RC8/RC9) with an S47, a CIN plan or a child protection plan",
            )
        if ep.nfa and (ep.s47s or ep.icpc or ep.assessments):
            at(
                el,
                "ReferralNFA",
                "true",
                "DfE rule 8831: a referral with no further action has an assessment, S47 or conference",
            )
    plans = [p for ep in episodes for p in ep.plans if p["start"]]
    for ep in episodes:
        for cin in ep.cin_plans:
            start = cin["start"]
            if start and any(
                p["start"] <= start and (p["end"] is None or start < p["end"]) for p in plans
            ):
                at(
                    cin["el"],
                    "CINPlanStartDate",
                    start,
                    "DfE rule 4016: a CIN plan starts while a child protection plan is open",
                )
    return out


# Two records open at once often means a year is missing between two files.
_YEARS_BETWEEN = (
    " ({} open on one year's 31 March and {} later is {} by the next year's file: import the "
    "years between too)"
)

CONSTRAINT_REASONS = {
    "referral_closes_after_it_opens": "an episode closes before its referral date",
    "referral_closure_has_reason": "an episode has a closure date without a reason, or a reason "
    "without a date",
    "referral_one_open_episode_per_child": "the child has two open episodes (no closure date) at "
    "once, in this file or with an episode already in Haven"
    + _YEARS_BETWEEN.format("an episode", "closed", "closed"),
    "assessment_authorised_after_start": "an assessment is authorised before it started",
    "cin_plan_ends_after_start": "a CIN plan ends before it starts",
    "cin_plan_one_open_per_child": "the child has two open CIN plans"
    + _YEARS_BETWEEN.format("a plan", "ended", "ended"),
    "cpp_ends_after_start": "a child protection plan ends on or before the day it starts",
    "cpp_one_open_per_child": "the child has two open child protection plans"
    + _YEARS_BETWEEN.format("a plan", "ended", "ended"),
    "cpp_no_overlap": "two child protection plans overlap",
    "s47_ends_after_start": "an S47 initial conference is before the S47 started",
    "person_death_after_birth": "the date of death is before the date of birth",
}


class _OutsideCalendar(ValueError):
    """A deadline Haven cannot work out for a date in the file: the record and element."""

    def __init__(self, record: dict[str, Any], tag: str, day: datetime.date, text: str) -> None:
        super().__init__(text)
        self.el, self.tag, self.day = record.get("el"), tag, day

    def problem(self, child: _Child) -> Problem:
        path = child.path
        if self.el is not None and child.el is not None:
            path = _Reader(child.el, child.path, []).path(self.el)
        return Problem(f"{path}/{self.tag}", self.day.isoformat(), _explain(self))


def _due(calendar_rule: Any, day: datetime.date, record: dict[str, Any], tag: str) -> Any:
    try:
        return calendar_rule.due_date(day)
    except ValueError as exc:
        raise _OutsideCalendar(record, tag, day, str(exc)) from None


def _explain(exc: Exception) -> str:
    text = str(exc)
    if "outside the working-day calendar" in text:
        # Deadlines are worked out on Haven's calendar, which has bank holidays from 1990.
        return f"a date is outside the years Haven can hold ({text})"
    if "range lower bound must be less than or equal to range upper bound" in text:
        # A plan's period is worked out before its check constraint is: an end before the
        # start breaks the range, not the constraint.
        return CONSTRAINT_REASONS["cpp_ends_after_start"]
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
    cin_plans: list[dict[str, Any]]
    s47s: list[dict[str, Any]]
    plans: list[dict[str, Any]]
    # An episode Haven holds (read by ``_load_held``, or written earlier in this import): its
    # referral and records (``obj`` in each record's dict), its initial conferences with no
    # plan by date, and the newest collection year it was imported from (``live``: Haven's own).
    held: bool = False
    obj: Any = None
    conferences: dict[datetime.date, Any] = field(default_factory=dict)
    # Its initial conferences with no S47 (transfer-in, pre-birth) by date, and whether a plan
    # started at each: an older file's S47 may turn out to have led to one.
    transfers: dict[datetime.date, tuple[Any, bool]] = field(default_factory=dict)
    year: int | None = None
    live: bool = False
    # After a merge: the fields the file changed (on the episode, and ``changed`` in each
    # record's dict; a record with no ``obj`` and not ``held`` is new).
    changed: set[str] = field(default_factory=set)


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
                "el": a,
            }
        )
    cin_plans = [
        {
            "start": r.date(p, "CINPlanStartDate", required=True),
            "end": r.date(p, "CINPlanEndDate"),
            "el": p,
        }
        for p in el.findall("CINPlanDates")
    ]
    s47s = [
        {
            "start": r.date(s, "S47ActualStartDate", required=True),
            "target": r.date(s, "InitialCPCtarget"),
            "icpc": r.date(s, "DateOfInitialCPC"),
            "not_required": r.flag(s, "ICPCnotRequired", required=True),
            "el": s,
        }
        for s in el.findall("Section47")
    ]
    plans = []
    for p in el.findall("ChildProtectionPlans"):
        previous, prev_el = r.text(p, "NumberOfPreviousCPP")
        if previous and not previous.isdigit():
            r.problem(prev_el, previous, "not a whole number")
        elif not previous:
            r.problems.append(
                Problem(f"{r.path(p)}/NumberOfPreviousCPP", "", "missing: it is required")
            )
        plans.append(
            {
                "start": r.date(p, "CPPstartDate", required=True),
                "end": r.date(p, "CPPendDate"),
                "initial": r.code(p, "InitialCategoryOfAbuse", census.CATEGORY_OF_ABUSE, True),
                "latest": r.code(p, "LatestCategoryOfAbuse", census.CATEGORY_OF_ABUSE, True),
                "previous": int(previous) if previous.isdigit() else 0,
                "reviews": sorted(
                    d
                    for d in (_review_date(r, rev) for rev in p.findall("Reviews/CPPreviewDate"))
                    if d is not None
                ),
                "el": p,
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
        nfa=r.flag(el, "ReferralNFA", required=True),
        assessments=assessments,
        cin_plans=cin_plans,
        s47s=s47s,
        plans=plans,
    )


def _review_date(r: _Reader, el: Any) -> datetime.date | None:
    value = (el.text or "").strip()
    if not value:
        return None
    day = xsd_date(value)
    if day is None:
        r.problem(el, value, "not a date in the form YYYY-MM-DD")
    return day


HAVEN_ID_RE = re.compile(r"^H(\d{8})$")

# How a child in the file was found in Haven, for the report.
BY_SYSTEM_ID = "their LAchildID from an earlier import"
BY_HAVEN_ID = "Haven's own LAchildID"
BY_UPN = "UPN and date of birth"
BY_SSDA903_ID = "their CHILD in an imported SSDA903"


def _people_already_held(
    system: str, children: list[_Child]
) -> tuple[dict[str, int], dict[tuple[str, datetime.date], int], dict[str, str]]:
    """Who in a batch Haven already holds: by the file's child ID, and by UPN with date of
    birth (``_by_upn``). The ID is this system's identifier from an earlier import; or, in a
    file from this LA, Haven's own (``H`` and 8 digits) with the record's date of birth, or
    the CHILD of an SSDA903 import (the DfE asks that it be the census's LAchildID) naming one
    child with the same date of birth, no other UPN, and no other ID in this system. Returns
    the IDs found, the UPNs found, and how each ID was found where it was not this system's
    (``BY_HAVEN_ID``, ``BY_SSDA903_ID``)."""
    known = dict(
        ExternalIdentifier.objects.filter(
            system=system, value__in=[c.la_id for c in children]
        ).values_list("value", "person_id")
    )
    how: dict[str, str] = {}
    if system != f"cin:{census.la_number()}":
        # Haven's IDs and the SSDA903's CHILDs are this LA's: another LA's file may reuse them.
        return known, _by_upn(children), how
    wanted = {}
    for c in children:
        haven_id = HAVEN_ID_RE.match(c.la_id)
        if haven_id and c.la_id not in known:
            wanted[int(haven_id.group(1))] = c
    for pid, born, expected in Person.objects.filter(
        pk__in=list(wanted), merged_into=None
    ).values_list("id", "date_of_birth", "expected_date_of_birth"):
        c = wanted[pid]
        if (born, None if born else expected) == (c.born, None if c.born else c.expected):
            known[c.la_id] = pid
            how[c.la_id] = BY_HAVEN_ID
    rest = {c.la_id: c for c in children if c.la_id not in known}
    if rest:
        found: dict[str, set[int]] = defaultdict(set)
        for value, pid, born, upn in (
            ExternalIdentifier.objects.filter(
                system=SSDA903, value__in=list(rest), person__merged_into=None
            )
            .exclude(  # already someone else in this system's census
                person__external_identifiers__system=system
            )
            .values_list("value", "person_id", "person__date_of_birth", "person__upn")
        ):
            c = rest[value]
            # The same birthday, and no UPN that says another child.
            if born is not None and born == c.born and not (upn and c.upn and upn != c.upn):
                found[value].add(pid)
        for value, pids in found.items():
            if len(pids) == 1:
                known[value] = pids.pop()
                how[value] = BY_SSDA903_ID
    return known, _by_upn(children), how


def _by_upn(children: list[_Child]) -> dict[tuple[str, datetime.date], int]:
    """The children Haven holds with a batch's UPNs and dates of birth (the lowest id wins, as
    ``.first()`` did)."""
    by_upn: dict[tuple[str, datetime.date], int] = {}
    upns = [c.upn for c in children if c.upn and c.born]
    if upns:
        for found_id, upn, born in (
            Person.objects.filter(upn__in=upns, merged_into=None)
            .order_by("-id")
            .values_list("id", "upn", "date_of_birth")
        ):
            if born is not None:
                by_upn[(upn, born)] = found_id  # lowest id last, so it wins
    return by_upn


# -- merging a file's episodes into what Haven holds -------------------------------------------

# What a file states: a value, or nothing. ``False`` is not stated either: ReferralNFA and
# ICPCnotRequired say "not (yet)", which a later year's file may turn true.
_UNSTATED: tuple[Any, ...] = (None, "", False, [], ())


def _stated(value: Any) -> bool:
    return not any(value is u or (value == u and type(value) is type(u)) for u in _UNSTATED)


class _Merge:
    """One child's episodes after a file: those Haven holds, each taking what the file says
    about it (a matched episode by referral date; within it, assessments, CIN plans, S47s and
    plans by start date, reviews by date), then the file's new episodes in the file's order.

    A fact the file states and Haven leaves blank is taken; Haven's facts the file does not
    state are kept (an older year's file lacks the later closures, authorisations, plan ends
    and reviews; a newer year's lacks what ended before it); where both state a fact and they
    differ, that is a conflict, reported with its element's path, and the newer collection
    year's value is kept (Haven's own records, not imported, are always kept). So two files
    give the same records in either order."""

    def __init__(self, c: _Child, year: int | None) -> None:
        self.child = c
        self.year = year
        self.conflicts: list[Problem] = []
        self.reader = _Reader(c.el, c.path, self.conflicts) if c.el is not None else None

    def _path(self, el: Any, tag: str) -> str:
        if self.reader is None or el is None:
            return f"{self.child.path}/{tag}"
        return f"{self.reader.path(el)}/{tag}"

    def episodes(self, held: list[_Episode]) -> tuple[list[_Episode], int, int]:
        """The merged episodes, how many of the file's matched one held, and how many were the
        same referral date twice in the file (the second left out, as before)."""
        merged = [replace(ep, changed=set()) for ep in held]
        by_date: dict[datetime.date | None, int] = {}
        for i, ep in enumerate(merged):
            by_date.setdefault(ep.referral_date, i)
        new: list[_Episode] = []
        new_dates: set[datetime.date | None] = set()
        repeated = matched = 0
        for ep in self.child.episodes:
            at = by_date.get(ep.referral_date)
            if at is not None:
                merged[at] = self._episode(merged[at], ep)
                matched += 1
            elif ep.referral_date in new_dates:
                repeated += 1
            else:
                new_dates.add(ep.referral_date)
                new.append(ep)
        return [*merged, *new], matched, repeated

    def _newer(self, held: _Episode) -> bool:
        return not held.live and (self.year or 0) >= (held.year or 0)

    def _pick(
        self,
        held_value: Any,
        file_value: Any,
        el: Any,
        tag: str,
        newer: bool,
        changed: set[str],
        name: str,
    ) -> Any:
        if not _stated(file_value) or held_value == file_value:
            return held_value
        if not _stated(held_value):
            changed.add(name)
            return file_value
        kept = "the file's is taken (a newer year)" if newer else "Haven's is kept"
        self.conflicts.append(
            Problem(
                self._path(el, tag),
                _shown(file_value),
                f"Haven holds {_shown(held_value)}: {kept}",
            )
        )
        if newer:
            changed.add(name)
            return file_value
        return held_value

    def _episode(self, held: _Episode, ep: _Episode) -> _Episode:
        newer = self._newer(held)
        changed: set[str] = set()
        el = ep.el

        def pick(held_value: Any, file_value: Any, tag: str, name: str) -> Any:
            return self._pick(held_value, file_value, el, tag, newer, changed, name)

        closure = pick(
            (held.closure_date, held.closure_reason) if held.closure_date else None,
            (ep.closure_date, ep.closure_reason) if ep.closure_date else None,
            "CINclosureDate",
            "closure",
        ) or (None, "")
        merged = replace(
            held,
            source=pick(held.source, ep.source, "ReferralSource", "source"),
            primary_need=pick(
                held.primary_need, ep.primary_need, "PrimaryNeedCode", "primary_need"
            ),
            closure_date=closure[0],
            closure_reason=closure[1],
            nfa=pick(held.nfa, ep.nfa, "ReferralNFA", "nfa"),
            icpc=held.icpc,
            assessments=self._records(
                held.assessments,
                ep.assessments,
                newer,
                (
                    ("review", "AssessmentInternalReviewDate"),
                    ("authorised", "AssessmentAuthorisationDate"),
                    ("factors", "FactorsIdentifiedAtAssessment"),
                ),
            ),
            cin_plans=self._records(
                held.cin_plans, ep.cin_plans, newer, (("end", "CINPlanEndDate"),)
            ),
            s47s=self._records(
                held.s47s,
                ep.s47s,
                newer,
                (
                    ("target", "InitialCPCtarget"),
                    ("icpc", "DateOfInitialCPC"),
                    ("not_required", "ICPCnotRequired"),
                ),
            ),
            plans=self._records(
                held.plans,
                ep.plans,
                newer,
                (
                    ("end", "CPPendDate"),
                    ("initial", "InitialCategoryOfAbuse"),
                    ("latest", "LatestCategoryOfAbuse"),
                    ("previous", "NumberOfPreviousCPP"),
                ),
            ),
            changed=changed,
        )
        if ep.icpc and ep.icpc not in _initial_dates(held):
            merged.changed.add("icpc")
            merged.icpc = ep.icpc
        if not held.live:
            merged.year = max(held.year or 0, self.year or 0) or None
        return merged

    def _records(
        self,
        held: list[dict[str, Any]],
        found: list[dict[str, Any]],
        newer: bool,
        fields: tuple[tuple[str, str], ...],
    ) -> list[dict[str, Any]]:
        out = [{**h, "changed": set()} for h in held]
        by_start: dict[Any, int] = {}
        for i, h in enumerate(out):
            by_start.setdefault(h["start"], i)
        for f in found:
            at = by_start.get(f["start"])
            if at is None:
                by_start[f["start"]] = len(out)
                out.append({**f, "changed": set(), "new": True})
                continue
            record = out[at]
            if record.get("new"):
                continue  # the same start twice in one episode of the file: the first is kept
            for name, tag in fields:
                record[name] = self._pick(
                    record[name], f[name], f.get("el"), tag, newer, record["changed"], name
                )
            if "reviews" in record:
                more = sorted(set(f["reviews"]) - set(record["reviews"]))
                if more:
                    record["reviews"] = sorted([*record["reviews"], *more])
                    record["new_reviews"] = more
        return out


def is_re_referral(day: datetime.date | None, dates: list[datetime.date]) -> bool:
    """Within 12 months of the child's previous referral (as ``frontdoor`` decides it)."""
    if day is None:
        return False
    since = add_calendar_months(day, -12)
    return any(since <= d < day for d in dates)


def _initial_dates(ep: _Episode) -> set[datetime.date | None]:
    """The days of an episode's initial conferences (a plan starts at one)."""
    return {ep.icpc, *(s["icpc"] for s in ep.s47s), *(p["start"] for p in ep.plans)}


def _shown(value: Any) -> str:
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value if v not in (None, ""))
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if value is True:
        return "true"
    return str(value)


def _load_held(person_ids: list[int]) -> dict[int, list[_Episode]]:
    """Every episode Haven holds for these children, as the importer reads a file's, with the
    rows behind them: a fixed number of queries whatever the number of children."""
    held: dict[int, list[_Episode]] = {pid: [] for pid in person_ids}
    if not person_ids:
        return held
    referrals = list(
        Referral.objects.filter(person_id__in=person_ids).order_by(
            "person_id", "referral_date", "id"
        )
    )
    ids = [r.pk for r in referrals]
    years = dict(
        ImportedEpisode.objects.filter(referral_id__in=ids).values_list(
            "referral_id", "collection_year"
        )
    )
    imported = set(
        ImportedEpisode.objects.filter(referral_id__in=ids).values_list("referral_id", flat=True)
    )
    episodes: dict[int, _Episode] = {}
    for ref in referrals:
        ep = _Episode(
            el=None,
            referral_date=ref.referral_date,
            source=ref.source,
            primary_need=ref.primary_need,
            closure_date=ref.closure_date,
            closure_reason=ref.closure_reason,
            icpc=None,
            nfa=ref.no_further_action,
            assessments=[],
            cin_plans=[],
            s47s=[],
            plans=[],
            held=True,
            obj=ref,
            year=years.get(ref.pk),
            live=ref.pk not in imported,
        )
        episodes[ref.pk] = ep
        held[ref.person_id].append(ep)
    for a in Assessment.objects.filter(referral_id__in=ids).order_by("start_date", "id"):
        episodes[a.referral_id].assessments.append(
            {
                "start": a.start_date,
                "review": a.internal_review_date,
                "authorised": a.authorised_on,
                "factors": list(a.factors or []),
                "obj": a,
            }
        )
    for cin in CINPlan.objects.filter(referral_id__in=ids).order_by("start_date", "id"):
        episodes[cin.referral_id].cin_plans.append(
            {"start": cin.start_date, "end": cin.end_date, "obj": cin}
        )
    conferences = list(
        Conference.objects.filter(referral_id__in=ids, held_on__isnull=False).order_by(
            "held_on", "id"
        )
    )
    with_plan = set(
        ChildProtectionPlan.objects.filter(referral_id__in=ids).values_list(
            "conference_id", flat=True
        )
    )
    icpc_by_s47: dict[int, datetime.date] = {}
    reviews: dict[int, list[datetime.date]] = {}
    for conf in conferences:
        assert conf.held_on is not None
        if conf.kind == ConferenceKind.REVIEW:
            if conf.plan_id is not None:
                reviews.setdefault(conf.plan_id, []).append(conf.held_on)
            continue
        if conf.s47_id is not None:
            icpc_by_s47.setdefault(conf.s47_id, conf.held_on)
        else:
            ep = episodes[conf.referral_id]
            ep.icpc = ep.icpc or conf.held_on
            ep.transfers.setdefault(conf.held_on, (conf, conf.pk in with_plan))
        if conf.pk not in with_plan:
            episodes[conf.referral_id].conferences.setdefault(conf.held_on, conf)
    for s in S47Enquiry.objects.filter(referral_id__in=ids).order_by("start_date", "id"):
        icpc = icpc_by_s47.get(s.pk)
        episodes[s.referral_id].s47s.append(
            {
                "start": s.start_date,
                "target": s.icpc_target,
                "icpc": icpc,
                "not_required": icpc is None
                and s.end_date is not None
                and s.outcome in (S47Outcome.NOT_SUBSTANTIATED, "substantiated_no_icpc"),
                "obj": s,
            }
        )
    for p in ChildProtectionPlan.objects.filter(referral_id__in=ids).order_by("start_date", "id"):
        episodes[p.referral_id].plans.append(
            {
                "start": p.start_date,
                "end": p.end_date,
                "initial": p.initial_category,
                "latest": p.latest_category,
                "previous": p.previous_plans,
                "reviews": sorted(reviews.get(p.pk, [])),
                "obj": p,
            }
        )
    return held


@dataclass
class _Rows:
    """The rows a batch writes: new ones per table, and changed ones with their fields."""

    referrals: list[Referral] = field(default_factory=list)
    imported: list[ImportedEpisode] = field(default_factory=list)
    imported_matched: list[Referral] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    cin_plans: list[CINPlan] = field(default_factory=list)
    discussions: list[StrategyDiscussion] = field(default_factory=list)
    s47s: list[S47Enquiry] = field(default_factory=list)
    conferences: list[Conference] = field(default_factory=list)
    plans: list[ChildProtectionPlan] = field(default_factory=list)
    reviews: list[Conference] = field(default_factory=list)
    changed: dict[Any, tuple[list[Any], set[str]]] = field(default_factory=dict)
    # Chronology entries, each with the record it is about (its id known once written).
    events: list[tuple[ChronologyEvent, Any]] = field(default_factory=list)
    # The objects already in ``changed`` (by identity: unsaved rows compare equal to each other).
    changed_ids: set[int] = field(default_factory=set)

    def change(self, obj: Any, **values: Any) -> None:
        if obj is None:
            return  # a record written earlier in a dry run: nothing to change
        for name, value in values.items():
            setattr(obj, name, value)
        objs, names = self.changed.setdefault(type(obj), ([], set()))
        if id(obj) not in self.changed_ids:
            self.changed_ids.add(id(obj))
            objs.append(obj)
        names.update(values)

    def write_changes(self, model: Any) -> None:
        objs, names = self.changed.get(model, ([], set()))
        if not objs:
            return
        fields = set(names)
        if any(f.name == "version" for f in model._meta.fields):
            now = timezone.now()
            for obj in objs:
                obj.version += 1
                obj.updated_at = now
            fields |= {"version", "updated_at"}
        model._default_manager.bulk_update(objs, sorted(fields))


class _Builder:
    """The rows for one child's merged episodes, and what they add to the report's counts:
    the same for the check (which throws the rows away) and the writer."""

    def __init__(self, user: Any, system: str, year: int | None, source_name: str = "") -> None:
        self.user = user
        self.system = system
        self.year = year
        self.source_name = source_name or "unnamed"
        self.source_note = f"Imported from a CIN census file ({system})."
        self.assessment_rule = rule("assessment")
        self.icpc_rule = rule("icpc")
        self.review_rules = {key: rule(key) for key in ("first_cp_review", "later_cp_review")}
        self.born: datetime.date | None = None  # the child's, as the file gives it

    def child(
        self,
        person: int | Person,
        episodes: list[_Episode],
        counts: Counter[str],
        rows: _Rows,
        born: datetime.date | None = None,
    ) -> None:
        self.born = born
        dates = sorted(ep.referral_date for ep in episodes if ep.referral_date)
        for ep in episodes:
            re_referral = is_re_referral(ep.referral_date, dates)
            if ep.held:
                self._held(person, ep, counts, rows)
                if ep.obj is not None and not ep.live and ep.obj.is_re_referral != re_referral:
                    # An earlier year's file brought the referral before it.
                    rows.change(ep.obj, is_re_referral=re_referral)
            else:
                self._new(person, ep, counts, rows)
                rows.referrals[-1].is_re_referral = re_referral

    def _who(self, person: int | Person) -> dict[str, Any]:
        return {"person_id": person} if isinstance(person, int) else {"person": person}

    def _event(self, rows: _Rows, person: int | Person, day: Any, record: str, source: Any) -> None:
        params = {"record": record, "file": self.source_name, "year": self.year}
        rows.events.append(
            (
                ChronologyEvent(
                    occurred_on=day,
                    kind=ReturnsEvent.IMPORTED,
                    summary=CENSUS_RECORD_IMPORTED.text(**params),
                    event=CENSUS_RECORD_IMPORTED.name,
                    params=params,
                    source_type=source._meta.label_lower,
                    recorded_by=self.user,
                    **self._who(person),
                ),
                source,
            )
        )

    def _new(self, person: int | Person, ep: _Episode, counts: Counter[str], rows: _Rows) -> None:
        who = self._who(person)
        assert ep.referral_date is not None
        referral = Referral(
            referral_date=ep.referral_date,
            source=ep.source,
            # Optional in the census: left blank if the file has none, not "not stated".
            primary_need=ep.primary_need,
            no_further_action=bool(ep.nfa),
            closure_date=ep.closure_date,
            closure_reason=ep.closure_reason,
            created_by=self.user,
            **who,
        )
        rows.referrals.append(referral)
        rows.imported.append(
            ImportedEpisode(referral=referral, system=self.system, collection_year=self.year, **who)
        )
        counts["episodes"] += 1
        self._event(rows, person, ep.referral_date, "referral", referral)
        if ep.closure_date:
            self._event(rows, person, ep.closure_date, "closure", referral)
        self._records(person, referral, ep, {}, counts, rows, every=True)

    def _held(self, person: int | Person, ep: _Episode, counts: Counter[str], rows: _Rows) -> None:
        referral = ep.obj
        new_here = any(
            r.get("new") or r.get("changed") or r.get("new_reviews")
            for r in (*ep.assessments, *ep.cin_plans, *ep.s47s, *ep.plans)
        )
        if not ep.changed and not new_here:
            return
        counts["episodes matched and changed"] += 1
        if "closure" in ep.changed and referral is not None:
            self._event(rows, person, ep.closure_date, "closure", referral)
        if ep.changed - {"icpc"}:
            counts["facts taken from the file"] += len(ep.changed - {"icpc"})
            rows.change(
                referral,
                source=ep.source,
                primary_need=ep.primary_need,
                no_further_action=bool(ep.nfa),
                closure_date=ep.closure_date,
                closure_reason=ep.closure_reason,
            )
        if referral is not None and not ep.live:
            rows.imported_matched.append(referral)  # its collection year moves on
        if referral is None:
            referral = Referral(**self._who(person))  # a dry run's: never written
        self._records(person, referral, ep, dict(ep.conferences), counts, rows, every=False)

    def _records(
        self,
        person: int | Person,
        referral: Referral,
        ep: _Episode,
        conferences: dict[datetime.date, Any],
        counts: Counter[str],
        rows: _Rows,
        every: bool,
    ) -> None:
        who = self._who(person)
        user = self.user
        due_rule = self.assessment_rule

        def new(record: dict[str, Any]) -> bool:
            return every or bool(record.get("new"))

        def taken(record: dict[str, Any]) -> set[str]:
            names: set[str] = record.get("changed") or set()
            if names and not every and not record.get("new"):
                counts["facts taken from the file"] += len(names)
            return names

        for a in ep.assessments:
            authorised = a["authorised"]
            if new(a):
                made = Assessment(
                    referral=referral,
                    start_date=a["start"],
                    due_date=_due(due_rule, a["start"], a, "AssessmentActualStartDate"),
                    due_rule=due_rule.key,
                    factors=a["factors"],
                    internal_review_date=a["review"],
                    status=AssessmentStatus.AUTHORISED
                    if authorised
                    else AssessmentStatus.IN_PROGRESS,
                    authorised_on=authorised,
                    authorised_by=user if authorised else None,
                    outcome=AssessmentOutcome.OTHER if authorised else "",
                    manager_comments=self.source_note if authorised else "",
                    **who,
                )
                rows.assessments.append(made)
                self._event(rows, person, a["start"], "assessment", made)
                if authorised:
                    self._event(rows, person, authorised, "assessment_authorised", made)
                counts["assessments"] += 1
                continue
            names = taken(a)
            if not names:
                continue
            values: dict[str, Any] = {
                "internal_review_date": a["review"],
                "factors": a["factors"],
                "authorised_on": authorised,
            }
            obj = a.get("obj")
            if (
                "authorised" in names
                and obj is not None
                and obj.status != AssessmentStatus.AUTHORISED
            ):
                values.update(
                    status=AssessmentStatus.AUTHORISED,
                    authorised_by=user,
                    outcome=obj.outcome or AssessmentOutcome.OTHER,
                    manager_comments=obj.manager_comments or self.source_note,
                )
                self._event(rows, person, authorised, "assessment_authorised", obj)
            rows.change(obj, **values)
        for p in ep.cin_plans:
            if new(p):
                cin = CINPlan(referral=referral, start_date=p["start"], end_date=p["end"], **who)
                rows.cin_plans.append(cin)
                self._event(rows, person, p["start"], "cin_plan", cin)
                if p["end"]:
                    self._event(rows, person, p["end"], "cin_plan_end", cin)
                counts["CIN plans"] += 1
            elif taken(p):
                rows.change(p.get("obj"), end_date=p["end"])
                if p.get("obj") is not None and p["end"]:
                    self._event(rows, person, p["end"], "cin_plan_end", p["obj"])

        transfers = dict(ep.transfers)

        def conference(
            kind: str, held_on: datetime.date, s47: S47Enquiry | None = None
        ) -> Conference:
            due = s47.icpc_target if s47 is not None and s47.icpc_target else held_on
            counts["initial conferences"] += 1
            if s47 is not None and held_on in transfers:
                # Haven holds it with no S47 (a newer file had the conference, not its S47).
                held, with_plan = transfers.pop(held_on)
                rows.change(held, kind=kind, s47=s47, due_date=due, due_rule="icpc")
                conferences.pop(held_on, None)
                return held if not with_plan else Conference(held_on=held_on, **who)
            made = Conference(
                referral=referral,
                kind=kind,
                s47=s47,
                due_date=due,
                due_rule="icpc"
                if s47 is not None or kind != ConferenceKind.INITIAL
                else S47_NOT_HELD,
                held_on=held_on,
                decision=ConferenceDecision.NO_PLAN,
                **who,
            )
            rows.conferences.append(made)
            self._event(rows, person, held_on, "conference", made)
            return made

        for s in ep.s47s:
            start = s["start"]
            if new(s):
                discussion = StrategyDiscussion(
                    referral=referral,
                    held_on=start,
                    decision=StrategyDecision.START_S47,
                    notes=self.source_note,
                    recorded_by=user,
                    **who,
                )
                rows.discussions.append(discussion)
                outcome: str
                if s["icpc"]:
                    end, outcome = s["icpc"], S47Outcome.CONFERENCE
                elif s["not_required"]:
                    end, outcome = start, S47Outcome.NOT_SUBSTANTIATED
                else:
                    end, outcome = None, ""
                s47 = S47Enquiry(
                    referral=referral,
                    strategy_discussion=discussion,
                    start_date=start,
                    icpc_target=s["target"] or _due(self.icpc_rule, start, s, "S47ActualStartDate"),
                    end_date=end,
                    outcome=outcome,
                    **who,
                )
                rows.s47s.append(s47)
                self._event(rows, person, start, "s47", s47)
                counts["S47 enquiries"] += 1
                if s["icpc"]:
                    conferences[s["icpc"]] = conference(ConferenceKind.INITIAL, s["icpc"], s47=s47)
                continue
            names = taken(s)
            if not names:
                continue
            obj = s.get("obj")
            values = {"icpc_target": s["target"]} if "target" in names else {}
            if "icpc" in names and s["icpc"]:
                values.update(end_date=s["icpc"], outcome=S47Outcome.CONFERENCE)
                conferences[s["icpc"]] = conference(ConferenceKind.INITIAL, s["icpc"], s47=obj)
            elif "not_required" in names and s["not_required"] and not s["icpc"]:
                values.update(end_date=start, outcome=S47Outcome.NOT_SUBSTANTIATED)
            rows.change(obj, **values)
        if ep.icpc and ep.icpc not in conferences and (every or "icpc" in ep.changed):
            unborn = self.born is None or self.born > ep.icpc
            conferences[ep.icpc] = conference(
                ConferenceKind.PRE_BIRTH if unborn else ConferenceKind.INITIAL, ep.icpc
            )
            counts["initial conferences whose S47 is another year's"] += not unborn
        plan: Any
        for p in ep.plans:
            if new(p):
                initial = conferences.pop(p["start"], None)
                if initial is None:
                    initial = conference(ConferenceKind.TRANSFER_IN, p["start"])
                    counts["initial conferences"] -= 1
                    counts["transfer-in conferences for plans started elsewhere"] += 1
                if initial.pk is None:
                    initial.decision = ConferenceDecision.PLAN
                    initial.category = p["initial"]
                else:
                    rows.change(initial, decision=ConferenceDecision.PLAN, category=p["initial"])
                plan = ChildProtectionPlan(
                    referral=referral,
                    conference=initial,
                    start_date=p["start"],
                    end_date=p["end"],
                    end_reason="other" if p["end"] else "",
                    initial_category=p["initial"],
                    latest_category=p["latest"] or p["initial"],
                    previous_plans=p["previous"],
                    **who,
                )
                rows.plans.append(plan)
                self._event(rows, person, p["start"], "cp_plan", plan)
                if p["end"]:
                    self._event(rows, person, p["end"], "cp_plan_end", plan)
                counts["child protection plans"] += 1
                review_dates = p["reviews"]
            else:
                names = taken(p)
                plan = p.get("obj")
                if names:
                    values = {
                        "end_date": p["end"],
                        "initial_category": p["initial"],
                        "latest_category": p["latest"] or p["initial"],
                        "previous_plans": p["previous"],
                    }
                    if "end" in names and plan is not None and not plan.end_reason:
                        values["end_reason"] = "other"
                    rows.change(plan, **values)
                    if "end" in names and plan is not None and p["end"]:
                        self._event(rows, person, p["end"], "cp_plan_end", plan)
                review_dates = p.get("new_reviews") or []
            for held_on in review_dates:
                # Due as recorded work's: 3 months from the plan's start, then 6 from the last.
                before = [d for d in p["reviews"] if d < held_on]
                key = "later_cp_review" if before else "first_cp_review"
                since = before[-1] if before else p["start"]
                review = Conference(
                    referral=referral,
                    kind=ConferenceKind.REVIEW,
                    plan=plan,
                    due_date=_due(self.review_rules[key], since, p, "CPPstartDate"),
                    due_rule=key,
                    held_on=held_on,
                    decision=ConferenceDecision.CONTINUE,
                    **who,
                )
                rows.reviews.append(review)
                self._event(rows, person, held_on, "review", review)
                counts["reviews"] += 1


class _Writer:
    """Writes children a batch at a time. What is already in Haven (children known by this
    system's LAchildID, or by UPN and date of birth, and their episodes) is read once per
    batch, so the import runs a fixed number of queries per batch, not per record."""

    def __init__(
        self, report: ImportReport, user: Any, team: Any = None, source_name: str = ""
    ) -> None:
        self.report = report
        self.user = user
        self.team = team
        self.system = report.system
        # Children created earlier in this import, by UPN and date of birth, as the database
        # would find them.
        self.created_by_upn: dict[tuple[str, datetime.date], int] = {}
        self.builder = _Builder(user, report.system, report.collection_year, source_name)

    def write(self, children: list[_Child]) -> None:
        """Write a batch; a child who is another in the same batch (the same child in Haven,
        or the same UPN and date of birth) starts a new batch, so that every match is to a
        child already written and the batch gives what writing one child at a time gives."""
        if not children:
            return
        known, by_upn, _ = _people_already_held(self.system, children)
        part: list[_Child] = []
        seen: set[Any] = set()
        for c in children:
            key = (c.upn, c.born) if c.upn and c.born else None
            who: set[Any] = {key} if key is not None else set()
            for pid in (
                known.get(c.la_id),
                by_upn.get(key) if key else None,
                self.created_by_upn.get(key) if key else None,
            ):
                if pid is not None:
                    who.add(pid)
            if who & seen:
                self._write_part(part)
                part, seen = [], set()
            part.append(c)
            seen |= who
        self._write_part(part)

    def _write_part(self, children: list[_Child]) -> None:
        if not children:
            return
        try:
            with transaction.atomic():
                outcomes, counts, created = self._write(children)
        except (IntegrityError, DataError, ValueError) as exc:
            if len(children) > 1:
                for child in children:
                    self._write_part([child])  # to find which child broke which rule
                return
            child = children[0]
            if isinstance(exc, _OutsideCalendar):
                problems = [exc.problem(child)]
            else:
                # The database names the first rule it stopped at; the child's records are
                # read again to name every one they break.
                problems = self._rules_broken(child) or [
                    Problem(child.path, child.la_id, _explain(exc))
                ]
            self.report.children.append(
                ChildOutcome(
                    child.la_id, child.path, "reject", problems=problems, index=child.index
                )
            )
            return
        self.report.children.extend(outcomes)
        self.report.counts.update(counts)
        self.created_by_upn.update(created)

    def _rules_broken(self, c: _Child) -> list[Problem]:
        """The rules a refused child's records break, merged with what Haven holds."""
        known, by_upn, _ = _people_already_held(self.system, [c])
        key = (c.upn, c.born) if c.upn and c.born else None
        pid = known.get(c.la_id)
        if pid is None and key is not None:
            pid = self.created_by_upn.get(key) or by_upn.get(key)
        held = _load_held([pid]).get(pid, []) if pid is not None else []
        episodes, _, _ = _Merge(c, self.report.collection_year).episodes(held)
        return _rules_broken(c, episodes)

    def _write(
        self, children: list[_Child]
    ) -> tuple[list[ChildOutcome], Counter[str], dict[tuple[str, datetime.date], int]]:
        user = self.user
        counts: Counter[str] = Counter()
        known, by_upn, found_how = _people_already_held(self.system, children)
        by_upn.update(self.created_by_upn)

        # Each child's person: an id already in Haven, or a new Person written below.
        people: list[tuple[_Child, int | Person, str]] = []
        new_people: list[Person] = []
        new_ids: list[ExternalIdentifier] = []
        disabilities: list[PersonDisability] = []
        allocations: list[Allocation] = []
        created: dict[tuple[str, datetime.date], int] = {}
        for c in children:
            key = (c.upn, c.born) if c.upn and c.born else None
            match: int | None = known.get(c.la_id)
            how = found_how.get(c.la_id, BY_SYSTEM_ID)
            if match is None and key is not None:
                match, how = by_upn.get(key), BY_UPN
            if match is not None:
                if how in (BY_UPN, BY_SSDA903_ID):
                    # This system's ID from now on: a later year's file finds them by it.
                    new_ids.append(
                        ExternalIdentifier(person_id=match, system=self.system, value=c.la_id)
                    )
                people.append((c, match, how))
                continue
            person = Person(
                kind=PersonKind.CHILD,
                given_names="Imported child",
                family_name=c.la_id,
                date_of_birth=c.born,
                expected_date_of_birth=None if c.born else c.expected,
                sex=c.sex or "U",
                ethnicity=c.ethnicity,
                upn=c.upn,
                date_of_death=c.died,
                created_by=user,
            )
            new_people.append(person)
            new_ids.append(ExternalIdentifier(person=person, system=self.system, value=c.la_id))
            disabilities.extend(PersonDisability(person=person, code=d) for d in c.disabilities)
            if self.team is not None:
                # The team's managers then allocate a worker, as for any unallocated child.
                allocations.append(
                    Allocation(
                        person=person,
                        team=self.team,
                        start_date=timezone.localdate(),
                        allocated_by=user,
                    )
                )
            people.append((c, person, ""))

        held = _load_held([p for _, p, _ in people if isinstance(p, int)])
        rows = _Rows()
        conflicts: dict[int, list[Problem]] = {}
        for c, whom, _ in people:
            merge = _Merge(c, self.report.collection_year)
            episodes, matched, repeated = merge.episodes(
                held.get(whom, []) if isinstance(whom, int) else []
            )
            counts["episodes matched"] += matched
            counts["episodes repeated in the file (left out)"] += repeated
            self.builder.child(whom, episodes, counts, rows, born=c.born)
            conflicts[c.index] = merge.conflicts
            counts["conflicts"] += len(merge.conflicts)

        # In the order the foreign keys need: bulk_create sets each row's id, and Django copies
        # it into the rows written after that point at it. Changes before new rows, so that an
        # episode or plan closed by the file is closed before the next one opens.
        Person.objects.bulk_create(new_people)
        ExternalIdentifier.objects.bulk_create(new_ids)
        PersonDisability.objects.bulk_create(disabilities)
        Allocation.objects.bulk_create(allocations)
        rows.write_changes(Referral)
        Referral.objects.bulk_create(rows.referrals)
        ImportedEpisode.objects.bulk_create(rows.imported)
        year = self.report.collection_year
        if rows.imported_matched and year is not None:
            ImportedEpisode.objects.filter(
                referral__in=rows.imported_matched, collection_year__lt=year
            ).update(collection_year=year)
        rows.write_changes(Assessment)
        Assessment.objects.bulk_create(rows.assessments)
        rows.write_changes(CINPlan)
        CINPlan.objects.bulk_create(rows.cin_plans)
        StrategyDiscussion.objects.bulk_create(rows.discussions)
        rows.write_changes(S47Enquiry)
        S47Enquiry.objects.bulk_create(rows.s47s)
        Conference.objects.bulk_create(rows.conferences)
        rows.write_changes(Conference)
        rows.write_changes(ChildProtectionPlan)
        ChildProtectionPlan.objects.bulk_create(rows.plans)
        Conference.objects.bulk_create(rows.reviews)
        for event, source in rows.events:
            event.source_id = source.pk
        ChronologyEvent.objects.bulk_create([event for event, _ in rows.events])

        outcomes = []
        for c, whom, how in people:
            pid = whom if isinstance(whom, int) else whom.pk
            outcomes.append(
                ChildOutcome(
                    c.la_id,
                    c.path,
                    "match" if how else "create",
                    pid,
                    index=c.index,
                    conflicts=conflicts[c.index],
                    matched_by=how,
                    defects=c.defects,
                )
            )
            if not how and c.upn and c.born:
                created[(c.upn, c.born)] = pid
        for name in [k for k in counts if not counts[k]]:
            del counts[name]
        return outcomes, counts, created


# -- checking without writing ------------------------------------------------------------------


class _Refused(Exception):
    """One child the writer would have had refused, with the reason it would have given (and
    the element it is about, where there is one)."""

    def __init__(
        self,
        reason: str,
        outside: _OutsideCalendar | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        super().__init__(reason)
        self.outside = outside
        self.problems = problems or []


def _overlaps(
    start: datetime.date,
    end: datetime.date | None,
    other: tuple[datetime.date, datetime.date | None],
) -> bool:
    # daterange(start, end, '[)') && daterange(other): an open end runs for ever.
    o_start, o_end = other
    return (end is None or o_start < end) and (o_end is None or start < o_end)


class _Checker:
    """Decides for each child what ``_Writer`` would do, without writing: match or create, the
    merge with what Haven holds, the counts, and the children the database would refuse (the
    same reason, for the first rule broken in the order the writer writes the rows).

    The writer's rules are the tables' constraints, checked by PostgreSQL row by row in the
    order of the writes: all of a child's referrals (changed ones, then new), then
    assessments, CIN plans, S47s and plans; within a row the check constraints in the order of
    their names, then the unique indexes, then the exclusion constraint. A batch the database
    refuses is written again child by child, so what the writer reports is what writing the
    children one after the other gives: that is what this does, with what Haven already holds
    read once per batch. ``tests`` compare the two reports on sample files and on files built
    to break each rule."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.system = report.system
        self.held: dict[int, list[_Episode]] = {}  # children already in Haven, read once
        self.created_by_upn: dict[tuple[str, datetime.date], list[_Episode]] = {}
        self.builder = _Builder(None, report.system, report.collection_year)

    def check(self, children: list[_Child]) -> list[_Child]:
        """Check a batch; add each child's outcome to the report; return those accepted."""
        if not children:
            return []
        known, by_upn, found_how = _people_already_held(self.system, children)
        wanted = {*known.values(), *by_upn.values()} - set(self.held)
        self.held.update(_load_held(sorted(wanted)))
        accepted = []
        for c in children:
            key = (c.upn, c.born) if c.upn and c.born else None
            pid: int | None = known.get(c.la_id)
            held: list[_Episode] | None = None
            how = found_how.get(c.la_id, BY_SYSTEM_ID) if pid is not None else BY_UPN
            if pid is None and key is not None:
                held = self.created_by_upn.get(key)
                if held is None:
                    pid = by_upn.get(key)
            if pid is not None:
                held = self.held[pid]
            matched = held is not None
            merge = _Merge(c, self.report.collection_year)
            try:
                counts, episodes = self._child(c, merge, held or [])
            except _Refused as refused:
                if refused.outside is not None:
                    problems = [refused.outside.problem(c)]
                else:
                    problems = refused.problems or [Problem(c.path, c.la_id, str(refused))]
                self.report.children.append(
                    ChildOutcome(c.la_id, c.path, "reject", problems=problems, index=c.index)
                )
                continue
            # What Haven would hold for the child, for a later child matched to them.
            episodes = [_as_held(ep) for ep in episodes]
            if pid is not None:
                self.held[pid] = episodes
            elif key is not None:
                self.created_by_upn[key] = episodes
            self.report.counts.update(counts)
            self.report.children.append(
                ChildOutcome(
                    c.la_id,
                    c.path,
                    "match" if matched else "create",
                    pid,
                    index=c.index,
                    conflicts=merge.conflicts,
                    matched_by=how if matched else "",
                    defects=c.defects,
                )
            )
            accepted.append(c)
        return accepted

    def _child(
        self, c: _Child, merge: _Merge, held: list[_Episode]
    ) -> tuple[Counter[str], list[_Episode]]:
        """The counts the child adds and their episodes after the file, or ``_Refused``."""
        counts: Counter[str] = Counter()
        episodes, matched, repeated = merge.episodes(held)
        counts["episodes matched"] += matched
        counts["episodes repeated in the file (left out)"] += repeated
        try:
            # The rows (and the deadlines, worked out before anything is written).
            self.builder.child(0, episodes, counts, _Rows(), born=c.born)
        except ValueError as exc:
            raise _Refused(
                _explain(exc), exc if isinstance(exc, _OutsideCalendar) else None
            ) from None
        counts["conflicts"] += len(merge.conflicts)
        broken = _rules_broken(c, episodes)
        if broken:
            raise _Refused(broken[0].reason, problems=broken)
        for key in [k for k in counts if not counts[k]]:
            del counts[key]
        return counts, episodes


def _as_held(ep: _Episode) -> _Episode:
    """An episode as Haven would hold it once written (a copy: the file's is written later)."""

    def records(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = []
        for r in found:
            # Without the file's element, as the writer reads it back from the database.
            r = {k: v for k, v in r.items() if k not in ("new", "new_reviews", "el")}
            r["changed"] = set()
            kept.append(r)
        return kept

    return replace(
        ep,
        el=None,
        held=True,
        changed=set(),
        assessments=records(ep.assessments),
        cin_plans=records(ep.cin_plans),
        s47s=records(ep.s47s),
        plans=records(ep.plans),
    )


def _rules_broken(c: _Child, episodes: list[_Episode]) -> list[Problem]:
    """Every database rule a child's episodes break after the merge, not only the first the
    database would stop at, each with the element in the file it is about (the child, for a
    record Haven already held), in the order the database checks them."""
    reason = CONSTRAINT_REASONS
    reader = _Reader(c.el, c.path, []) if c.el is not None else None
    out: list[Problem] = []

    def broken(el: Any, tag: str, value: Any, name: str) -> None:
        path = f"{reader.path(el)}/{tag}" if reader is not None and el is not None else c.path
        shown = _shown(value) if value is not None else ""
        problem = Problem(path, shown, reason[name])
        if not any((p.path, p.reason) == (problem.path, problem.reason) for p in out):
            out.append(problem)

    open_episode = False
    for ep in episodes:
        assert ep.referral_date is not None
        if ep.closure_date is not None and ep.closure_date < ep.referral_date:
            broken(ep.el, "CINclosureDate", ep.closure_date, "referral_closes_after_it_opens")
        if (ep.closure_date is None) != (ep.closure_reason == ""):
            tag = "ReasonForClosure" if ep.closure_date else "CINclosureDate"
            broken(ep.el, tag, ep.closure_reason or None, "referral_closure_has_reason")
        if ep.closure_date is None:
            if open_episode:
                broken(
                    ep.el,
                    "CINreferralDate",
                    ep.referral_date,
                    "referral_one_open_episode_per_child",
                )
            open_episode = True
    for ep in episodes:
        for a in ep.assessments:
            if a["authorised"] is not None and a["authorised"] < a["start"]:
                broken(
                    a.get("el"),
                    "AssessmentAuthorisationDate",
                    a["authorised"],
                    "assessment_authorised_after_start",
                )
    open_cin_plan = False
    for ep in episodes:
        for p in ep.cin_plans:
            start, end = p["start"], p["end"]
            if end is not None and end < start:
                broken(p.get("el"), "CINPlanEndDate", end, "cin_plan_ends_after_start")
            if end is None:
                if open_cin_plan:
                    broken(p.get("el"), "CINPlanStartDate", start, "cin_plan_one_open_per_child")
                open_cin_plan = True
    for ep in episodes:
        for s in ep.s47s:
            if s["icpc"] and s["icpc"] < s["start"]:
                broken(s.get("el"), "DateOfInitialCPC", s["icpc"], "s47_ends_after_start")
    open_plan = False
    periods: list[tuple[datetime.date, datetime.date | None]] = []
    for ep in episodes:
        for p in ep.plans:
            start, end = p["start"], p["end"]
            if end is not None and end <= start:
                broken(p.get("el"), "CPPendDate", end, "cpp_ends_after_start")
                continue  # no period to overlap another
            if end is None:
                if open_plan:
                    broken(p.get("el"), "CPPstartDate", start, "cpp_one_open_per_child")
                open_plan = True
            if any(_overlaps(start, end, other) for other in periods):
                broken(p.get("el"), "CPPstartDate", start, "cpp_no_overlap")
            periods.append((start, end))
    return out
