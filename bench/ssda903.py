"""Export the SSDA903 return for the collection years of a generated county and run the DfE
rules on each, timing both.

    .venv/bin/python bench/ssda903.py [--db haven_hampshire] [--years 2016-2020] [--no-validate]

Uses a database made by ``haven generate`` (``bench/generate.py`` makes ``haven_hampshire``).
Each year: ``ssda903_build`` (the same code as ``haven returns ssda903`` and the Returns page:
every table, and the previous year's files, which the rules compare against), then the DfE
validator (``csc-validator-be-903`` in ``.venv-validators``). Prints a table (children,
episodes, rows per table, export s for the year alone, validation s, errors, queries) and the
issues by rule, and writes JSON to bench/results/. Goal: a year's export under 10 s.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cin_census import _years
from bench.people_search import RESULTS, _setup

EXPORT_GOAL_S = 10.0


def run(years: list[int], validate: bool) -> dict[str, Any]:
    from haven.returns.ssda903 import ssda903_build
    from haven.returns.validation import validate_903_export

    rows: dict[str, Any] = {}
    for year in years:
        started = time.perf_counter()
        export = ssda903_build(year=year)
        both_s = time.perf_counter() - started
        row: dict[str, Any] = {
            "children": export.children,
            "episodes": export.episodes,
            "tables": {name: len(r) for name, r in export.tables.items()},
            "export_s": round(export.seconds, 2),
            "export_with_previous_s": round(both_s, 2),
        }
        if validate and export.children:
            result = validate_903_export(export)
            by_rule = Counter(f"{i.rule_code} {i.rule_type}" for i in result.issues)
            row.update(
                ruleset=result.ruleset,
                validate_s=round(result.seconds, 2),
                errors=len(result.errors),
                queries=len(result.queries),
                by_rule=dict(sorted(by_rule.items())),
                crashed_rules=result.crashed_rules,
            )
        rows[str(year)] = row
        print(
            f"{year}: {row['children']:>6} children {row['episodes']:>6} episodes  "
            f"export {row['export_s']:>5.2f} s (with the previous year {both_s:.2f} s)  "
            f"validate {row.get('validate_s', 0):>6.1f} s  "
            f"errors {row.get('errors', 0):>5}  queries {row.get('queries', 0):>5}",
            flush=True,
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="haven_hampshire")
    parser.add_argument("--years", default="2016-2020")
    parser.add_argument("--no-validate", action="store_true", help="time the export alone")
    args = parser.parse_args()
    _setup(args.db)
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = run(_years(args.years), validate=not args.no_validate)
    for year, row in rows.items():
        print(f"\n{year} rows per table: {row['tables']}")
        for rule, count in row.get("by_rule", {}).items():
            print(f"  {rule}: {count}")
        for crashed in row.get("crashed_rules", []):
            print(f"  not checked: {crashed}")
    slowest = max((r["export_s"] for r in rows.values()), default=0.0)
    print(f"\nSlowest export {slowest:.2f} s (goal under {EXPORT_GOAL_S:.0f} s)")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"ssda903-{args.db}-{stamp}.json"
    path.write_text(json.dumps({"db": args.db, "years": rows}, indent=2) + "\n")
    print(f"Wrote {path}")
    return 0 if slowest < EXPORT_GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
