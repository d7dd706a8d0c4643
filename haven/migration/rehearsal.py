"""Rehearse a migration to Haven from a folder of past returns, in a throwaway database.

Every CIN census file in the folder (any ``*.xml`` in it or below it) is imported into a scratch
database (``scratch.scratch_database``), oldest collection year first, as ``haven returns
import-cin --import-defects --commit`` would; then every SSDA903 table in it (any ``*.csv``
whose columns are a table's), every year at once, as ``haven returns import-903 --commit``
would, a child the census brought in matched by their LAchildID. Each year is then exported
again from what Haven holds and compared with its files: the census child by child, the
SSDA903 table by table and row by row (``ssda903.compare_year``); both are put through the
DfE's rules, and the figures a council publishes are computed from the files and by Haven
beside each other. Nothing is written to Haven's own database. ``Rehearsal.clean`` is what a
council signs off on: no file refused, no record rejected, no difference, no DfE error the
files did not have, and the figures the same. What the SSDA903 import leaves out on purpose
(tables and columns it does not import yet) is listed as not imported, beside.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from haven.core.calendar import calendar
from haven.migration.ssda903 import (
    Year903,
    as_return,
    care_began_before,
    compare_year,
    folders_of,
    folders_of_year,
    read_export,
    rows_of_year,
    same_rows,
    ssda903_files,
    with_what_was_left,
)
from haven.returns import census
from haven.returns.import903 import (
    ImportReport903,
    Source,
    SSDA903FileError,
    read_903,
    ssda903_import_read,
)
from haven.returns.import903 import Problem as SSDA903Problem
from haven.returns.importer import (
    CensusFileError,
    ImportReport,
    Problem,
    cin_census_import,
    header_year,
    is_re_referral,
    read_census,
)
from haven.returns.ssda903 import SSDA903Export
from haven.returns.validation import (
    ValidationResult,
    validate_903_export,
    validate_cin_bytes,
)

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
    table: str = ""  # the SSDA903 table the rule flags a row of


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
    ssda903_folders: list[str] = field(default_factory=list)  # where SSDA903 tables were found
    ssda903_tables: list[tuple[str, str, int]] = field(default_factory=list)  # name, table, year
    ssda903_report: ImportReport903 | None = None
    ssda903_years: list[Year903] = field(default_factory=list)
    ssda903_seconds: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ssda903_imported(self) -> bool:
        return self.ssda903_report is not None and self.ssda903_report.committed

    @property
    def ssda903_rejected(self) -> list[tuple[int | None, str, str, str, str]]:
        """(year, child, element, value, reason): rows refused on reading and children refused
        when their records were made (then nothing of the SSDA903 was imported)."""
        report = self.ssda903_report
        if report is None:
            return []
        year_of = {name: year for name, _, year in self.ssda903_tables}
        return [
            (year_of.get(p.file), child, _where(p), p.value, p.reason)
            for child, p in [("", p) for p in report.problems]
            + [(c.child, p) for c in report.rejected for p in c.problems]
        ]

    @property
    def clean(self) -> bool:
        return (
            bool(self.years or self.ssda903_years)
            and not self.refused
            and all(y.clean for y in self.years)
            and (not self.ssda903_folders or self.ssda903_imported)
            and all(y.clean for y in self.ssda903_years)
        )


def _where(p: Any) -> str:
    """An SSDA903 problem's place: table, file, row and column."""
    return " ".join(x for x in (p.table, p.file, f"row {p.row}" if p.row else "", p.column) if x)


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


