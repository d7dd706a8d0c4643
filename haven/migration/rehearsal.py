"""Rehearse a migration to Haven from a folder of past returns, in a throwaway database.

Every CIN census file in the folder (any ``*.xml`` in it or below it) is imported into a scratch
database (``scratch.scratch_database``), oldest collection year first, as ``haven returns
import-cin --import-defects --commit`` would; then each year is exported again from what Haven
holds, compared with its file child by child, and both are put through the DfE's rules. The
figures a council publishes are computed from the files and by Haven beside each other.
Nothing is written to Haven's own database. ``Rehearsal.clean`` is what a council signs off on:
no file refused, no record rejected, no difference, no DfE error the file did not have, and the
figures the same.

SSDA903 folders (a folder of ``*.csv``) are found and listed; they are rehearsed once the 903
import exists: see ``SSDA903_HOOK``.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from haven.core.calendar import calendar
from haven.returns import census
from haven.returns.importer import (
    SSDA903_HEADERS,
    CensusFileError,
    ImportReport,
    Problem,
    cin_census_import,
    header_year,
    is_re_referral,
    read_census,
)
from haven.returns.validation import ValidationResult, validate_cin_bytes

# Repeated elements within a child are matched by their own start date, not their place: two
# systems list a child's episodes, assessments and plans in different orders.
KEYS = {
    "CINdetails": "CINreferralDate",
    "Assessments": "AssessmentActualStartDate",
    "CINPlanDates": "CINPlanStartDate",
    "Section47": "S47ActualStartDate",
    "ChildProtectionPlans": "CPPstartDate",
}
# Read by the rehearsal, not compared: the child's identifier is the key itself.
NOT_COMPARED = frozenset({"LAchildID"})
ASSESSMENT_WORKING_DAYS = 45
ICPC_WORKING_DAYS = 15

# The SSDA903 import is being built beside this (``haven returns import-903``). Once it exists,
# set this to a function ``(folder: Path, user, dry_run: bool) -> report`` and give its report
# the same place in ``YearResult`` as the census's: folders are found already (``ssda903_dirs``).
SSDA903_HOOK: Callable[..., Any] | None = None


@dataclass(frozen=True)
class Difference:
    child: str  # the file's LAchildID
    path: str  # the element, repeated ones named by their start date
    in_file: str
    in_haven: str


@dataclass(frozen=True)
class NewError:
    rule: str
    child: str  # the file's LAchildID, "" for a return-level rule
    message: str


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    from_files: float | int | None
    haven: float | int | None

    @property
    def same(self) -> bool:
        return self.from_files == self.haven


@dataclass
class Counts:
    children: int = 0
    episodes: int = 0
    plans: int = 0


@dataclass
class YearResult:
    year: int
    file: str
    before: Counts
    after: Counts = field(default_factory=Counts)
    report: ImportReport | None = None
    differences: list[Difference] = field(default_factory=list)
    new_errors: list[NewError] = field(default_factory=list)
    errors_in_file: int = 0
    figures: list[Figure] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    validator: str = ""  # why the DfE rules were not run, if they were not

    @property
    def rejected(self) -> list[tuple[str, Problem]]:
        if self.report is None:
            return []
        return [(c.la_child_id, p) for c in self.report.rejected for p in c.problems]

    @property
    def defects(self) -> list[tuple[str, Problem]]:
        if self.report is None:
            return []
        return [
            (c.la_child_id, p)
            for c in self.report.children
            if c.action != "reject"
            for p in c.defects
        ]

    @property
    def conflicts(self) -> list[tuple[str, Problem]]:
        """Facts this file states differently from an earlier-imported year (the newer kept)."""
        if self.report is None:
            return []
        return [(c.la_child_id, p) for c in self.report.children for p in c.conflicts]

    @property
    def imported(self) -> bool:
        return self.report is not None and self.report.committed

    @property
    def clean(self) -> bool:
        return (
            self.imported
            and not self.differences
            and not self.new_errors
            and not self.validator
            and all(f.same for f in self.figures)
        )


@dataclass
class Rehearsal:
    folder: Path
    years: list[YearResult] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    ssda903: list[str] = field(default_factory=list)  # folders found, not yet rehearsed
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        return bool(self.years) and not self.refused and all(y.clean for y in self.years)


@dataclass
class _File:
    path: Path
    year: int
    data: bytes
    root: Any


def census_files(folder: Path) -> tuple[list[_File], list[tuple[str, str]]]:
    """The folder's CIN census files, oldest year first, and those refused with why."""
    found: list[_File] = []
    refused: list[tuple[str, str]] = []
    for path in sorted(folder.rglob("*.xml")):
        name = str(path.relative_to(folder))
        data = path.read_bytes()
        try:
            root = read_census(data)
            year = header_year(root)[0]
        except CensusFileError as exc:
            refused.append((name, str(exc)))
            continue
        if year is None:
            refused.append((name, "the header gives no collection year (Year)"))
            continue
        found.append(_File(path, year, data, root))
    years: dict[int, list[str]] = defaultdict(list)
    for f in found:
        years[f.year].append(str(f.path.relative_to(folder)))
    for year, names in years.items():
        if len(names) > 1:
            refused.append((", ".join(names), f"{len(names)} files are for {year}: keep one"))
    twice = {y for y, names in years.items() if len(names) > 1}
    return sorted((f for f in found if f.year not in twice), key=lambda f: f.year), refused


