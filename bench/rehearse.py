"""Time a migration rehearsal of five years of a generated county's CIN census and SSDA903.

    flock /tmp/haven-heavy.lock .venv/bin/python bench/rehearse.py [--db haven_hampshire]
        [--years 2016-2020] [--no-validate] [--no-903]

Exports each year's census and SSDA903 from ``--db`` (read only: ``cin_census_build`` and
``ssda903_build`` write nothing), as the previous system's files would be, into
bench/results/rehearse-<db>/returns/<year>/ (``CIN_<year>.xml`` and ``ssda903/*.csv``), then
times ``haven.migration.rehearsal.rehearse`` on that folder: a throwaway database, the census
files imported oldest first and the SSDA903 (every year at once; its children no census names
in a second process beside the census), each year re-exported and compared, the DfE rules on
both, the figures. Prints each year's round-trip differences, new DfE errors and timings, writes
the report beside the files and JSON to bench/results/. Goal: under 10 minutes for five years
of the county.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cin_census import _years
from bench.people_search import RESULTS, _setup

GOAL_S = 600.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="haven_hampshire")
    parser.add_argument("--years", default="2016-2020")
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--no-903", action="store_true", help="the CIN census alone")
    args = parser.parse_args()
    _setup(args.db)

    from haven.migration.rehearsal import rehearse
    from haven.migration.report import write_report
    from haven.returns.export import cin_census_build
    from haven.returns.ssda903 import ssda903_build

    base = RESULTS / f"rehearse-{args.db}"
    folder = base / "returns"
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    for year in _years(args.years):
        (folder / str(year)).mkdir(parents=True)
        export = cin_census_build(year=year)
        (folder / str(year) / f"CIN_{year}.xml").write_bytes(export.xml)
        print(f"{year}: exported {export.children} children in {export.seconds:.1f} s", flush=True)
        if not args.no_903:
            lac = ssda903_build(year=year, with_previous=False)
            lac.write(folder / str(year) / "ssda903")
            print(
                f"{year}: SSDA903 {lac.children} children, {lac.episodes} episodes in "
                f"{lac.seconds:.1f} s",
                flush=True,
            )
    exported_s = time.perf_counter() - started

    result = rehearse(
        folder, validate=not args.no_validate, say=lambda line: print(line, flush=True)
    )
    report = write_report(result, base / "report")
    rows = {}
    for y in result.years:
        rows[str(y.year)] = {
            "children": [y.before.children, y.after.children],
            "episodes": [y.before.episodes, y.after.episodes],
            "cp_plans": [y.before.plans, y.after.plans],
            "rejected": len(y.rejected),
            "defects": len(y.defects),
            "differences": len(y.differences),
            "differences_by_element": dict(
                Counter(_element(d.path) for d in y.differences).most_common(10)
            ),
            "dfe_errors_in_file": y.errors_in_file,
            "new_dfe_errors": len(y.new_errors),
            "new_dfe_errors_by_rule": dict(Counter(e.rule for e in y.new_errors)),
            "figures_differ": {f.name: [f.from_files, f.haven] for f in y.figures if not f.same},
            "seconds": {k: round(v, 1) for k, v in y.seconds.items()},
        }
        print(
            f"{y.year}: {y.before.children:>6} children  import {y.seconds.get('import', 0):5.1f} s"
            f"  export {y.seconds.get('export', 0):5.1f} s  validate (waited) "
            f"{y.seconds.get('validate_waited', 0):5.1f} s  rejected {len(y.rejected)}  differences "
            f"{len(y.differences)}  new DfE errors {len(y.new_errors)}",
            flush=True,
        )
    lac_rows = {}
    for lac in result.ssda903_years:
        lac_rows[str(lac.year)] = {
            "children": [lac.rows_in_file["Header"], lac.rows_in_haven["Header"]],
            "episodes": [lac.rows_in_file["Episodes"], lac.rows_in_haven["Episodes"]],
            "differences": len(lac.differences),
            "differences_by_element": dict(
                Counter(_element(d.path) for d in lac.differences).most_common(10)
            ),
            "not_imported": dict(Counter(n.element.split("[")[0] for n in lac.not_imported)),
            "dfe_errors_in_file": lac.errors_in_file,
            "new_dfe_errors": len(lac.new_errors),
            "new_dfe_errors_by_rule": dict(Counter(e.rule for e in lac.new_errors)),
            "seconds": {k: round(v, 1) for k, v in lac.seconds.items()},
        }
        print(
            f"SSDA903 {lac.year}: {lac.rows_in_file['Header']:>5} children  export "
            f"{lac.seconds.get('export', 0):5.1f} s  validate (waited) "
            f"{lac.seconds.get('validate_waited', 0):5.1f} s  differences {len(lac.differences)}"
            f"  not imported {len(lac.not_imported)}  new DfE errors {len(lac.new_errors)}",
            flush=True,
        )
    if result.ssda903_report is not None:
        print(
            f"SSDA903 import ({result.ssda903_seconds.get('import', 0):.0f} s with the census): "
            + "; ".join(f"{k} {v}" for k, v in result.ssda903_report.summary().items()),
            flush=True,
        )
    print(
        f"\nRehearsal of {len(result.years)} years: {result.seconds:.0f} s "
        f"(goal under {GOAL_S:.0f} s); exporting the files first took {exported_s:.0f} s. "
        f"{'Clean' if result.clean else 'Not clean'}: {report}"
    )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"rehearse-{args.db}-{stamp}.json"
    path.write_text(
        json.dumps(
            {
                "db": args.db,
                "seconds": round(result.seconds, 1),
                "export_files_s": round(exported_s, 1),
                "clean": result.clean,
                "refused": result.refused,
                "years": rows,
                "ssda903": {
                    "imported": result.ssda903_imported,
                    "import_with_census_s": round(result.ssda903_seconds.get("import", 0), 1),
                    "summary": result.ssda903_report.summary() if result.ssda903_report else {},
                    "years": lac_rows,
                },
            },
            indent=2,
        )
        + "\n"
    )
    print(f"Wrote {path}")
    return 0 if result.seconds < GOAL_S else 1


def _element(path: str) -> str:
    """A difference's element without the dates that name repeated ones."""
    import re

    return re.sub(r"\[[^\]]*\]", "", path)


if __name__ == "__main__":
    sys.exit(main())
