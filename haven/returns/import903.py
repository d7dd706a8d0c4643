"""Load another system's SSDA903 returns (children looked after) as history.

Two steps, both by ``ssda903_import``:

1. Read the files (``read_903``). A table is known by its columns, not its file name (the
   DfE's validator does the same); a folder may hold several years and a table split across
   files. A file's year is the four-digit year in its folder or file name (``2024/``,
   ``SSDA903_2024/``, ``episodes_2024.csv``; Haven's own ``previous_year/`` is the year
   before), else the collection year of the latest date in its folder's tables. Messy files
   are read as they come: a byte order mark, Windows line endings, blank rows, dates as
   DD/MM/YYYY or YYYY-MM-DD; a duplicate row is reported and read once (but for Missing: two
   episodes on one day can be rows alike); an unknown code is
   rejected naming table, file, row, column and value. Where years overlap, a later year's row
   for the same record takes precedence (an episode is CHILD + DECOM; a review CHILD + REVIEW;
   a missing episode CHILD + MIS_START, though one that ended in its year stays, as no later
   return holds it; a child's UASC row CHILD; PrevPerm CHILD and year, for the periods of care
   starting in it; a Header row CHILD and
   year: every year's is kept, the latest giving the child's details).
2. Make each child's records through Haven's own services (``haven.care.services``,
   ``haven.missing.services``, ``haven.uasc.services``, ``haven.leavingcare.services``): events, not copied rows, so a row the
   services refuse is reported with the service's message (a period of care's reviews go in
   one call, ``care_reviews_import``, and a child's chronology entries in one insert,
   ``recorded_together``). A child is matched by CHILD: Haven's
   own LAchildID (``H`` and 8 digits, with the same date of birth), or the ID this system gave
   them on an earlier import (``ExternalIdentifier(system="ssda903")``), or the LAchildID a
   CIN census import recorded for one child (the DfE asks that CHILD be the census's
   LAchildID), with the same date of birth; else created from
   Header (SEX, DOB, ETHNIC, UPN) and allocated to the chosen team. Everything runs in one
   transaction, a savepoint per child; a dry run, or any problem, rolls it all back.

How episodes become a period of care: consecutive episodes (one ends X1 the day the next
starts) are one period; the first becomes looked after (``period_start``, with the previous
permanence of a PrevPerm row for a period starting in that year), each next one a change of
legal status (RNE L), a move (P, T: a new carer unless T) or both (B, U), with the reason for
the move from the episode it ends; a REC other than X1 ends the period (``period_end``). A
period whose first known episode is not S began before the history held: Haven's record starts
at that episode and keeps its RNE (``CarePeriod.known_from_rne``). What a return cannot say is
filled plainly: a carer is "Carer N (imported)"; a missing episode runs from noon to noon
(London) on its days (an hour after its start if that is later); an unaccompanied child
arrived on the day their care began (their status ceased on DUC if that day has come);
reviews have no chair.

A care leaver's OC3 row becomes their in-touch record on the birthday and, if in touch, their
activity and accommodation from it (``haven.leavingcare.services``), when their care is in the
files (Haven works out who is a care leaver from it); otherwise the row is counted, not made.

Header SEX 0 and 9 (GenderCurrent's, before 2024/25) are "not known" U and "not stated" N.
MOTHER 1 with MC_DOB (the latest year's) becomes the girl's parent relationship to her first
child: a record made with no more than the return says (born on MC_DOB, sex not known),
marked as imported; a child of hers born that day already in Haven is kept, not made again.

A child's OC2 row (looked after for the 12 months to 31 March) becomes the health records
Haven computes OC2 from (``haven.care.services.health_records_import``, with the checks of
``health_record``): a health assessment, the immunisations check and its finding, a dental
check, substance misuse with the intervention offered and received, a conviction, the SDQ
score or the reason for none. The return gives no
dates: each is dated where it counts for that year (30 March; a health assessment of an
under-5 not up to date at 31 March, 1 April) and its chronology entry says so.

PlacedAdoption becomes the decision that the child should be placed for adoption and, with
DATE_PLACED_CEASED, its reversal (``haven.adoption.services``, while the period of care it was
made in is open: an open plan stops care ending other than by adoption). An adopted child's
plan would go on to a match with adopters, whom the return does not name: their AD1 and
PlacedAdoption rows are kept in their ``ImportedHistory`` as the return gave them, and the
export reads them there (``ADOPTION_KEPT``); no adopters and no plan are made for them.

SWEpisodes (a child's social workers, who were another system's users) and DoLo (Haven records no
deprivation of liberty orders yet) are kept in the child's ``ImportedHistory`` as the returns gave
them, and the export reads them there for a year Haven's own records give none of
(``KEPT_AS_GIVEN``).
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from haven.care import codes as care_codes
from haven.care import health
from haven.care.episodes import derived_once
from haven.chronology.services import imported_from, recorded_together
from haven.core.calendar import LONDON, add_calendar_months
from haven.core.errors import ConflictError
from haven.people.models import Ethnicity, Person
from haven.returns.census import GENDER_TO_SEX
from haven.returns.ssda903 import COLUMNS, PREVIOUS_DIR

SYSTEM = "ssda903"
IMPORTED_MARK = "Imported from the SSDA903"
# Entries about the child's record itself, which a later import keeps (the rest of what an
# import recorded is recorded again from the whole history).
PERSON_EVENTS = ("record_created", "allocated", "details_changed")
HAVEN_ID = re.compile(r"^H\d{8}$")
# Tables whose rows become records (or are kept as given: KEPT_AS_GIVEN).
IMPORTED = (
    "Header",
    "Episodes",
    "Reviews",
    "UASC",
    "PrevPerm",
    "Missing",
    "OC3",
    "OC2",
    "PlacedAdoption",
    "AD1",
    "SWEpisodes",
    "DoLo",
)
# The key a later year's row replaces an earlier year's by.
KEYS = {
    "Header": ("CHILD", "YEAR"),  # every year's: a mother's MC_DOB from any of them
    "Episodes": ("CHILD", "DECOM"),
    "Reviews": ("CHILD", "REVIEW"),
    "UASC": ("CHILD",),
    "PrevPerm": ("CHILD", "YEAR"),  # a year's, for the periods of care starting in it
    "Missing": ("CHILD", "MIS_START"),
    "OC3": ("CHILD", "YEAR"),  # a birthday a year
    "OC2": ("CHILD", "YEAR"),
    # Every year's: an adopted child's are kept as the return gave them (ADOPTION_KEPT).
    "PlacedAdoption": ("CHILD", "DATE_PLACED", "YEAR"),
    "AD1": ("CHILD", "YEAR"),
    # Every year's, kept as the return gave them (KEPT_AS_GIVEN).
    "SWEpisodes": ("CHILD", "SW_DECOM", "YEAR"),
    "DoLo": ("CHILD", "DOLO_START", "YEAR"),
}
# Tables whose rows alike in a file are each a record, not a duplicate read once: a missing
# episode's row gives its days, not its times, so two episodes on one day can be alike.
REPEATABLE = frozenset({"Missing"})
DATE_COLUMNS = frozenset(
    {"DOB", "MC_DOB", "DECOM", "DEC", "REVIEW", "DUC", "MIS_START", "MIS_END"}
    | {"DATE_INT", "DATE_MATCH", "DATE_PLACED", "DATE_PLACED_CEASED", "SW_DECOM", "SW_DEC"}
    | {"DOLO_START", "DOLO_END"}
)
# Dates that say which year a folder of tables is (a return holds none after its 31 March).
# (Only those of the tables imported: Haven's own SWEpisodes can start after 31 March.)
YEAR_DATES = ("DECOM", "DEC", "REVIEW", "MIS_START", "MIS_END")
# OC2's items that are 1 or 0 (or blank where they are not asked of the child).
OC2_FLAGS = tuple(
    column
    for column in health.OC2_COLUMNS
    if column not in ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON")
)
UPN_UNKNOWN = frozenset({"UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7", "UN8", "UN9", "UN10"})
# SEX: M, F, U (2024/25 on), 1 or 2 before; another system's 0 (not known) and 9 (not stated)
# are read as GenderCurrent's, and Haven's export writes them back so before 2024/25.
SEX_CODES = {"M": "M", "F": "F", "U": "U", **GENDER_TO_SEX}


def _codes(*choices: Any) -> frozenset[str]:
    return frozenset(v for c in choices for v in c.values)


def _code_lists() -> dict[str, tuple[frozenset[str], str]]:
    from haven.carers.models import AdoptersLegalStatus, AdoptersSex
    from haven.leavingcare import codes as lc
    from haven.missing.codes import MissingKind

    c = care_codes
    return {
        "SEX": (frozenset(SEX_CODES), "sex (M, F, U; 1 or 2 before 2024/25, or 0, 9)"),
        "ETHNIC": (_codes(Ethnicity), "ethnicity"),
        "RNE": (_codes(c.ReasonNewEpisode), "reason for new episode"),
        "LS": (_codes(c.LegalStatus), "legal status"),
        "CIN": (_codes(c.CategoryOfNeed), "category of need"),
        "PLACE": (_codes(c.PlacementType), "placement type"),
        "PLACE_PROVIDER": (_codes(c.PlacementProvider), "placement provider"),
        "REC": (_codes(c.ReasonEpisodeCeased), "reason episode ceased"),
        "REASON_PLACE_CHANGE": (_codes(c.ReasonPlaceChange), "reason for placement change"),
        "REVIEW_CODE": (_codes(c.Participation), "participation in review"),
        "MISSING": (_codes(MissingKind), "missing or away"),
        "PREV_PERM": (_codes(c.PreviousPermanence), "previous permanence"),
        "REASON_PLACED_CEASED": (_codes(c.AdoptionReversal), "why a plan for adoption ceased"),
        "FOSTER_CARE": (frozenset({"0", "1"}), "adopted by their foster carers (0 or 1)"),
        "NB_ADOPTR": (frozenset({"1", "2"}), "number of adopters (1 or 2)"),
        "SEX_ADOPTR": (_codes(AdoptersSex), "adopters' sex"),
        "LS_ADOPTR": (_codes(AdoptersLegalStatus), "adopters' legal status"),
        "IN_TOUCH": (_codes(lc.InTouch), "in touch"),
        "ACTIV": (_codes(lc.Activity) | {"0"}, "activity"),
        "ACCOM": (
            frozenset(f"{a}{s}" for a in lc.AccommodationType.values for s in "12") | {"0"},
            "accommodation (its letter, then 1 suitable or 2 not)",
        ),
    }


# An adopted child's adoption as the returns gave it (the import keeps these rows in the child's
# ImportedHistory; the export reads them there for the years before Haven): Haven's adoption
# plan needs the adopters, whom the return does not name.
ADOPTION_KEPT = ("AD1", "PlacedAdoption")
# What Haven makes no records of, kept in the child's ImportedHistory as the returns gave it and
# read there by the export for the years before Haven (``ssda903._kept``): a child's social
# workers were another system's users (SW_ID is that system's), and Haven records no
# deprivation of liberty orders yet; an adopted child's adoption (``ADOPTION_KEPT``).
KEPT_AS_GIVEN = (*ADOPTION_KEPT, "SWEpisodes", "DoLo")


class SSDA903FileError(ValueError):
    """Nothing in what was given is an SSDA903 table (nothing was imported)."""


@dataclass
class Problem:
    table: str
    file: str
    row: int  # the line in the file (the header is line 1); 0: the whole file or child
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.table} {self.file}" + (f" row {self.row}" if self.row else "")
        column = f" {self.column}" if self.column else ""
        value = f" = {self.value!r}" if self.value else ""
        return f"{where}{column}{value}: {self.reason}"


@dataclass
class Row:
    table: str
    year: int
    file: str
    line: int
    values: dict[str, str]
    batch: int = 1  # 0: kept from an earlier import; a tie in year goes to the newer import

    def as_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "year": self.year,
            "file": self.file,
            "line": self.line,
            "values": self.values,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        return cls(data["table"], data["year"], data["file"], data["line"], data["values"], 0)

    def __getitem__(self, column: str) -> str:
        if column == "YEAR":
            return str(self.year)
        return self.values.get(column, "")

    def date(self, column: str) -> datetime.date | None:
        return _parse_date(self[column])

    def problem(self, column: str, reason: str) -> Problem:
        return Problem(self.table, self.file, self.line, column, self[column], reason)


@dataclass
class Source:
    """The tables read, by collection year."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[tuple[str, str, int]] = field(default_factory=list)  # name, table, year
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def years(self) -> list[int]:
        return sorted({year for _, _, year in self.files})