def _number_people_after(files: list[_File], source: Source | None) -> None:
    """Number the throwaway database's people after every Haven LAchildID in the files (``H``
    and the person's id in the Haven that made them, in the census and the SSDA903 alike). The
    importers take such an ID in a file from this LA as the Haven record of that number when
    the date of birth agrees: in a throwaway database those numbers are other children's, and
    a child new in a later year was once taken for an earlier year's child born the same day.
    Numbered after them, a child is found again only by the ID its first import recorded, as
    in a new Haven."""
    from django.db import connections

    from haven.core.database import OWNER_ALIAS
    from haven.returns.importer import HAVEN_ID_RE

    ids = [cid for f in files for cid in _children_by_id(f.root)]
    if source is not None:
        ids.extend(r["CHILD"] for rows in source.rows.values() for r in rows)
    highest = 0
    for cid in ids:
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
                (issue.rule_code, child),
                NewError(issue.rule_code, child, issue.message, issue.table),
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

    started = time.perf_counter()
    result = Rehearsal(folder)
    files, result.refused = census_files(folder)
    tables = ssda903_files(folder)
    result.ssda903_folders = folders_of(tables)
    source = None
    if tables:
        try:
            source = read_903(tables)
        except SSDA903FileError as exc:
            result.refused.append((", ".join(result.ssda903_folders), str(exc)))
        else:
            result.ssda903_tables = source.files
    if not files and source is None:
        result.seconds = time.perf_counter() - started
        return result

    # The DfE's rules run in the validators' own process: the files' need no database, so they
    # run beside the imports; Haven's returns beside the comparisons (one at a time, and
    # yielding the processor to the imports, whose end the rest waits for).
    pool = ThreadPoolExecutor(max_workers=1, initializer=_yield_to_the_imports)
    checks = _Checks(pool, validate)
    for f in files:
        checks.file(
            ("cin", f.year),
            validate_cin_bytes,
            f.data,
            ruleset=census.CollectionYear(f.year).ruleset,
        )
    if source is not None:
        for y in source.years:
            checks.file(("ssda903", y), validate_903_export, _file_return(source, y))
    try:
        with scratch_database() as name:
            say(f"Scratch database {name}")
            _number_people_after(files, source)
            user = _rehearsal_user()
            # The SSDA903's children the census does not name need nothing from it: they are
            # imported in a second process beside the census; the others after it, here.
            # The SSDA903's children no census file names need nothing from the census: they
            # are imported in a second process beside the census imports. Those it names are
            # matched to what the census brought in: imported after it, two thirds of them in
            # a second process again. Every part commits, or none.
            census_ids = {cid for f in files for cid in _children_by_id(f.root)}
            sides: list[_SideImport] = []
            if source is not None:
                named, apart = _split(source, lambda child: child in census_ids)
                if apart.rows:
                    sides.append(_SideImport(name, apart, user.pk))
            t = time.perf_counter()
            _import_census(folder, files, result, user, say)
            if source is not None:
                here, there = _split(named, _a_third(named))
                if there.rows:
                    sides.append(_SideImport(name, there, user.pk))
            # The census's return does not read what the SSDA903 makes: it is compared while
            # the other process imports, and this one then takes the smaller share.
            _compare_census(files, result, user, checks, say)
            if source is not None:
                result.ssda903_report = _import_ssda903(here, sides, user)
                result.ssda903_seconds["import"] = time.perf_counter() - t
                report = result.ssda903_report
                say(
                    f"SSDA903 {', '.join(map(str, source.years))}: imported "
                    f"({result.ssda903_seconds['import']:.1f} s with the census)"
                    if report.committed
                    else f"SSDA903: not imported ({len(report.rejected)} children and "
                    f"{len(report.problems)} rows rejected)"
                )
            if source is not None:
                _compare_ssda903(source, result, checks, say)
            checks.wait(result, say)
    finally:
        pool.shutdown(cancel_futures=True)
    result.seconds = time.perf_counter() - started
    return result


# -- the SSDA903 import, in several processes ---------------------------------------------------


def _split(source: Source, here: Callable[[str], bool]) -> tuple[Source, Source]:
    """The tables' rows of the children ``here`` keeps, and of the others (with nothing read
    about the files: that stays with the first, so it is reported once)."""
    kept, other = Source(), Source()
    kept.problems, kept.notes, kept.files, kept.counts = (
        source.problems,
        source.notes,
        source.files,
        source.counts,
    )
    for table, rows in source.rows.items():
        for row in rows:
            (kept if here(row["CHILD"]) else other).rows[table].append(row)
    return kept, other


def _a_third(source: Source) -> Callable[[str], bool]:
    """A third of the children, by the record the census import made for them (two IDs it took
    for one child stay in one process: two processes would wait on each other's lock)."""
    from haven.returns.models import ExternalIdentifier

    children = {r["CHILD"] for rows in source.rows.values() for r in rows}
    person = dict(
        ExternalIdentifier.objects.filter(
            system__startswith="cin:", value__in=list(children)
        ).values_list("value", "person_id")
    )
    people = sorted({str(person.get(c, c)) for c in children})
    first = set(people[::3])
    return lambda child: str(person.get(child, child)) in first


