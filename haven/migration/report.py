"""The rehearsal's report: ``rehearsal.md`` to read and sign off, and a CSV per kind of finding
(through ``haven.core.csv_safe``) to sort, filter and hand to whoever fixes the source system."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from haven.core import csv_safe
from haven.migration.rehearsal import Rehearsal
from haven.returns.import903 import IMPORTED

# Findings of each kind shown in the Markdown; the CSVs have every one.
SHOWN = 30
# The return a row of a CSV is about.
CIN, SSDA903 = "CIN census", "SSDA903"


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
    lac = result.ssda903_years
    _csv(
        out / "years.csv",
        [
            "return",
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
            "not_imported",
            "dfe_errors_in_file",
            "new_dfe_errors",
            "import_s",
            "export_s",
            "validate_waited_s",
            "dfe_rules_on_havens_return",
        ],
        [
            *(
                [
                    CIN,
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
                    "",
                    y.errors_in_file,
                    len(y.new_errors),
                    *(_seconds(y.seconds, k) for k in ("import", "export", "validate_waited")),
                    "run" if y.imported and "validate_waited" in y.seconds else "",
                ]
                for y in years
            ),
            *(
                [
                    SSDA903,
                    y.year,
                    " ".join(y.folders),
                    "yes" if result.ssda903_imported else "no",
                    y.rows_in_file["Header"],
                    y.rows_in_haven["Header"],
                    y.rows_in_file["Episodes"],
                    y.rows_in_haven["Episodes"],
                    "",
                    "",
                    sum(1 for r in result.ssda903_rejected if r[0] == y.year),
                    "",
                    "",
                    len(y.differences),
                    len(y.not_imported),
                    y.errors_in_file,
                    len(y.new_errors),
                    "",  # one import of every year: its time is the rehearsal's
                    *(_seconds(y.seconds, k) for k in ("export", "validate_waited")),
                    _rules_on_haven(y),
                ]
                for y in lac
            ),
        ],
    )
    differences: list[list[Any]] = [
        *(
            [CIN, y.year, d.child, d.path, d.in_file, d.in_haven]
            for y in years
            for d in y.differences
        ),
        *(
            [SSDA903, y.year, d.child, d.path, d.in_file, d.in_haven]
            for y in lac
            for d in y.differences
        ),
    ]
    _csv(
        out / "differences.csv",
        ["return", "year", "child", "element", "in_file", "in_haven"],
        differences,
    )
    rejected: list[list[Any]] = [
        *([CIN, y.year, c, p.path, p.value, p.reason] for y in years for c, p in y.rejected),
        *([SSDA903, year or "", *rest] for year, *rest in result.ssda903_rejected),
    ]
    _csv(out / "rejected.csv", ["return", "year", "child", "element", "value", "reason"], rejected)
    _csv(
        out / "not_imported.csv",
        ["return", "year", "child", "element", "value", "why"],
        (
            [SSDA903, y.year, n.child, n.element, n.value, n.why]
            for y in lac
            for n in y.not_imported
        ),
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
    new_errors: list[list[Any]] = [
        *([CIN, y.year, e.rule, e.child, e.message] for y in years for e in y.new_errors),
        *(
            [SSDA903, y.year, e.rule, e.child, f"{e.table}: {e.message}"]
            for y in lac
            for e in y.new_errors
        ),
    ]
    _csv(out / "new_dfe_errors.csv", ["return", "year", "rule", "child", "message"], new_errors)
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
    lac_years = ", ".join(str(y.year) for y in lac)
    md = [
        f"# Migration rehearsal: {result.folder}",
        "",
        f"**{verdict}** {len(years)} CIN census files"
        + (f" and the SSDA903 of {lac_years}" if lac else "")
        + f" rehearsed in {result.seconds:.0f} s, "
        "in a throwaway database (Haven's own was not touched).",
        "",
    ]
    if result.refused:
        md += ["## Files refused", ""]
        md += [*_table(["File", "Why"], result.refused), ""]
    md += ["## CIN census: each year, in the file and re-exported by Haven", ""]
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
    if lac or result.ssda903_folders:
        md += _ssda903_section(result)
    for title, name, rows in (
        (
            "Rejected records (nothing of that year's census, or of the SSDA903, was imported)",
            "rejected.csv",
            rejected,
        ),
        ("Differences between each file and Haven's return", "differences.csv", differences),
        (
            "DfE errors in Haven's return that the file did not have",
            "new_dfe_errors.csv",
            new_errors,
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
                "rejected.csv": ["Return", "Year", "Child", "Element", "Value", "Reason"],
                "differences.csv": [
                    "Return",
                    "Year",
                    "Child",
                    "Element",
                    "In the file",
                    "In Haven",
                ],
                "new_dfe_errors.csv": ["Return", "Year", "Rule", "Child", "Message"],
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
    path = out / "rehearsal.md"
    path.write_text("\n".join(md), encoding="utf-8")
    return path


def _seconds(seconds: dict[str, float], key: str) -> float | str:
    return round(seconds[key], 1) if key in seconds else ""


def _ssda903_section(result: Rehearsal) -> list[str]:
    lac = result.ssda903_years
    report = result.ssda903_report
    md = ["## SSDA903: each year, in the files and re-exported by Haven", ""]
    if report is None:
        md += [
            "Found in " + ", ".join(f"`{d}`" for d in result.ssda903_folders) + ": no table "
            "could be read (see Files refused).",
            "",
        ]
        return md
    md += [
        f"Every year imported at once ({', '.join(map(str, report.years))}), "
        + (
            f"{result.ssda903_seconds.get('import', 0):.0f} s with the census (the children "
            "no census file names beside it, in a second process; the others after it): "
            + "; ".join(f"{k} {v}" for k, v in report.summary().items())
            + "."
            if report.committed
            else "**not imported**: rows or children were rejected (below), so nothing of the "
            "SSDA903 went in and no year was compared."
        ),
        "",
    ]
    md += _table(
        [
            "Year",
            "Children",
            "Episodes",
            "Reviews",
            "Missing",
            "OC3",
            "Differences",
            "Not imported",
            "DfE errors in the files",
            "New DfE errors",
        ],
        (
            [
                y.year,
                *(
                    f"{y.rows_in_file[t]} / {y.rows_in_haven[t]}"
                    for t in ("Header", "Episodes", "Reviews", "Missing", "OC3")
                ),
                len(y.differences),
                len(y.not_imported),
                y.errors_in_file if not y.validator else "not checked",
                (len(y.new_errors) if not y.validator else "not checked")
                if not y.checked_as_the_files
                else "0 (the files' rows)",
            ]
            for y in lac
        ),
    )
    md += [
        "",
        "Rows in the files / in Haven's return of that year. Rows are compared by child and "
        "the table's own date (an episode by DECOM, a review by REVIEW, a missing episode by "
        "MIS_START), not by their order. The DfE rules are run on Haven's return of a year "
        "with what the import leaves out on purpose (below) as the files have it; \"the files' "
        "rows\": that return held the files' rows value for value, and so did the year before's, "
        "so the rules, run on the files, were not run on it again (they give the same).",
        "",
    ]
    # By table (or column) and why: one table's rows can be left for more than one reason.
    left: Counter[tuple[str, str]] = Counter(
        (n.element.split("[")[0], n.why) for y in lac for n in y.not_imported
    )
    md += [
        f"### Not imported: {sum(left.values())} values",
        "",
        f"The SSDA903 import makes records from {', '.join(IMPORTED)}. What it leaves out on "
        "purpose is below, every value in `not_imported.csv`: Haven's return lacks it, so it "
        "is **not counted as a difference and does not stop a sign-off**. Check that each "
        "is recorded in Haven another way (or not needed) before the old system is switched "
        "off.",
        "",
    ]
    md += _table(
        ["Table or column", "Values in the files", "Why"],
        ([t, n, why] for (t, why), n in sorted(left.items())),
    )
    return [*md, ""]


def _rules_on_haven(y: Any) -> str:
    if not y.compared or y.validator:
        return ""
    return "the files' rows" if y.checked_as_the_files else "run"