def _parse_date(text: str) -> datetime.date | None:
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _year_in(name: str) -> int | None:
    parts = PurePosixPath(name).parts
    back = 0
    for part in reversed(parts):
        if part == PREVIOUS_DIR:
            back += 1
            continue
        found = re.findall(r"(?<!\d)(20\d\d)(?!\d)", part)
        if found:
            return int(found[-1]) - back
    return None


def _collection_year(day: datetime.date) -> int:
    return day.year + 1 if day.month >= 4 else day.year


# A table is known by its columns, in any order.
_TABLES = {frozenset(cols): name for name, cols in COLUMNS.items()}


def read_903(files: Iterable[tuple[str, bytes]]) -> Source:
    """Read the tables from ``(name, content)`` pairs (names relative to the folder given)."""
    source = Source()
    read: list[tuple[str, str, list[Row]]] = []
    for name, data in sorted(files):
        text = _decode(data)
        records = [r for r in csv.reader(io.StringIO(text, newline=""))]
        if not records:
            source.notes.append(f"{name}: empty, left out")
            continue
        header = tuple(c.strip().upper() for c in records[0])
        while header and header[-1] == "":
            header = header[:-1]
        table = _TABLES.get(frozenset(header)) if len(set(header)) == len(header) else None
        if table is None:
            source.notes.append(
                f"{name}: not an SSDA903 table (its columns are {', '.join(header[:8])}...), "
                "left out"
            )
            continue
        rows = []
        for line, record in enumerate(records[1:], start=2):
            cells = [c.strip() for c in record]
            if not any(cells):
                source.counts["blank rows left out"] += 1
                continue
            if len(cells) < len(header) or any(cells[len(header) :]):
                source.problems.append(
                    Problem(
                        table,
                        name,
                        line,
                        "",
                        ",".join(record),
                        f"has {len(cells)} cells; a {table} row has {len(header)}",
                    )
                )
                continue
            rows.append(Row(table, 0, name, line, dict(zip(header, cells, strict=False))))
        read.append((name, table, rows))

    # Years: from the name, else the latest date in the folder's tables.
    latest: dict[str, datetime.date] = {}
    for name, _, rows in read:
        folder = str(PurePosixPath(name).parent)
        for row in rows:
            for column in YEAR_DATES:
                day = row.date(column)
                if day is not None and (folder not in latest or day > latest[folder]):
                    latest[folder] = day
    for name, table, rows in read:
        year = _year_in(name)
        if year is None:
            day = latest.get(str(PurePosixPath(name).parent))
            if day is None:
                source.problems.append(
                    Problem(
                        table,
                        name,
                        0,
                        "",
                        "",
                        "cannot tell which year this file is: "
                        "put it in a folder named by the year (e.g. 2024/)",
                    )
                )
                continue
            year = _collection_year(day)
        source.files.append((name, table, year))
        for row in rows:
            row.year = year
        _check_values(table, rows, source)
    if not source.files and not source.problems:
        raise SSDA903FileError(
            "No SSDA903 table was found: a table is a CSV file whose first line is its "
            "columns (episodes: CHILD,DECOM,RNE,LS,...). " + " ".join(source.notes)
        )
    return source