class _SideImport:
    """The SSDA903 import of some children in a process of its own (the other core), in its own
    transaction, which it commits only when told: both parts go in, or neither."""

    def __init__(self, database: str, source: Source, user_id: int) -> None:
        import multiprocessing
        import pickle

        from haven.migration.side import side_import

        context = multiprocessing.get_context("spawn")
        self.conn, theirs = context.Pipe()
        # The tables go pickled: the new process can read them only once Django is set up.
        self.process = context.Process(
            target=side_import,
            args=(theirs, database, pickle.dumps(source), user_id),
            daemon=True,
        )
        self.process.start()
        theirs.close()
        self.report: ImportReport903 | str | None = None
        self.decided = False

    def result(self) -> ImportReport903 | str:
        """Its report when its children are done (still in its transaction), or why it failed."""
        if self.report is None:
            try:
                self.report = self.conn.recv()
            except EOFError:
                self.report = "the second import process stopped"
        assert self.report is not None
        return self.report

    def decide(self, commit: bool) -> None:
        report = self.result()
        if not self.decided and isinstance(report, ImportReport903):
            self.conn.send(commit)
        self.decided = True

    def finish(self) -> str:
        """Wait until it has committed or rolled back: "done", or why it failed."""
        self.decide(False)
        try:
            last = self.conn.recv()
        except EOFError:
            last = "the second import process stopped"
        self.process.join(timeout=60)
        self.conn.close()
        return str(last)


def _import_ssda903(source: Source, sides: list[_SideImport], user: Any) -> ImportReport903:
    """Import the tables as ``haven returns import-903 --commit`` would: every child or none,
    here and in the other processes."""
    if not sides:
        return ssda903_import_read(source=source, user=user, dry_run=False)

    def together(report: ImportReport903) -> bool:
        theirs = [side.result() for side in sides]
        commit = all(isinstance(r, ImportReport903) and r.ok for r in theirs)
        for side in sides:
            side.decide(commit)
        return commit

    finished: list[str] = []
    try:
        report = ssda903_import_read(source=source, user=user, dry_run=False, commit_if=together)
        theirs = [side.result() for side in sides]
    finally:
        finished = [side.finish() for side in sides]
    failed = [r for r in theirs if isinstance(r, str)] + [f for f in finished if f != "done"]
    for why in failed:
        report.problems.append(SSDA903Problem("", "", 0, "", "", why))
    report.committed = report.committed and not failed
    for part in theirs:
        if isinstance(part, ImportReport903):
            report.children.extend(part.children)
            report.counts.update(part.counts)
            report.committed = report.committed and part.ok
    report.children.sort(key=lambda c: c.child)
    return report


def _yield_to_the_imports() -> None:
    """Lower this thread's priority, and so its validators' processes' (on Linux a thread's
    nice value is its own, and a process started from it inherits it)."""
    import os

    with contextlib.suppress(OSError, AttributeError):
        os.nice(10)


