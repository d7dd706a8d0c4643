"""The SSDA903 part of a migration rehearsal: the folder's tables, each year compared with
Haven's return of it table by table and row by row, and what the import leaves out.

A row is known by its child and its table's own date (an episode by DECOM, a review by REVIEW,
a missing episode by MIS_START; a child's Header, UASC, PrevPerm, OC2 and OC3 rows by the child
alone), never by its place in the file: two systems write their rows in different orders.
Values are compared as ``read_903`` reads them (dates as dates, codes in capitals), for the
file and for Haven's return alike.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from haven.returns.import903 import (
    DATE_COLUMNS,
    Row,
    Source,
    read_903,
)
from haven.returns.importer import SSDA903_HEADERS
from haven.returns.ssda903 import COLUMNS, FILE_NAMES, SSDA903Export, tables_for

# Each table's own date, which with the child names a row.
ROW_KEYS: dict[str, tuple[str, ...]] = {
    "Header": (),
    "Episodes": ("DECOM",),
    "Reviews": ("REVIEW",),
    "UASC": (),
    "OC2": (),
    "OC3": (),
    "AD1": (),
    "PlacedAdoption": ("DATE_PLACED",),
    "PrevPerm": (),
    "Missing": ("MIS_START",),
    "SWEpisodes": ("SW_DECOM",),
    "DoLo": ("DOLO_START",),
}
CARE_BEFORE_THE_FILES = (
    "a care leaver whose care is before the files: Haven works out who is a care leaver from "
    "their care, so their OC3 rows are counted, not made (import the years of their care)"
)
CARE_BEGAN_BEFORE_THE_FILES = (
    "a care leaver whose care began before the files (their first episode in them is not a "
    "start, RNE S): Haven counts the 13 weeks looked after since the 14th birthday from the "
    "care it holds, which begins with that episode, and this is not enough, so their OC3 rows "
    "were kept but do not make them a care leaver (import the years their care began)"
)
# Why a care leaver's Header and OC3 rows do not come back (the rows are listed, not made).
CARE_NOT_IN_THE_FILES = (CARE_BEFORE_THE_FILES, CARE_BEGAN_BEFORE_THE_FILES)
# Read by the rehearsal, not compared: the child is the row's key itself.
NOT_COMPARED = frozenset({"CHILD"})


@dataclass(frozen=True)
class NotImported:
    """A value in the files the import deliberately leaves out, so Haven's return lacks it."""

    child: str
    element: str  # table[key] or table/column
    value: str
    why: str


@dataclass
class Year903:
    year: int
    folders: list[str]  # where its tables were found
    rows_in_file: Counter[str] = field(default_factory=Counter)  # by table
    rows_in_haven: Counter[str] = field(default_factory=Counter)
    differences: list[Any] = field(default_factory=list)  # rehearsal.Difference
    not_imported: list[NotImported] = field(default_factory=list)
    new_errors: list[Any] = field(default_factory=list)  # rehearsal.NewError
    errors_in_file: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    validator: str = ""  # why the DfE rules were not run, if they were not
    compared: bool = False  # re-exported and compared (only when the import went in)
    # Haven's return held the files' rows, value for value, and the year before's too: the
    # DfE rules, run on the files, were not run again on it (they give the same).
    checked_as_the_files: bool = False

    @property
    def clean(self) -> bool:
        return self.compared and not self.differences and not self.new_errors and not self.validator


def ssda903_files(folder: Path) -> list[tuple[str, bytes]]:
    """Every CSV under ``folder`` whose first line is an SSDA903 table's (not, say, an earlier
    rehearsal's report), named relative to it."""
    found = []
    for path in sorted(folder.rglob("*.csv")):
        data = path.read_bytes()
        first = data[:200].lstrip(b"\xef\xbb\xbf").decode("utf-8", "replace")
        if first.upper().startswith(SSDA903_HEADERS):
            found.append((path.relative_to(folder).as_posix(), data))
    return found


def folders_of(files: list[tuple[str, bytes]]) -> list[str]:
    return sorted({str(Path(name).parent) for name, _ in files})


def rows_of_year(source: Source, year: int) -> dict[str, list[Row]]:
    return {t: [r for r in rows if r.year == year] for t, rows in source.rows.items()}


def folders_of_year(source: Source, year: int) -> list[str]:
    return sorted({str(Path(name).parent) for name, _, y in source.files if y == year})


def as_return(source: Source, year: int, previous: SSDA903Export | None = None) -> SSDA903Export:
    """A year's rows of the files as a return (dates as the DfE writes them), for its rules."""
    from haven.returns.census import CollectionYear

    tables: dict[str, list[dict[str, str]]] = {t: [] for t in tables_for(year)}
    for table, rows in rows_of_year(source, year).items():
        out = tables.setdefault(table, [])
        for row in rows:
            values = dict(row.values)
            for column in DATE_COLUMNS.intersection(values):
                if values[column]:
                    values[column] = datetime.date.fromisoformat(values[column]).strftime(
                        "%d/%m/%Y"
                    )
            out.append(values)
    return SSDA903Export(year=CollectionYear(year), tables=tables, seconds=0.0, previous=previous)