def _check_values(table: str, rows: list[Row], source: Source) -> None:
    lists = _code_lists()
    seen: set[tuple[int, tuple[tuple[str, str], ...]]] = set()
    for row in rows:
        bad = []
        if not row["CHILD"]:
            bad.append(row.problem("CHILD", "the child's ID is required"))
        for column, value in row.values.items():
            if not value:
                continue
            if column in DATE_COLUMNS:
                day = _parse_date(value)
                if day is None:
                    bad.append(row.problem(column, "not a date (DD/MM/YYYY or YYYY-MM-DD)"))
                else:
                    row.values[column] = day.isoformat()
            elif column in lists and table in IMPORTED:
                allowed, what = lists[column]
                if value.upper() not in allowed:
                    bad.append(row.problem(column, f"not a DfE code for {what}"))
                else:
                    row.values[column] = value.upper()
        if bad:
            source.problems.extend(bad)
            continue
        identity = (row.year, tuple(sorted(row.values.items())))
        if identity in seen and table not in REPEATABLE:
            source.counts[f"duplicate {table} rows (read once)"] += 1
            source.notes.append(f"{row.file} row {row.line}: a duplicate {table} row, read once")
            continue
        seen.add(identity)
        source.rows[table].append(row)


def latest_rows(rows: list[Row], table: str) -> tuple[list[Row], int]:
    """One year's rows per record: where years overlap, a later year's rows for a record
    replace an earlier year's (and the number of rows so replaced), and a newer import's a
    year's rows the earlier import's. Rows of one year with the same key are all kept (two
    missing episodes starting the same day are two episodes), and so is an earlier year's row
    no later return holds again (``_settled``) unless a later year has it as it is."""

    def key(row: Row) -> tuple[str, ...]:
        return tuple(row[c] for c in KEYS[table])

    newest: dict[tuple[tuple[str, ...], int], int] = {}
    for row in rows:
        at = (key(row), row.year)
        newest[at] = max(newest.get(at, 0), row.batch)
    current = [r for r in rows if r.batch == newest[(key(r), r.year)]]
    latest: dict[tuple[str, ...], int] = {}
    for row in current:
        latest[key(row)] = max(latest.get(key(row), 0), row.year)
    again = Counter(
        (key(r), tuple(sorted(r.values.items()))) for r in current if r.year == latest[key(r)]
    )
    keep = []
    for row in current:
        if row.year != latest[key(row)]:
            if not _settled(row):
                continue
            alike = (key(row), tuple(sorted(row.values.items())))
            if again[alike]:
                again[alike] -= 1
                continue
        keep.append(row)
    keep.sort(key=lambda r: (r.year, r.batch, r.file, r.line))
    return keep, len(rows) - len(keep)


def _settled(row: Row) -> bool:
    """A row no later year's return holds again: a missing episode that ended by its year's
    end (a return holds the episodes of its year and the one open when it began). A later
    year's rows starting that day are other episodes, and do not replace it."""
    if row.table != "Missing":
        return False
    ended = row.date("MIS_END")
    return ended is not None and ended <= datetime.date(row.year, 3, 31)


# -- the report --------------------------------------------------------------------------------


@dataclass
class ChildResult:
    child: str
    action: str  # "create", "match" or "reject"
    person_id: int | None = None
    matched_by: str = ""
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ImportReport903:
    dry_run: bool
    years: list[int]
    problems: list[Problem] = field(default_factory=list)  # reading the files
    children: list[ChildResult] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def rejected(self) -> list[ChildResult]:
        return [c for c in self.children if c.action == "reject"]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.rejected

    def summary(self) -> dict[str, int]:
        actions = Counter(c.action for c in self.children)
        how = Counter(c.matched_by for c in self.children if c.action == "match")
        return {
            "children to create": actions["create"],
            "children matched": actions["match"],
            **{f"children matched by {k}": v for k, v in sorted(how.items())},
            "children rejected": actions["reject"],
            **({"rows rejected on reading": len(self.problems)} if self.problems else {}),
            **dict(sorted(self.counts.items())),
        }

    def lines(self) -> list[str]:
        out = [f"{k}: {v}" for k, v in self.summary().items()]
        out.extend(self.notes)
        out.extend(f"rejected: {p}" for p in self.problems)
        for child in self.rejected:
            out.append(f"rejected child {child.child}:")
            out.extend(f"  {p}" for p in child.problems)
        if self.ok:
            verb = "were" if self.committed else "would be"
            out.append(f"Nothing rejected: these records {verb} imported.")
        else:
            out.append("Nothing was imported: fix the rejected rows and import again.")
        return out


# -- making the records ------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _messages(exc: ValidationError | ConflictError) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(m for msgs in exc.message_dict.values() for m in msgs)
        return "; ".join(exc.messages)
    return str(exc)


