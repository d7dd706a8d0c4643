"""The rehearsal's report: ``rehearsal.md`` to read and sign off, and a CSV per kind of finding
(through ``haven.core.csv_safe``) to sort, filter and hand to whoever fixes the source system."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from haven.core import csv_safe
from haven.migration.rehearsal import Rehearsal

# Findings of each kind shown in the Markdown; the CSVs have every one.
SHOWN = 30


def _csv(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        w = csv_safe.writer(out)
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            count += 1
    return count


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: Iterable[Iterable[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    return out


def write_report(result: Rehearsal, out: Path) -> Path:
    """Write the report into ``out`` (made if need be); return the Markdown file's path."""
    out.mkdir(parents=True, exist_ok=True)
    years = result.years
    _csv(
        out / "years.csv",
        [
            "year",
            "file",
            "imported",
            "children_in_file",
            "children_re_exported",
            "episodes_in_file",
            "episodes_re_exported",
            "cp_plans_in_file",
            "cp_plans_re_exported",
            "rejected_problems",
            "defects_listed",
            "conflicts",
            "differences",
            "dfe_errors_in_file",
            "new_dfe_errors",
            "import_s",
            "export_s",
            "validate_waited_s",
        ],
        (
            [
                y.year,
                y.file,
                "yes" if y.imported else "no",
                y.before.children,
                y.after.children,
                y.before.episodes,
                y.after.episodes,
                y.before.plans,
                y.after.plans,
                len(y.rejected),
                len(y.defects),
                len(y.conflicts),
                len(y.differences),
                y.errors_in_file,
                len(y.new_errors),
                *(round(y.seconds.get(k, 0.0), 1) for k in ("import", "export", "validate_waited")),
            ]
            for y in years
        ),
    )
    _csv(
        out / "differences.csv",
        ["year", "child", "element", "in_file", "in_haven"],
        ([y.year, d.child, d.path, d.in_file, d.in_haven] for y in years for d in y.differences),
    )
    _csv(
        out / "rejected.csv",
        ["year", "child", "element", "value", "reason"],
        ([y.year, c, p.path, p.value, p.reason] for y in years for c, p in y.rejected),
    )
    _csv(
        out / "defects.csv",
        ["year", "child", "element", "value", "reason"],
        ([y.year, c, p.path, p.value, p.reason] for y in years for c, p in y.defects),
    )
    _csv(
        out / "conflicts.csv",
        ["year", "child", "element", "in_this_file", "what_haven_held"],
        ([y.year, c, p.path, p.value, p.reason] for y in years for c, p in y.conflicts),
    )
    _csv(
        out / "new_dfe_errors.csv",
        ["year", "rule", "child", "message"],
        ([y.year, e.rule, e.child, e.message] for y in years for e in y.new_errors),
    )
    _csv(
        out / "figures.csv",
        ["year", "figure", "from_the_files", "haven", "same"],
        (
            [y.year, f.label, f.from_files, f.haven, "yes" if f.same else "no"]
            for y in years
            for f in y.figures
        ),
    )

    verdict = (
        "Clean: every year imported, re-exported unchanged, with no new DfE error and the same "
        "figures."
        if result.clean
        else "Not clean: see below."
    )
    md = [
        f"# Migration rehearsal: {result.folder}",
        "",
        f"**{verdict}** {len(years)} CIN census files rehearsed in {result.seconds:.0f} s, "
        "in a throwaway database (Haven's own was not touched).",
        "",
    ]
    if result.refused:
        md += ["## Files refused", ""]
        md += [*_table(["File", "Why"], result.refused), ""]
    md += ["## Each year, in the file and re-exported by Haven", ""]
    md += _table(
        [
            "Year",
            "File",
            "Imported",
            "Children",
            "Episodes",
            "CP plans",
            "Rejected",
            "Defects listed",
            "Differences",
            "DfE errors in the file",
            "New DfE errors",
        ],
        (
            [
                y.year,
                y.file,
                "yes" if y.imported else "**no**",
                f"{y.before.children} / {y.after.children}",
                f"{y.before.episodes} / {y.after.episodes}",
                f"{y.before.plans} / {y.after.plans}",
                len(y.rejected),
                len(y.defects),
                len(y.differences),
                y.errors_in_file if not y.validator else "not checked",
                len(y.new_errors) if not y.validator else "not checked",
            ]
            for y in years
        ),
    )
    md += ["", "Children, episodes and plans: in the file / in Haven's return of that year.", ""]
    md += ["## Figures: from the files and Haven's", ""]
    labels = [f.label for f in years[0].figures] if years else []
    md += _table(
        ["Figure", *(str(y.year) for y in years)],
        (
            [
                label,
                *(
                    (f"{f.from_files} / {f.haven}" if f.same else f"**{f.from_files} / {f.haven}**")
                    for y in years
                    for f in y.figures
                    if f.label == label
                ),
            ]
            for label in labels
        ),
    )
    md += ["", "From the files / Haven's; a figure that differs is in bold.", ""]
    for title, name, rows in (
        (
            "Rejected records (nothing of that year was imported)",
            "rejected.csv",
            [[y.year, c, p.path, p.value, p.reason] for y in years for c, p in y.rejected],
        ),
        (
            "Differences between each file and Haven's return",
            "differences.csv",
            [
                [y.year, d.child, d.path, d.in_file, d.in_haven]
                for y in years
                for d in y.differences
            ],
        ),
        (
            "DfE errors in Haven's return that the file did not have",
            "new_dfe_errors.csv",
            [[y.year, e.rule, e.child, e.message] for y in years for e in y.new_errors],
        ),
        (
            "Facts two years' files state differently (the newer year's is kept)",
            "conflicts.csv",
            [[y.year, c, p.path, p.value, p.reason] for y in years for c, p in y.conflicts],
        ),
    ):
        md += [f"## {title}: {len(rows)}", ""]
        if rows:
            header = {
                "rejected.csv": ["Year", "Child", "Element", "Value", "Reason"],
                "differences.csv": ["Year", "Child", "Element", "In the file", "In Haven"],
                "new_dfe_errors.csv": ["Year", "Rule", "Child", "Message"],
                "conflicts.csv": ["Year", "Child", "Element", "In this file", "Haven held"],
            }[name]
            md += _table(header, rows[:SHOWN])
            if len(rows) > SHOWN:
                md += ["", f"The first {SHOWN}; every one is in `{name}`."]
            md += [""]
    defects = sum(len(y.defects) for y in years)
    md += [
        f"## Defects imported and listed to fix in Haven: {defects}",
        "",
        "Records that break a DfE error rule or one of Haven's own checks in the file itself "
        "(so not new): imported, each in `defects.csv` with its element and rule.",
        "",
    ]
    notes = [(y.year, p) for y in years if y.report is not None for p in y.report.header]
    if notes:
        md += ["## Headers", ""]
        md += [f"- {year}: {p}" for year, p in notes] + [""]
    unchecked = [y for y in years if y.validator]
    if unchecked:
        md += ["## DfE rules not run", ""]
        md += [f"- {y.year}: {y.validator}" for y in unchecked] + [""]
    if result.ssda903:
        md += [
            "## SSDA903 folders found, not rehearsed",
            "",
            "The SSDA903 import is not in Haven yet; these folders will be rehearsed once it is:",
            "",
            *(f"- `{d}`" for d in result.ssda903),
            "",
        ]
    path = out / "rehearsal.md"
    path.write_text("\n".join(md), encoding="utf-8")
    return path