def ssda903_dirs(folder: Path) -> list[str]:
    """Folders holding SSDA903 tables (CSVs whose first column is CHILD; not, say, an earlier
    rehearsal's report), for the 903 rehearsal once it exists."""
    dirs = set()
    for path in folder.rglob("*.csv"):
        with path.open("rb") as handle:
            first = handle.readline(200).lstrip(b"\xef\xbb\xbf").decode("utf-8", "replace")
        if first.upper().startswith(SSDA903_HEADERS):
            dirs.add(path.parent)
    return sorted(str(d.relative_to(folder)) or "." for d in dirs)


def _counts(root: Any) -> Counts:
    children = root.findall("Children/Child")
    return Counts(
        children=len(children),
        episodes=sum(len(c.findall("CINdetails")) for c in children),
        plans=sum(len(c.findall("CINdetails/ChildProtectionPlans")) for c in children),
    )


def _leaves(el: Any, prefix: str, out: set[tuple[str, str]]) -> None:
    for sub in el:
        if not isinstance(sub.tag, str) or sub.tag in NOT_COMPARED:
            continue
        key = KEYS.get(sub.tag)
        step = f"{sub.tag}[{(sub.findtext(key) or '').strip()}]" if key else sub.tag
        if len(sub):
            _leaves(sub, f"{prefix}/{step}", out)
        else:
            out.add((f"{prefix}/{step}", (sub.text or "").strip()))


def child_leaves(child: Any) -> set[tuple[str, str]]:
    """A child's facts as (element path, value): repeated elements keyed by start date, and
    lists (disabilities, factors, review dates) as sets, so order and grouping do not count."""
    out: set[tuple[str, str]] = set()
    _leaves(child, "Child", out)
    return out


def compare_children(in_file: dict[str, Any], in_haven: dict[str, Any]) -> list[Difference]:
    """Every element a child's facts differ on, children keyed by the file's LAchildID."""
    out: list[Difference] = []
    for child in sorted(set(in_file) | set(in_haven)):
        if child not in in_haven:
            out.append(Difference(child, "Child", "in the file", "not in Haven's return"))
            continue
        if child not in in_file:
            out.append(Difference(child, "Child", "not in the file", "in Haven's return"))
            continue
        a, b = child_leaves(in_file[child]), child_leaves(in_haven[child])
        if a == b:
            continue
        by_path: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
        for path, value in a - b:
            by_path[path][0].add(value)
        for path, value in b - a:
            by_path[path][1].add(value)
        for path, (mine, theirs) in sorted(by_path.items()):
            out.append(Difference(child, path, " ".join(sorted(mine)), " ".join(sorted(theirs))))
    return out


def _children_by_id(root: Any) -> dict[str, Any]:
    return {
        (c.findtext("ChildIdentifiers/LAchildID") or "").strip(): c
        for c in root.findall("Children/Child")
    }


# -- the figures, from the files ---------------------------------------------------------------