def ssda903_import(
    *,
    files: Iterable[tuple[str, bytes]],
    user: Any,
    dry_run: bool = True,
    team: Any = None,
    progress: Callable[[int, int | None, str], None] | None = None,
) -> ImportReport903:
    """Read the tables and make each child's records; commit only if nothing is rejected and
    this is not a dry run. ``user`` must be allowed to import returns."""
    return ssda903_import_read(
        source=read_903(files), user=user, dry_run=dry_run, team=team, progress=progress
    )


def ssda903_import_read(
    *,
    source: Source,
    user: Any,
    dry_run: bool = True,
    team: Any = None,
    progress: Callable[[int, int | None, str], None] | None = None,
    commit_if: Callable[[ImportReport903], bool] | None = None,
) -> ImportReport903:
    """``ssda903_import`` of tables already read (the migration rehearsal reads them once, to
    import them and to compare them with Haven's return). ``commit_if``, asked with the report
    when nothing was rejected, can still roll it all back (the rehearsal imports two parts of
    the children side by side, and commits both or neither)."""
    from haven.accounts.permissions import importing_history

    report = ImportReport903(dry_run=dry_run, years=source.years, problems=list(source.problems))
    report.counts.update(source.counts)
    report.notes.extend(source.notes)
    merged: dict[str, list[Row]] = {}
    for table in IMPORTED:
        merged[table], replaced = latest_rows(source.rows.get(table, []), table)
        if replaced:
            report.counts[f"{table} rows replaced by a later year's"] += replaced
    for table in KEPT_AS_GIVEN:
        if table not in ADOPTION_KEPT and merged[table]:
            report.counts[f"{table} rows kept as the return gave them"] += len(merged[table])
    by_child: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for table, rows in merged.items():
        for row in rows:
            by_child[row["CHILD"]][table].append(row)
    try:
        with importing_history(user), transaction.atomic():
            ids = sorted(by_child)
            builder = _Builder(user, team, report, ids)
            for n, child in enumerate(ids):
                if progress and n % 200 == 0:
                    progress(n, len(ids), f"{n} of {len(ids)} children")
                builder.child(child, by_child[child])
            if dry_run or not report.ok:
                raise _Rollback
            if commit_if is not None and not commit_if(report):
                raise _Rollback
            report.committed = True
    except _Rollback:
        pass
    return report


BY_HAVEN_ID = "Haven's own ID"
BY_SYSTEM_ID = "their ID from an earlier import"
BY_CIN_ID = "their LAchildID in an imported CIN census"