def with_what_was_left(
    export: SSDA903Export, source: Source, left: list[NotImported]
) -> SSDA903Export:
    """Haven's return with what the import leaves out on purpose (the care leavers whose care
    is before the files) as the files have it, for the DfE rules: a rule on, say, OC3 then
    flags what the files held, not what was left out (that is listed as not imported), so an
    error new in Haven's return is one in what Haven made."""
    from_files = as_return(source, export.year.year)
    tables = {t: list(rows) for t, rows in export.tables.items()}
    gone = {(n.element, n.child) for n in left if n.why in CARE_NOT_IN_THE_FILES}
    for table in ("Header", "OC3"):
        tables[table] = tables.get(table, []) + [
            row for row in from_files.tables.get(table, []) if (table, row["CHILD"]) in gone
        ]
    return dataclasses.replace(export, tables=tables, previous=None)


def same_rows(ours: SSDA903Export, theirs: SSDA903Export, haven_to_file: dict[str, str]) -> bool:
    """Whether two returns hold the same rows, value for value as the DfE rules read them, in
    any order (Haven's CHILD read as the file's)."""

    def rows(export: SSDA903Export, mapped: dict[str, str]) -> dict[str, Counter[tuple[str, ...]]]:
        return {
            table: Counter(
                tuple(
                    mapped.get(row["CHILD"], row["CHILD"]) if c == "CHILD" else row.get(c, "")
                    for c in COLUMNS[table]
                )
                for row in export.tables.get(table, [])
            )
            for table in COLUMNS
        }

    return rows(ours, haven_to_file) == rows(theirs, {})


def read_export(export: SSDA903Export) -> dict[str, list[Row]]:
    """Haven's return read as the files were (``read_903``), so both compare alike."""
    year = export.year.year
    read = (
        read_903(
            (f"{year}/{FILE_NAMES[t]}", export.csv(t)) for t in export.tables if export.tables[t]
        )
        if any(export.tables.values())
        else Source()
    )
    return rows_of_year(read, year)


def _key(table: str, row: Row) -> str:
    return ",".join(row[c] for c in ROW_KEYS[table])


def _element(table: str, key: str, column: str = "") -> str:
    out = f"{table}[{key}]" if key else table
    return f"{out}/{column}" if column else out


def _values(table: str, row: Row) -> tuple[tuple[str, str], ...]:
    return tuple((c, row[c]) for c in COLUMNS[table] if c not in NOT_COMPARED)


def compare_year(
    in_file: dict[str, list[Row]],
    in_haven: dict[str, list[Row]],
    haven_to_file: dict[str, str],
    cared_for: set[str],
    began_before: frozenset[str] = frozenset(),
) -> tuple[list[Any], list[NotImported]]:
    """Every difference between a year's rows in the files and in Haven's return of it (Haven's
    CHILD read as the file's through ``haven_to_file``), and what the import left out on
    purpose. ``cared_for``: the children with an episode in any year of the files;
    ``began_before``: those whose care began before the files (``care_began_before``)."""
    from haven.migration.rehearsal import Difference

    differences: list[Difference] = []
    left: list[NotImported] = []
    came_back: set[str] = set()
    for rows in in_haven.values():
        came_back.update(haven_to_file.get(r["CHILD"], r["CHILD"]) for r in rows)
    for table in COLUMNS:
        file_rows = in_file.get(table, [])
        mine: dict[tuple[str, str], list[Row]] = defaultdict(list)
        theirs: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in file_rows:
            mine[(row["CHILD"], _key(table, row))].append(row)
        for row in in_haven.get(table, []):
            theirs[(haven_to_file.get(row["CHILD"], row["CHILD"]), _key(table, row))].append(row)
        for child, key in sorted(set(mine) | set(theirs)):
            rows_a, rows_b = mine.get((child, key), []), theirs.get((child, key), [])
            a = sorted(_values(table, r) for r in rows_a)
            b = sorted(_values(table, r) for r in rows_b)
            element = _element(table, key)
            if a == b:
                continue
            if (
                not b
                and child not in came_back
                and child not in cared_for
                and table in ("Header", "OC3")
            ):
                left.append(NotImported(child, element, "", CARE_BEFORE_THE_FILES))
                continue
            if not b and child in began_before and table in ("Header", "OC3"):
                left.append(NotImported(child, element, "", CARE_BEGAN_BEFORE_THE_FILES))
                continue
            if len(a) == 1 and len(b) == 1:
                differences.extend(
                    Difference(child, f"{element}/{column}", x, y)
                    for (column, x), (_, y) in zip(a[0], b[0], strict=True)
                    if x != y
                )
                continue
            differences.append(
                Difference(
                    child,
                    element,
                    " | ".join(_shown(v) for v in a) or "not in the file",
                    " | ".join(_shown(v) for v in b) or "not in Haven's return",
                )
            )
    return differences, left


def care_began_before(source: Source) -> frozenset[str]:
    """The children whose first episode in the files is not a start (RNE S): their care began
    before the files, and Haven's record of it begins with that episode."""
    first: dict[str, Row] = {}
    for row in source.rows.get("Episodes", []):
        known = first.get(row["CHILD"])
        if known is None or row["DECOM"] < known["DECOM"]:
            first[row["CHILD"]] = row
    return frozenset(child for child, row in first.items() if row["RNE"] != "S")


def _shown(values: tuple[tuple[str, str], ...]) -> str:
    return " ".join(f"{c}={v}" for c, v in values if v)
