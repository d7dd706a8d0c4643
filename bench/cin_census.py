"""Export the CIN census for five collection years of a generated county and run the DfE rules
on each, timing both.

    .venv/bin/python bench/cin_census.py [--db haven_hampshire] [--years 2016-2020]

Uses a database made by ``haven generate`` (``bench/generate.py`` makes ``haven_hampshire``).
Each year: ``cin_census_build`` (the same code as ``haven returns cin`` and the Returns page),
the XSD check, then the DfE validator (``csc-validator-be-cin`` in ``.venv-validators``). Prints
a table (children, episodes, export s, validation s, errors, queries) and the issues by rule,
and writes JSON to bench/results/. Goal: export under 10 s for one year of the county.
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

from bench.people_search import RESULTS, _setup

EXPORT_GOAL_S = 10.0


def _years(text: str) -> list[int]:
    if "-" in text:
        first, last = (int(p) for p in text.split("-", 1))
        return list(range(first, last + 1))
    return [int(text)]


def run(years: list[int]) -> dict[str, Any]:
    from haven.returns.census import CollectionYear, schema_errors
    from haven.returns.export import cin_census_build
    from haven.returns.validation import validate_cin_bytes

    rows: dict[str, Any] = {}
    for year in years:
        cy = CollectionYear(year)
        export = cin_census_build(year=year)
        started = time.perf_counter()
        xsd = schema_errors(export.xml, uses_sex=cy.uses_sex) if export.children else []
        xsd_s = time.perf_counter() - started
        out = RESULTS / f"cin-census-{year}.xml"
        out.write_bytes(export.xml)
        row: dict[str, Any] = {
            "children": export.children,
            "episodes": export.episodes,
            "bytes": len(export.xml),
            "export_s": round(export.seconds, 2),
            "xsd_s": round(xsd_s, 2),
            "xsd_errors": xsd[:5],
        }
        if export.children:
            result = validate_cin_bytes(export.xml, ruleset=cy.ruleset)
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
            f"export {row['export_s']:>5.1f} s  validate {row.get('validate_s', 0):>6.1f} s  "
            f"errors {row.get('errors', 0):>5}  queries {row.get('queries', 0):>5}  "
            f"xsd {'ok' if not xsd else 'INVALID'}",
            flush=True,
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="haven_hampshire")
    parser.add_argument("--years", default="2016-2020")
    args = parser.parse_args()
    _setup(args.db)
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = run(_years(args.years))
    for year, row in rows.items():
        if row.get("by_rule"):
            print(f"\n{year} issues by rule:")
            for rule, count in row["by_rule"].items():
                print(f"  {rule}: {count}")
    slowest = max((r["export_s"] for r in rows.values()), default=0.0)
    print(f"\nSlowest export {slowest:.1f} s (goal under {EXPORT_GOAL_S:.0f} s)")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"cin-census-{args.db}-{stamp}.json"
    path.write_text(json.dumps({"db": args.db, "years": rows}, indent=2) + "\n")
    print(f"Wrote {path}")
    return 0 if slowest < EXPORT_GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