class _Builder:
    def __init__(self, user: Any, team: Any, report: ImportReport903, ids: list[str]) -> None:
        from haven.returns.models import ExternalIdentifier

        self.user = user
        self.team = team
        self.report = report
        # The children an earlier import of this system's returns made (one query).
        self.system_ids: dict[str, int] = dict(
            ExternalIdentifier.objects.filter(system=SYSTEM, value__in=ids).values_list(
                "value", "person_id"
            )
        )
        # The children a CIN census import from the same system made: the DfE asks that a
        # child's SSDA903 CHILD be their CIN census LAchildID. Only an ID naming one child.
        cin: dict[str, set[int]] = defaultdict(set)
        for value, person_id in ExternalIdentifier.objects.filter(
            system__startswith="cin:", value__in=ids
        ).values_list("value", "person_id"):
            cin[value].add(person_id)
        self.cin_ids = {value: next(iter(p)) for value, p in cin.items() if len(p) == 1}
        self.known: dict[int, bool] = {}

    def child(self, child: str, tables: dict[str, list[Row]]) -> None:
        result = ChildResult(child=child, action="create")
        self.report.children.append(result)
        try:
            # A child's chronology entries go in with one insert, when their records are made.
            with transaction.atomic(), recorded_together():
                person = self._person(child, tables, result)
                if person is not None:
                    history = self._history(person, tables)
                    if result.matched_by == BY_SYSTEM_ID and tables.get("Header"):
                        person = self._details_from(person, tables["Header"][-1], result)
                    self._records(person, tables, result, history)
                    history.save()
                if result.problems:
                    raise _Rollback
        except _Rollback:
            result.action = "reject"
        except DatabaseError as exc:
            result.action = "reject"
            result.problems.append(Problem("", "", 0, "", "", f"the database refused it: {exc}"))

    # -- the child

    def _person(self, child: str, tables: dict[str, list[Row]], result: ChildResult) -> Any:
        from haven.people.services import allocation_set, person_create
        from haven.returns.models import ExternalIdentifier

        header = tables.get("Header", [])
        row = header[-1] if header else None
        born = row.date("DOB") if row else None
        person = None
        if HAVEN_ID.match(child):
            found = Person.objects.filter(pk=int(child[1:]), merged_into=None).first()
            if found is not None and (born is None or found.date_of_birth == born):
                person, result.matched_by = found, BY_HAVEN_ID
        if person is None:
            known = self.system_ids.get(child)
            if known is not None:
                person, result.matched_by = Person.objects.get(pk=known), BY_SYSTEM_ID
        if person is None and child in self.cin_ids:
            # Their details stay as the census gave them: the Header is compared, not copied.
            found = Person.objects.filter(pk=self.cin_ids[child], merged_into=None).first()
            if found is not None and (born is None or found.date_of_birth == born):
                person, result.matched_by = found, BY_CIN_ID
        if person is not None:
            result.action, result.person_id = "match", person.pk
            return person
        if row is None:
            first = next(r for rows in tables.values() for r in rows)
            result.problems.append(
                Problem(
                    first.table,
                    first.file,
                    first.line,
                    "CHILD",
                    child,
                    "no Header row for this child, and no child in Haven with this ID",
                )
            )
            return None
        upn = row["UPN"].upper()
        try:
            with imported_from(_source(row)):
                person = person_create(
                    by=self.user,
                    details={
                        "given_names": "Imported child",
                        "family_name": child,
                        "date_of_birth": born,
                        "sex": SEX_CODES.get(row["SEX"], "U"),
                        "ethnicity": row["ETHNIC"] or Ethnicity.NOBT,
                        "upn": "" if upn in UPN_UNKNOWN else upn,
                    },
                )
        except ValidationError as exc:
            result.problems.append(row.problem("", _messages(exc)))
            return None
        ExternalIdentifier.objects.create(person=person, system=SYSTEM, value=child)
        if self.team is not None:
            with imported_from(_source(row)):
                allocation_set(person=person, by=self.user, team=self.team)
        result.person_id = person.pk
        self.known[person.pk] = False  # new: no history, no records of Haven's own
        self.report.counts["children created"] += 1
        return person

    def _history(self, person: Any, tables: dict[str, list[Row]]) -> Any:
        """The child's imported history, merged with what an earlier import read: the records
        made then are removed here and made again from the whole (Haven's own are kept)."""
        from haven.chronology.models import ChronologyEvent
        from haven.returns.models import ImportedHistory

        history = None
        if self.known.get(person.pk, True):
            history = ImportedHistory.objects.filter(person=person).first()
        if history is None:
            history = ImportedHistory(person=person, system=SYSTEM)
        else:
            earlier = [Row.from_json(r) for r in history.rows]
            for table in KEYS:
                merged, _ = latest_rows(
                    [r for r in earlier if r.table == table] + tables.get(table, []), table
                )
                if merged:
                    tables[table] = merged
            # Periods of care last: what else was made may point to them.
            for label, ids in sorted(history.made.items(), key=lambda i: i[0] == "care.careperiod"):
                apps.get_model(label).objects.filter(pk__in=ids).delete()
            ChronologyEvent.objects.filter(person=person, detail__startswith=IMPORTED_MARK).exclude(
                event__in=PERSON_EVENTS
            ).delete()
            self.report.counts["children whose imported history was merged"] += 1
        history.rows = [r.as_json() for rows in tables.values() for r in rows]
        history.made = {}
        return history

    def _details_from(self, person: Any, row: Row, result: ChildResult) -> Any:
        """A child this system's returns made: their details as the latest Header gives them
        (so that years imported in any order agree)."""
        from haven.people.services import person_update

        upn = row["UPN"].upper()
        details = {
            "given_names": person.given_names,
            "family_name": person.family_name,
            "date_of_birth": row.date("DOB") or person.date_of_birth,
            "sex": SEX_CODES.get(row["SEX"], "U"),
            "ethnicity": row["ETHNIC"] or Ethnicity.NOBT,
            "upn": "" if upn in UPN_UNKNOWN else upn,
        }
        updated = self._call(
            result,
            row,
            "",
            lambda: person_update(
                person_id=person.pk, by=self.user, expected_version=person.version, details=details
            ),
        )
        return updated or person

    def _call(self, result: ChildResult, row: Row, column: str, do: Callable[[], Any]) -> Any:
        """Run a service (each is its own transaction) for ``row``: what it records in the
        chronology is marked as imported from the row; a refusal is the row's problem."""
        try:
            with imported_from(_source(row)):
                return do()
        except (ValidationError, ConflictError) as exc:
            result.problems.append(row.problem(column, _messages(exc)))
            return None

    # -- the records

    def _records(
        self, person: Any, tables: dict[str, list[Row]], result: ChildResult, history: Any
    ) -> None:
        from haven.care.models import CarePeriod
        from haven.missing.models import MissingEpisode
        from haven.uasc.models import UASCStatus

        # Haven's own records (a child matched by Haven's ID): what they hold is not made again.
        new = result.action == "create"
        own = [] if new else list(CarePeriod.objects.filter(person=person).order_by("start_date"))
        episodes = sorted(tables.get("Episodes", []), key=lambda r: r["DECOM"])
        periods = self._periods(episodes, result)
        prev_perm = {r.year: r for r in tables.get("PrevPerm", [])}
        placed = self._placed_rows(tables, episodes, own)
        made = list(own)
        for chain in periods:
            if _covering(own, chain[0].date("DECOM")) is not None:
                self.report.counts["episodes Haven already holds"] += len(chain)
                continue
            with derived_once():  # a chain's moves and statuses derive its episodes once
                period = self._period(person, chain, prev_perm, result, placed, history)
            if period is not None:
                made.append(period)
                _made(history, period)
                self.report.counts["periods of care"] += 1
                self.report.counts["episodes"] += len(chain)
        if not result.problems:
            result.problems.extend(
                row.problem("DATE_PLACED", "no period of care in the files covers this decision")
                for row in placed
            )
        held = set(_reviews_held(own)) if own else set()
        reviews: dict[int, tuple[Any, list[Row]]] = {}
        for row in sorted(tables.get("Reviews", []), key=lambda r: r["REVIEW"]):
            day = row.date("REVIEW")
            if day in held:
                self.report.counts["reviews Haven already holds"] += 1
                continue
            period = _covering(made, day)
            if period is None:
                result.problems.append(
                    row.problem("REVIEW", "no period of care in the files covers this review")
                )
                continue
            reviews.setdefault(period.pk, (period, []))[1].append(row)
        for period, rows in reviews.values():
            self._reviews(period, rows, result)
        missing = set()
        if not new:
            missing = {
                at.astimezone(LONDON).date()
                for at in MissingEpisode.objects.filter(person=person).values_list(
                    "started_at", flat=True
                )
            }
        self._missing_after: datetime.datetime | None = None
        # On one day, those that ended first first (the return gives days, not times).
        for row in sorted(
            tables.get("Missing", []), key=lambda r: (r["MIS_START"], r["MIS_END"] or "9")
        ):
            if row.date("MIS_START") in missing:
                self.report.counts["missing episodes Haven already holds"] += 1
                continue
            _made(history, self._missing(person, row, result))
        uasc = tables.get("UASC", [])
        if uasc and not new and UASCStatus.objects.filter(person=person).exists():
            uasc = []
        for row in uasc:
            _made(history, self._uasc(person, row, made, result))
        leaver = [r for r in tables.get("OC3", []) if r["IN_TOUCH"]]
        if leaver and own:
            # A care leaver of Haven's own: their records are Haven's, and give their OC3.
            self.report.counts["OC3 rows Haven already holds"] += len(leaver)
            leaver = []
        if leaver and not made:
            # Haven works out who is a care leaver from their care: without it, nothing to add.
            self.report.counts["OC3 rows of young people whose care is not in the files"] += len(
                leaver
            )
            leaver = []
        for row in sorted(leaver, key=lambda r: r.year):
            for record in self._oc3(person, row, result):
                _made(history, record)
        oc2 = tables.get("OC2", [])
        if oc2 and own:
            # Haven's own looked-after child: their health records are Haven's, and give OC2.
            self.report.counts["OC2 rows Haven already holds"] += len(oc2)
            oc2 = []
        for row in sorted(oc2, key=lambda r: r.year):
            for record in self._oc2(person, row, result):
                _made(history, record)
        self._mother(person, tables.get("Header", []), result)

    def _oc2(self, person: Any, row: Row, result: ChildResult) -> list[Any]:
        """A child's OC2 items (looked after for the 12 months to 31 March) as the health
        records Haven computes them from (``haven.care.health.oc2_rows``). The return gives no
        dates: each record is dated where it counts for the year, and says so: 30 March, but a
        health assessment of an under-5 whose checks were not up to date at 31 March (their
        next, 6 months on, was then overdue) on 1 April. A 0 is no record, but for
        immunisations, the check's finding."""
        from haven.care.codes import SDQReason
        from haven.care.health import age_on
        from haven.care.models import HealthKind
        from haven.care.services import HEALTH_ASSESSMENT, HealthEntry, health_records_import

        start, end = datetime.date(row.year - 1, 4, 1), datetime.date(row.year, 3, 31)
        late, early = end - datetime.timedelta(days=1), start
        bad = [
            row.problem(column, "not 0 or 1")
            for column in OC2_FLAGS
            if row[column] not in ("", "0", "1")
        ]
        score = row["SDQ_SCORE"]
        if score and not (score.isdigit() and 0 <= int(score) <= 40):
            bad.append(row.problem("SDQ_SCORE", "the SDQ score is a whole number from 0 to 40"))
        if row["SDQ_REASON"] and row["SDQ_REASON"] not in SDQReason.values:
            bad.append(row.problem("SDQ_REASON", "not a DfE code for why there is no SDQ score"))
        if bad:
            result.problems.extend(bad)
            return []
        born = person.date_of_birth
        # Haven's under-5s' development checks are their health assessments, 6 months apart:
        # up to date at 31 March only if one was held in the year.
        if row["HEALTH_CHECK"] == "1" and row["HEALTH_ASSESSMENT"] != "1":
            self.report.notes.append(
                f"{row.file} row {row.line}: HEALTH_CHECK 1 with no health assessment in the "
                "year cannot be kept (Haven counts an under-5's checks from their assessments, "
                "6 months apart): it comes back 0"
            )
        wanted: list[tuple[str, str, datetime.date, dict[str, Any]]] = []
        if row["HEALTH_ASSESSMENT"] == "1":
            on = early if row["HEALTH_CHECK"] == "0" else late
            wanted.append(("HEALTH_ASSESSMENT", HEALTH_ASSESSMENT, on, {}))
        if row["IMMUNISATIONS"]:
            up_to_date = row["IMMUNISATIONS"] == "1"
            wanted.append(
                ("IMMUNISATIONS", HealthKind.IMMUNISATIONS, late, {"up_to_date": up_to_date})
            )
        if row["TEETH_CHECK"] == "1":
            wanted.append(("TEETH_CHECK", HealthKind.DENTAL_CHECK, late, {}))
        if row["SUBSTANCE_MISUSE"] == "1":
            wanted.append(
                (
                    "SUBSTANCE_MISUSE",
                    HealthKind.SUBSTANCE_MISUSE,
                    late,
                    {
                        "intervention_received": row["INTERVENTION_RECEIVED"] == "1",
                        "intervention_offered": row["INTERVENTION_OFFERED"] == "1",
                    },
                )
            )
        if row["CONVICTED"] == "1":
            wanted.append(("CONVICTED", HealthKind.CONVICTION, late, {}))
        if score:
            wanted.append(("SDQ_SCORE", HealthKind.SDQ, late, {"sdq_score": int(score)}))
        elif row["SDQ_REASON"]:
            reason = row["SDQ_REASON"]
            fourth, seventeenth = (
                (add_calendar_months(born, 12 * n) if born else None) for n in (4, 17)
            )
            turned = any(day is not None and start <= day <= end for day in (fourth, seventeenth))
            if reason != SDQReason.SDQ1 or not turned:
                # SDQ1 (under 4 or 17 and over): on a day of the year when they were.
                on = late
                if reason == SDQReason.SDQ1 and born is not None:
                    age = age_on(born, early)
                    on = early if age is not None and (age < 4 or age >= 17) else late
                wanted.append(("SDQ_REASON", HealthKind.SDQ, on, {"sdq_reason": reason}))
            # else: no questionnaire in a year they turned 4 or 17 is SDQ1 as Haven exports it
        wanted.sort(key=lambda w: w[2])
        entries = [
            HealthEntry(
                kind=kind,
                on=on,
                notes=f"{_source(row)}: OC2 gives no date; dated {on:%-d %B %Y} to count in "
                f"the year to 31 March {row.year} it reports",
                **fields,
            )
            for _, kind, on, fields in wanted
        ]
        # One call for the row: a refusal names the item in its message (not looked after
        # that day, an SDQ reason for the child's age...).
        made = self._call(
            result,
            row,
            "",
            lambda: health_records_import(person=person, by=self.user, entries=entries),
        )
        if made is None:
            return []
        self.report.counts["OC2 rows"] += 1
        self.report.counts["health records made from OC2"] += len(made)
        return list(made)

    def _mother(self, person: Any, header: list[Row], result: ChildResult) -> None:
        """A looked-after mother (MOTHER 1) and her first child's date of birth (MC_DOB): Haven
        keeps them as her parent relationship to that child, as the return is made from. The
        child is a record of their own, made with no more than the return says (born on
        MC_DOB, sex not known) and marked as imported; one she already has is kept."""
        from haven.people.models import PersonKind, Relationship, RelationshipType
        from haven.people.services import allocation_set, person_create, relationship_add

        said = [r for r in header if r["MOTHER"] == "1"]
        if not said:
            return
        row = said[-1]  # the latest year's
        born = row.date("MC_DOB")
        if born is None:
            self.report.counts["mothers with no MC_DOB (no child made)"] += 1
            return
        if Relationship.objects.filter(
            person=person,
            relationship_type=RelationshipType.PARENT,
            relative_of__date_of_birth=born,
        ).exists():
            self.report.counts["mothers' first children Haven already holds"] += 1
            return

        def make() -> Any:
            baby = person_create(
                by=self.user,
                kind=PersonKind.CHILD,
                details={
                    "given_names": "First child of",
                    "family_name": row["CHILD"],
                    "date_of_birth": born,
                },
            )
            if self.team is not None:
                allocation_set(person=baby, by=self.user, team=self.team)
            return relationship_add(
                child=baby,
                by=self.user,
                relationship_type=RelationshipType.PARENT,
                relative=person,
                parental_responsibility=True,  # a child's mother has it from birth
                start_date=born,
            )

        if self._call(result, row, "MC_DOB", make) is not None:
            self.report.counts["mothers' first children (made from MC_DOB)"] += 1

    def _periods(self, episodes: list[Row], result: ChildResult) -> list[list[Row]]:
        """Episodes in periods of care: one ending X1 the day the next starts goes on."""
        periods: list[list[Row]] = []
        for row in episodes:
            if not row["DECOM"]:
                result.problems.append(row.problem("DECOM", "the episode's start is required"))
                continue
            last = periods[-1][-1] if periods else None
            if last is not None and last["REC"] == "X1":
                if last["DEC"] != row["DECOM"]:
                    result.problems.append(
                        row.problem(
                            "DECOM",
                            f"the episode before ended X1 on {last['DEC'] or '(no date)'}: the "
                            "next must start that day (import the years between)",
                        )
                    )
                    continue
                periods[-1].append(row)
            elif last is not None and not last["DEC"]:
                result.problems.append(
                    row.problem(
                        "DECOM",
                        f"the episode from {last['DECOM']} ({last.year} return) has not ended "
                        "in the files: import the years between",
                    )
                )
            else:
                periods.append([row])
        return periods

    def _details(self, row: Row, carer: int) -> Any:
        from haven.care.services import PlacementDetails

        start = row.date("DECOM")
        assert start is not None
        return PlacementDetails(
            place=_place_for(row["PLACE"], start),
            provider=row["PLACE_PROVIDER"],
            carer_name=f"Carer {carer} (imported)",
            postcode=row["PL_POST"],
            urn=row["URN"],
        )

    def _placed_rows(
        self, tables: dict[str, list[Row]], episodes: list[Row], own: list[Any]
    ) -> list[Row]:
        """The decisions to place for adoption to make (each as its latest year has it), in
        date order: none of a child Haven holds the care of, nor of one adopted. An adoption
        plan goes on to a match with adopters, whom the return does not name: an adopted
        child's AD1 and PlacedAdoption rows are kept in their imported history as the return
        gave them, and the export reads them there (``ADOPTION_KEPT``)."""
        rows, ad1 = tables.get("PlacedAdoption", []), tables.get("AD1", [])
        if (rows or ad1) and own:
            self.report.counts["PlacedAdoption and AD1 rows Haven already holds"] += len(
                rows
            ) + len(ad1)
            return []
        if ad1 or any(e["REC"] in ("E11", "E12") for e in episodes):
            self.report.counts[
                "PlacedAdoption and AD1 rows of adopted children, kept as the return gave them"
            ] += len(rows) + len(ad1)
            return []
        latest = {r["DATE_PLACED"]: r for r in sorted(rows, key=lambda r: r.year)}
        return [latest[day] for day in sorted(latest)]

    def _adoption_plan(self, person: Any, row: Row, result: ChildResult, history: Any) -> bool:
        """A decision that the child should be placed for adoption, and its reversal (both
        through ``haven.adoption.services``, while the period of care is open)."""
        from haven.adoption.services import adoption_plan_reverse, adoption_plan_start

        decided = row.date("DATE_PLACED")
        assert decided is not None
        plan = self._call(
            result,
            row,
            "DATE_PLACED",
            lambda: adoption_plan_start(person=person, by=self.user, decided_on=decided),
        )
        if plan is None:
            return False
        _made(history, plan)
        self.report.counts["decisions to place for adoption"] += 1
        ceased = row.date("DATE_PLACED_CEASED")
        if ceased is None:
            return True
        self.report.counts["decisions to place for adoption reversed"] += 1
        return (
            self._call(
                result,
                row,
                "DATE_PLACED_CEASED",
                lambda: adoption_plan_reverse(
                    plan=plan,
                    by=self.user,
                    reversed_on=ceased,
                    reversal_reason=row["REASON_PLACED_CEASED"],
                ),
            )
            is not None
        )

    def _period(
        self,
        person: Any,
        chain: list[Row],
        prev_perm: dict[int, Row],
        result: ChildResult,
        placed: list[Row],
        history: Any,
    ) -> Any:
        from haven.care import services

        first = chain[0]
        start = first.date("DECOM")
        assert start is not None
        prev = prev_perm.get(_collection_year(start))
        carer = 1
        period = self._call(
            result,
            first,
            "DECOM",
            lambda: services.period_start(
                person=person,
                by=self.user,
                start_date=start,
                legal_status=first["LS"],
                category_of_need=first["CIN"],
                placement=self._details(first, carer),
                home_postcode=first["HOME_POST"],
                previous_permanence=prev["PREV_PERM"] if prev else "",
                previous_permanence_la=prev["LA_PERM"] if prev else "",
                previous_permanence_on=prev["DATE_PERM"] if prev else "",
                known_from_rne=first["RNE"],
            ),
        )
        if period is None:
            return None
        for before, row in itertools.pairwise(chain):
            day = row.date("DECOM")
            assert day is not None
            rne = row["RNE"]
            status = rne in ("L", "B", "U")
            move = rne in ("P", "T", "B", "U")
            if row["CIN"] != first["CIN"]:
                result.problems.append(
                    row.problem(
                        "CIN",
                        f"Haven keeps one category of need for a period of care "
                        f"({first['CIN']} from {first['DECOM']})",
                    )
                )
            if move and rne in ("P", "B"):
                carer += 1

            def record_status(row: Row = row, day: datetime.date = day) -> Any:
                return services.legal_status_record(
                    period=period, by=self.user, code=row["LS"], start_date=day
                )

            def record_move(
                row: Row = row, day: datetime.date = day, before: Row = before, carer: int = carer
            ) -> Any:
                return services.placement_move(
                    period=period,
                    by=self.user,
                    start_date=day,
                    change_reason=before["REASON_PLACE_CHANGE"],
                    placement=self._details(row, carer),
                )

            steps = []
            if status:
                steps.append(("LS", record_status))
            if move:
                # Away from a placement with parents before a section 20 status, else after it.
                steps.insert(0 if row["LS"] == "V2" else len(steps), ("PLACE", record_move))
            for column, step in steps:
                if self._call(result, row, column, step) is None:
                    return period
        last = chain[-1]
        end = last.date("DEC")
        # Decisions to place for adoption made in the period, before it ends (an open one
        # stops care ending other than by adoption).
        for row in list(placed):
            decided = row.date("DATE_PLACED")
            if decided is not None and start <= decided and (end is None or decided <= end):
                placed.remove(row)
                if not self._adoption_plan(person, row, result, history):
                    return period
        if (end is None) != (not last["REC"]):
            column = "REC" if end is not None else "DEC"
            result.problems.append(
                last.problem(column, "an episode that ended has both its end date and reason")
            )
        elif last["REC"] == "X1":
            result.problems.append(
                last.problem(
                    "REC",
                    "X1 ends an episode for the next to start that day, "
                    "but the files hold no next episode (import the year after)",
                )
            )
        elif end is not None:
            ended = self._call(
                result,
                last,
                "REC",
                lambda: services.period_end(
                    period=period, by=self.user, end_date=end, reason=last["REC"]
                ),
            )
            # As it ended (the service's copy): the reviews and UASC rows look for the period
            # they fall in.
            period = ended or period
        return period

    def _reviews(self, period: Any, rows: list[Row], result: ChildResult) -> None:
        """A period of care's reviews, in one call (each entry in the chronology naming its
        row); if that is refused, one by one, so that the refusal names its row."""
        from haven.care.services import care_reviews_import

        def held(rows: list[Row]) -> Callable[[], Any]:
            return lambda: care_reviews_import(
                period=period,
                by=self.user,
                held=[(_required(r.date("REVIEW")), r["REVIEW_CODE"]) for r in rows],
            )

        source = {r.date("REVIEW"): _source(r) for r in rows}
        try:
            with imported_from(lambda review: source[review.held_on]):
                held(rows)()
        except (ValidationError, ConflictError):
            for row in rows:
                self._call(result, row, "REVIEW", held([row]))
        self.report.counts["reviews"] += len(rows)

    def _missing(self, person: Any, row: Row, result: ChildResult) -> Any:
        from haven.missing.services import episode_record

        day, back = row.date("MIS_START"), row.date("MIS_END")
        assert day is not None
        # The return has days, Haven times: noon, or when the episode before ended that day.
        start = max(_at(day, 12), self._missing_after or _at(day, 0))
        end = None
        if back is not None:
            end = max(_at(back, 12), start + datetime.timedelta(hours=1))
        self._missing_after = end
        self.report.counts["missing episodes"] += 1
        return self._call(
            result,
            row,
            "MIS_START",
            lambda: episode_record(
                person=person,
                by=self.user,
                kind=row["MISSING"],
                started_at=start,
                ended_at=end,
            ),
        )

    def _uasc(self, person: Any, row: Row, periods: list[Any], result: ChildResult) -> Any:
        from haven.uasc.services import uasc_cease, uasc_record

        if not periods:
            result.problems.append(
                row.problem("CHILD", "an unaccompanied child with no period of care in the files")
            )
            return None
        status = self._call(
            result,
            row,
            "CHILD",
            lambda: uasc_record(person=person, by=self.user, arrived_on=periods[0].start_date),
        )
        # DUC is the day the status ceased, or (still to come) the 18th birthday it will.
        ceased = row.date("DUC")
        if status is not None and ceased is not None and ceased <= timezone.localdate():
            self._call(
                result,
                row,
                "DUC",
                lambda: uasc_cease(status=status, by=self.user, ceased_on=ceased),
            )
        self.report.counts["unaccompanied children"] += 1
        return status

    def _oc3(self, person: Any, row: Row, result: ChildResult) -> list[Any]:
        """A care leaver's position at their birthday in the year: in touch that day, and if
        so what they did and where they lived from it (until the next birthday's says)."""
        from haven.leavingcare import services

        born = person.date_of_birth
        start, end = datetime.date(row.year - 1, 4, 1), datetime.date(row.year, 3, 31)
        on = next(
            (
                day
                for age in range(17, 22)
                if born and start <= (day := add_calendar_months(born, 12 * age)) <= end
            ),
            None,
        )
        if on is None:
            result.problems.append(
                row.problem("DOB", f"no 17th to 21st birthday in the {row.year} return's year")
            )
            return []
        made = [
            self._call(
                result,
                row,
                "IN_TOUCH",
                lambda: services.in_touch_record(
                    person=person, by=self.user, on=on, code=row["IN_TOUCH"]
                ),
            )
        ]
        if row["IN_TOUCH"] == "YES" and row["ACTIV"] not in ("", "0"):
            made.append(
                self._call(
                    result,
                    row,
                    "ACTIV",
                    lambda: services.activity_record(
                        person=person, by=self.user, start_date=on, activity=row["ACTIV"]
                    ),
                )
            )
        if row["IN_TOUCH"] == "YES" and row["ACCOM"] not in ("", "0"):
            made.append(
                self._call(
                    result,
                    row,
                    "ACCOM",
                    lambda: services.accommodation_record(
                        person=person,
                        by=self.user,
                        start_date=on,
                        accommodation=row["ACCOM"][0],
                        suitable=row["ACCOM"][1:] == "1",
                    ),
                )
            )
        self.report.counts["care leavers' birthdays"] += 1
        return made