def _day(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# (name on Haven's figures pages, label)
FIGURES = (
    ("referrals", "Referrals"),
    ("re_referral_rate_pct", "Re-referral rate (%)"),
    ("assessments_authorised", "Assessments authorised"),
    ("assessments_within_45wd_pct", "Assessments within 45 working days (%)"),
    ("icpc_held", "Initial conferences held"),
    ("icpc_within_15wd_pct", "Initial conferences within 15 working days (%)"),
    ("children_on_cpp_at_year_end", "Children on a child protection plan on 31 March"),
)


def figures_from_files(
    root: Any, year: int, referrals_by_child: dict[str, list[datetime.date]]
) -> dict[str, float | int | None]:
    """The year's figures as a council would count them from its file alone (and, for
    re-referrals, every file's referral dates), by the definitions Haven's pages use."""
    cy = census.CollectionYear(year)
    days = calendar()
    referrals = re_referrals = authorised = in_45 = 0
    icpcs: set[tuple[str, datetime.date]] = set()
    icpc_in_15: set[tuple[str, datetime.date]] = set()
    on_plan: set[str] = set()
    for child in root.findall("Children/Child"):
        cid = (child.findtext("ChildIdentifiers/LAchildID") or "").strip()
        for ep in child.findall("CINdetails"):
            referred = _day(ep.findtext("CINreferralDate"))
            if cy.contains(referred):
                referrals += 1
                re_referrals += is_re_referral(referred, referrals_by_child.get(cid, []))
            for a in ep.findall("Assessments"):
                start = _day(a.findtext("AssessmentActualStartDate"))
                done = _day(a.findtext("AssessmentAuthorisationDate"))
                if cy.contains(done) and start is not None and done is not None:
                    authorised += 1
                    in_45 += days.working_days_between(start, done) <= ASSESSMENT_WORKING_DAYS
            held = _day(ep.findtext("DateOfInitialCPC"))
            if cy.contains(held) and held is not None:
                icpcs.add((cid, held))
            for s in ep.findall("Section47"):
                start = _day(s.findtext("S47ActualStartDate"))
                held = _day(s.findtext("DateOfInitialCPC"))
                if cy.contains(held) and held is not None:
                    icpcs.add((cid, held))
                    if start is not None and days.working_days_between(start, held) <= (
                        ICPC_WORKING_DAYS
                    ):
                        icpc_in_15.add((cid, held))
            for p in ep.findall("ChildProtectionPlans"):
                start, end = _day(p.findtext("CPPstartDate")), _day(p.findtext("CPPendDate"))
                if (
                    start
                    and start <= cy.reference_date
                    and (end is None or end > cy.reference_date)
                ):
                    on_plan.add(cid)
    return {
        "referrals": referrals,
        "re_referral_rate_pct": _pct(re_referrals, referrals),
        "assessments_authorised": authorised,
        "assessments_within_45wd_pct": _pct(in_45, authorised),
        "icpc_held": len(icpcs),
        "icpc_within_15wd_pct": _pct(len(icpc_in_15), len(icpcs)),
        "children_on_cpp_at_year_end": len(on_plan),
    }


def figures_in_haven(year: int, user: Any) -> dict[str, Any]:
    from haven.performance import periods, selectors
    from haven.performance.front_door import FRONT_DOOR
    from haven.performance.protection import CHILD_PROTECTION

    period = periods.dfe_year(year)
    values: dict[str, Any] = {}
    for page in (FRONT_DOOR, CHILD_PROTECTION):
        values.update(
            selectors.figures_compute(page=page, periods=[period], user=user).values(period)
        )
    return values


# -- the rehearsal -----------------------------------------------------------------------------


def _rehearsal_user() -> Any:
    from haven.accounts.models import Role, User

    return User.objects.create_user(
        username="migration-rehearsal", password=None, role=Role.PERFORMANCE_ANALYST
    )


def _number_people_after(files: list[_File]) -> None:
    """Number the throwaway database's people after every Haven LAchildID in the files (``H``
    and the person's id in the Haven that made them). The importer takes such an ID in a file
    from this LA as the Haven record of that number when the date of birth agrees: in a
    throwaway database those numbers are other children's, and a child new in a later year
    was once taken for an earlier year's child born the same day. Numbered after them, a
    child is found again only by the ID its first year's import recorded, as in a new Haven."""
    from django.db import connections

    from haven.core.database import OWNER_ALIAS
    from haven.returns.importer import HAVEN_ID_RE

    highest = 0
    for f in files:
        for cid in _children_by_id(f.root):
            found = HAVEN_ID_RE.match(cid)
            if found:
                highest = max(highest, int(found.group(1)))
    if highest:
        with connections[OWNER_ALIAS].cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('people_person', 'id'), %s)", [highest]
            )


def _new_errors(
    before: ValidationResult, after: ValidationResult, file_id: dict[str, str]
) -> list[NewError]:
    had = before.keys()
    out: dict[tuple[str, str], NewError] = {}
    for issue in after.errors:
        child = file_id.get(issue.child_id, issue.child_id)
        if (issue.rule_code, child) not in had:
            out.setdefault(
                (issue.rule_code, child), NewError(issue.rule_code, child, issue.message)
            )
    return sorted(out.values(), key=lambda e: (e.rule, e.child))


