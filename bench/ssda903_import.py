"""Time a dry run of the SSDA903 import on five years of a generated county's returns.

    flock /tmp/haven-heavy.lock .venv/bin/python bench/ssda903_import.py \\
        [--db haven_hampshire] [--years 2016-2020] [--into haven_bench_903]

1. Exports each year's return from ``--db`` (read only: ``ssda903_build``, as
   ``haven returns ssda903`` does) in a child process, as another system would have made it
   (its own child IDs: ``N`` and Haven's), into ``bench/results/ssda903_import/<year>/``.
2. In ``--into``, an empty database of its own (made and migrated if need be), times
   ``ssda903_import(dry_run=True)`` on the whole folder, every year at once, as
   ``haven returns import-903 DIR`` runs it: every child created, every period of care, move,
   legal status, review and missing episode made through the services, then rolled back.
   Prints the children, records and seconds, and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cin_census import _years
from bench.people_search import RESULTS, _setup

FOLDER = RESULTS / "ssda903_import"


def export(years: list[int], folder: Path) -> None:
    from haven.returns.ssda903 import ssda903_build

    for year in years:
        started = time.perf_counter()
        built = ssda903_build(year=year, with_previous=False)
        for rows in built.tables.values():
            for row in rows:
                row["CHILD"] = "N" + row["CHILD"]
        built.write(folder / str(year))
        print(
            f"exported {year}: {built.children} children, {built.episodes} episodes "
            f"({time.perf_counter() - started:.1f} s)",
            flush=True,
        )


def dry_run(folder: Path) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import transaction

    from haven.accounts.models import Role, User
    from haven.returns.import903 import read_folder, ssda903_import

    call_command("migrate", verbosity=0)
    files = read_folder(folder)
    size = sum(len(data) for _, data in files)
    with transaction.atomic():
        user = User.objects.create_user(
            username="bench-903-importer", password=None, role=Role.PERFORMANCE_ANALYST
        )
        started = time.perf_counter()
        report = ssda903_import(files=files, user=user, dry_run=True)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {
        "files": len(files),
        "bytes": size,
        "years": report.years,
        "seconds": round(seconds, 1),
        "summary": report.summary(),
        "rejected": [str(p) for c in report.rejected for p in c.problems][:50],
        "read_problems": [str(p) for p in report.problems][:50],
        "notes": report.notes[:20],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="haven_hampshire", help="the county to export from")
    parser.add_argument("--years", default="2016-2020")
    parser.add_argument("--into", default="haven_bench_903", help="the empty database to use")
    parser.add_argument("--export-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    years = _years(args.years)
    if args.export_only:
        _setup(args.db)
        export(years, FOLDER)
        return 0
    if FOLDER.exists():
        for path in sorted(FOLDER.rglob("*.csv")):
            path.unlink()
    argv = [sys.executable, __file__, "--export-only", "--db", args.db, "--years", args.years]
    subprocess.run(argv, check=True)
    _setup(args.into)
    result = dry_run(FOLDER)
    print(
        f"dry run of {result['files']} files ({result['bytes'] / 1e6:.1f} MB, years "
        f"{result['years']}): {result['seconds']} s",
        flush=True,
    )
    for key, value in result["summary"].items():
        print(f"  {key}: {value}")
    for line in result["rejected"][:20] + result["read_problems"][:20]:
        print(f"  {line}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "ssda903_import.json"
    out.write_text(json.dumps({"db": args.db, "years": years, **result}, indent=2, default=str))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