def _made(history: Any, record: Any) -> None:
    """Keep what the import made, to make it again from the whole on a later import."""
    if record is not None:
        history.made.setdefault(record._meta.label_lower, []).append(record.pk)


def _source(row: Row) -> str:
    return f"{IMPORTED_MARK} {row.year} return ({row.file}, row {row.line})"


def _covering(periods: list[Any], day: datetime.date | None) -> Any:
    """The period of care that ``day`` falls in."""
    return next(
        (
            p
            for p in periods
            if day is not None and p.start_date <= day and (p.end_date is None or day <= p.end_date)
        ),
        None,
    )


def _reviews_held(periods: list[Any]) -> list[datetime.date]:
    from haven.care.models import CareReview

    return list(CareReview.objects.filter(period__in=periods).values_list("held_on", flat=True))


def _required(day: datetime.date | None) -> datetime.date:
    """A date ``read_903`` has checked is there."""
    assert day is not None
    return day


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


def _place_for(code: str, start: datetime.date) -> str:
    """The placement type in the codes of the year it started: each return writes the codes of
    its own year (supported accommodation is H5 before 2024/25 and K3 after; Z11-Z14 were Z1
    before 2025/26), and Haven records a placement in those of its start."""
    year = _collection_year(start)
    if code == "K3" and year < care_codes.INTRODUCED["K3"]:
        return "H5"
    if code == "H5" and year >= care_codes.RETIRED["H5"]:
        return "K3"
    if code in ("Z11", "Z12", "Z13", "Z14") and year < care_codes.INTRODUCED[code]:
        return "Z1"
    return code