class _Checks:
    """The DfE rules on each file and on Haven's return of its year, run in the background."""

    def __init__(self, pool: ThreadPoolExecutor, validate: bool) -> None:
        self.pool = pool
        self.validate = validate
        self.files: dict[tuple[str, int], Future[ValidationResult]] = {}
        self.haven: dict[tuple[str, int], tuple[Future[ValidationResult], dict[str, str]]] = {}

    def file(
        self,
        key: tuple[str, int],
        check: Callable[..., ValidationResult],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        if self.validate:
            self.files[key] = self.pool.submit(check, *args, **kwargs)

    def haven_return(
        self,
        key: tuple[str, int],
        file_id: dict[str, str],
        check: Callable[..., ValidationResult],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        if self.validate:
            self.haven[key] = (self.pool.submit(check, *args, **kwargs), file_id)

    def wait(self, result: Rehearsal, say: Callable[[str], None]) -> None:
        years: list[YearResult | Year903] = [*result.years, *result.ssda903_years]
        for year in years:
            key = ("ssda903" if isinstance(year, Year903) else "cin", year.year)
            if isinstance(year, Year903) and year.checked_as_the_files and key in self.files:
                t = time.perf_counter()
                try:
                    year.errors_in_file = len(self.files[key].result().errors)
                except Exception as exc:  # the validators missing or failing
                    year.validator = str(exc)
                year.seconds["validate_waited"] = time.perf_counter() - t
                say(f"{key[0]} {year.year}: the files' rows, so no new DfE errors")
                continue
            if key not in self.haven:
                continue
            t = time.perf_counter()
            future, file_id = self.haven[key]
            try:
                before, exported = self.files[key].result(), future.result()
            except Exception as exc:  # the validators missing or failing
                year.validator = str(exc)
            else:
                year.errors_in_file = len(before.errors)
                year.new_errors = _new_errors(before, exported, file_id)
            year.seconds["validate_waited"] = time.perf_counter() - t
            say(f"{key[0]} {year.year}: {len(year.new_errors)} new DfE errors")


def _import_census(
    folder: Path, files: list[_File], result: Rehearsal, user: Any, say: Callable[[str], None]
) -> None:
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


def _compare_census(
    files: list[_File],
    result: Rehearsal,
    user: Any,
    checks: _Checks,
    say: Callable[[str], None],
) -> None:
    from haven.returns.export import cin_census_build
    from haven.returns.models import ExternalIdentifier

    referrals_by_child: dict[str, list[datetime.date]] = defaultdict(list)
    for f in files:
        for cid, child in _children_by_id(f.root).items():
            for ep in child.findall("CINdetails"):
                day = _day(ep.findtext("CINreferralDate"))
                if day is not None:
                    referrals_by_child[cid].append(day)
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
        year.figures = [Figure(key, label, mine[key], theirs.get(key)) for key, label in FIGURES]
        # Checked in the background while the next year is exported and compared.
        checks.haven_return(
            ("cin", f.year),
            file_id,
            validate_cin_bytes,
            export.xml,
            ruleset=census.CollectionYear(f.year).ruleset,
        )
        say(f"{f.year}: {len(year.differences)} differences")


def _file_return(source: Source, year: int) -> SSDA903Export:
    """A year's tables in the files as a return, with the year before if the files hold it
    (the DfE rules compare the two), for the rules to run on."""
    previous = as_return(source, year - 1) if year - 1 in source.years else None
    return as_return(source, year, previous)


def _compare_ssda903(
    source: Source, result: Rehearsal, checks: _Checks, say: Callable[[str], None]
) -> None:
    from haven.returns.ssda903 import ssda903_build

    report = result.ssda903_report
    cared_for = {r["CHILD"] for r in source.rows.get("Episodes", [])}
    began_before = care_began_before(source)
    person_file_id = {
        c.person_id: c.child for c in (report.children if report else []) if c.person_id is not None
    }
    built: dict[int, SSDA903Export] = {}
    same: dict[int, bool] = {}
    for y in source.years:
        year = Year903(y, folders_of_year(source, y))
        in_file = rows_of_year(source, y)
        year.rows_in_file = Counter({t: len(rows) for t, rows in in_file.items() if rows})
        result.ssda903_years.append(year)
        if not result.ssda903_imported:
            continue  # its rejected rows are the finding: nothing to compare
        t = time.perf_counter()
        # Each year once; the year before, for the DfE rules, is the one already built.
        export = ssda903_build(year=y, with_previous=False)
        year.seconds["export"] = time.perf_counter() - t
        file_id = {
            haven_id: person_file_id.get(pid, haven_id)
            for haven_id, pid in export.person_ids.items()
        }
        in_haven = read_export(export)
        year.rows_in_haven = Counter({t: len(rows) for t, rows in in_haven.items() if rows})
        year.differences, year.not_imported = compare_year(
            in_file, in_haven, file_id, cared_for, began_before
        )
        year.compared = True
        year.seconds["compare"] = time.perf_counter() - t - year.seconds["export"]
        built[y] = with_what_was_left(export, source, year.not_imported)
        # Rows the same as the files', and the year before's (which the rules compare with):
        # the DfE rules, a function of the rows, give what they gave the files.
        same[y] = same_rows(built[y], as_return(source, y), file_id) and same.get(y - 1, True)
        if y - 1 in built:
            built[y].previous = dataclasses.replace(built[y - 1], previous=None)
        year.checked_as_the_files = same[y]
        if not same[y]:
            checks.haven_return(("ssda903", y), file_id, validate_903_export, built[y])
        say(
            f"SSDA903 {y}: {len(year.differences)} differences, "
            f"{len(year.not_imported)} values not imported"
        )