def rehearse(
    folder: Path,
    *,
    validate: bool = True,
    say: Callable[[str], None] = lambda line: None,
) -> Rehearsal:
    """Rehearse the folder's returns in a scratch database; see the module docstring."""
    from haven.migration.scratch import scratch_database
    from haven.returns.export import cin_census_build
    from haven.returns.models import ExternalIdentifier

    started = time.perf_counter()
    result = Rehearsal(folder)
    files, result.refused = census_files(folder)
    result.ssda903 = ssda903_dirs(folder)
    if not files:
        result.seconds = time.perf_counter() - started
        return result
    referrals_by_child: dict[str, list[datetime.date]] = defaultdict(list)
    for f in files:
        for cid, child in _children_by_id(f.root).items():
            for ep in child.findall("CINdetails"):
                day = _day(ep.findtext("CINreferralDate"))
                if day is not None:
                    referrals_by_child[cid].append(day)

    # The files' own DfE issues need no database: they run beside the imports, in the
    # validator's own process (two at most, on this two-core machine).
    pool = ThreadPoolExecutor(max_workers=1)
    checked: dict[int, Future[ValidationResult]] = {}
    after: dict[int, tuple[Future[ValidationResult], dict[str, str]]] = {}
    if validate:
        for f in files:
            checked[f.year] = pool.submit(
                validate_cin_bytes, f.data, ruleset=census.CollectionYear(f.year).ruleset
            )
    try:
        with scratch_database() as name:
            say(f"Scratch database {name}")
            _number_people_after(files)
            user = _rehearsal_user()
            for f in files:
                year = YearResult(f.year, str(f.path.relative_to(folder)), _counts(f.root))
                result.years.append(year)
                t = time.perf_counter()
                year.report = cin_census_import(
                    data=f.data,
                    user=user,
                    dry_run=False,
                    defects="import",
                    source_name=year.file,
                )
                year.seconds["import"] = time.perf_counter() - t
                say(
                    f"{f.year}: imported {year.file} in {year.seconds['import']:.1f} s"
                    if year.imported
                    else f"{f.year}: {year.file} was not imported ({len(year.report.rejected)} "
                    "children rejected)"
                )
            for f, year in zip(files, result.years, strict=True):
                if not year.imported:
                    continue  # its rejected records are the finding: nothing to compare
                t = time.perf_counter()
                export = cin_census_build(year=f.year)
                year.seconds["export"] = time.perf_counter() - t
                out = etree.fromstring(export.xml)
                year.after = _counts(out)
                # Haven's LAchildID -> the person -> the LAchildID this file gave them.
                person_file_id = {
                    c.person_id: c.la_child_id
                    for c in (year.report.children if year.report else [])
                    if c.person_id is not None
                }
                system = year.report.system if year.report else ""
                for pid, value in ExternalIdentifier.objects.filter(
                    system=system, person_id__in=list(export.person_ids.values())
                ).values_list("person_id", "value"):
                    person_file_id.setdefault(pid, value)
                file_id = {
                    haven_id: person_file_id.get(pid, haven_id)
                    for haven_id, pid in export.person_ids.items()
                }
                ours = {file_id.get(cid, cid): child for cid, child in _children_by_id(out).items()}
                year.differences = compare_children(_children_by_id(f.root), ours)
                mine = figures_from_files(f.root, f.year, referrals_by_child)
                theirs = figures_in_haven(f.year, user)
                year.figures = [
                    Figure(key, label, mine[key], theirs.get(key)) for key, label in FIGURES
                ]
                if validate:
                    # Checked in the background while the next year is exported and compared.
                    after[f.year] = (
                        pool.submit(
                            validate_cin_bytes,
                            export.xml,
                            ruleset=census.CollectionYear(f.year).ruleset,
                        ),
                        file_id,
                    )
                say(f"{f.year}: {len(year.differences)} differences")
            for year in result.years:
                if year.year not in after:
                    continue
                t = time.perf_counter()
                future, file_id = after[year.year]
                try:
                    before, exported = checked[year.year].result(), future.result()
                except Exception as exc:  # the validators missing or failing
                    year.validator = str(exc)
                else:
                    year.errors_in_file = len(before.errors)
                    year.new_errors = _new_errors(before, exported, file_id)
                year.seconds["validate_waited"] = time.perf_counter() - t
                say(f"{year.year}: {len(year.new_errors)} new DfE errors")
    finally:
        pool.shutdown(cancel_futures=True)
    result.seconds = time.perf_counter() - started
    return result