# An uploaded zip: at most this many CSVs and bytes once unpacked (a zip bomb is refused).
ZIP_MAX_FILES = 500
ZIP_MAX_BYTES = 500 * 1024 * 1024


def read_upload(name: str, data: bytes) -> list[tuple[str, bytes]]:
    """An upload from the Returns page: a zip of the folder (its folders and file names as
    they were), or one CSV table."""
    if not data.startswith(b"PK"):
        return [(name, data)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [
            i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith(".csv")
        ]
    except zipfile.BadZipFile:
        raise SSDA903FileError("The zip file cannot be opened.") from None
    if len(entries) > ZIP_MAX_FILES or sum(i.file_size for i in entries) > ZIP_MAX_BYTES:
        raise SSDA903FileError(
            f"The zip holds more than {ZIP_MAX_FILES} CSV files or "
            f"{ZIP_MAX_BYTES // 2**20} MB unpacked: import it in parts."
        )
    return [(i.filename, archive.read(i)) for i in entries]


def sniff_903(name: str, start: bytes) -> None:
    """Refuse at once, from its first bytes, an upload that is neither a zip nor an SSDA903
    table."""
    if start.startswith(b"PK"):
        return
    first = _decode(start[:2048]).split("\n", 1)[0]
    header = tuple(c.strip().upper() for c in first.strip().split(","))
    if frozenset(header) not in _TABLES:
        raise SSDA903FileError(
            f"{name} is neither a zip of SSDA903 CSV files nor an SSDA903 table "
            f"(it starts {first[:60]!r})."
        )


def read_folder(folder: str | Path) -> list[tuple[str, bytes]]:
    """Every CSV under ``folder`` (any depth), named relative to it."""
    base = Path(folder)
    return [
        (path.relative_to(base).as_posix(), path.read_bytes())
        for path in sorted(base.rglob("*"))
        if path.is_file() and path.suffix.lower() == ".csv"
    ]
