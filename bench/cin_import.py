"""Time a dry run of the CIN census import on a ~50 MB file that the bench makes itself.

    .venv/bin/python bench/cin_import.py [--db haven_bench_cin] [--mb 50] [--profile] [--commit]

1. Uses its own database, ``haven_bench_cin`` (``--db``), on the embedded PostgreSQL; generates
   the ``small`` scenario into it if it holds no children yet (a few minutes, once).
2. Exports the census of the last complete collection year with ``cin_census_build``, then
   repeats its ``<Child>`` elements with fresh LAchildIDs and UPNs (so every copy is a child
   to create, the import's heaviest path) until the file is ``--mb`` megabytes. The file is
   kept in ``bench/results/`` and reused while it exists.
3. Times ``cin_census_import(dry_run=True)`` on it, as the job behind the Returns page runs it,
   and prints the size, the number of children and the seconds. ``--profile`` prints the top of
   a cProfile of the same run. Goal: under 60 s for 50 MB on the 2-core machine.
4. ``--commit`` times the import itself instead (``dry_run=False``: the check, then every row
   written with its audit row), inside a transaction rolled back at the end, so the bench
   database is left as it was and the next run times the same work.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.people_search import RESULTS, _setup

GOAL_S = 60.0


def _ensure_county() -> None:
    from django.core.management import call_command

    from haven.people.models import Person, PersonKind

    call_command("migrate", verbosity=0)
    if Person.objects.filter(kind=PersonKind.CHILD).exists():
        return
    from haven.synthetic.generator import generate

    print("Generating the small scenario (once) ...", flush=True)
    generate("small")


def _upn(n: int) -> str:
    # A letter, 11 digits and a letter: the shape the importer checks (not a real check letter).
    return f"Z{n:011d}A"


def build_file(path: Path, megabytes: int) -> tuple[int, int]:
    """Write the census file; return (bytes, children)."""
    from lxml import etree

    from haven.returns.census import collection_year_of
    from haven.returns.export import cin_census_build

    year = collection_year_of(datetime.date.today()) - 1
    export = cin_census_build(year=year)
    root = etree.fromstring(export.xml)
    children_el = root.find("Children")
    originals = list(children_el)
    per_child = len(export.xml) / max(1, len(originals))
    wanted = int(megabytes * 1024 * 1024 / per_child)
    serial = 0
    count = len(originals)  # len() of an lxml element counts its children each time
    while count < wanted:
        for child in originals:
            if count >= wanted:
                break
            serial += 1
            count += 1
            clone = copy.deepcopy(child)
            ids = clone.find("ChildIdentifiers")
            ids.find("LAchildID").text = f"B{serial:08d}"
            upn = ids.find("UPN")
            if upn is not None:
                upn.text = _upn(serial)
            children_el.append(clone)
    data = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    path.write_bytes(data)
    return len(data), count


def bench_importer() -> Any:
    from haven.accounts.models import Role, User

    user = User.objects.filter(username="bench.importer").first()
    if user is None:
        user = User.objects.create_user(
            username="bench.importer",
            password=None,
            role=Role.PERFORMANCE_ANALYST,
            first_name="Bench",
            last_name="Importer",
        )
    return user


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="haven_bench_cin")
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--rebuild", action="store_true", help="make the file again")
    parser.add_argument("--commit", action="store_true", help="time the import, rolled back")
    args = parser.parse_args()
    _setup(args.db)
    _ensure_county()
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"cin-import-{args.mb}mb.xml"
    if args.rebuild or not path.exists():
        size, children = build_file(path, args.mb)
        print(f"Wrote {path} ({size / 1e6:.1f} MB, {children} children)", flush=True)

    from haven.returns.importer import cin_census_import

    data = path.read_bytes()
    user = bench_importer()
    progress: list[tuple[int, int]] = []
    started = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        report = profiler.runcall(
            cin_census_import,
            data=data,
            user=user,
            dry_run=True,
            defects="import",  # its made-up UPNs have no real check letter (rule 1510)
            progress=lambda done, total: progress.append((done, total)),
        )
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    elif args.commit:
        from django.db import transaction

        class _Undo(Exception):
            pass

        try:
            with transaction.atomic():
                report = cin_census_import(
                    data=data,
                    user=user,
                    defects="import",
                    dry_run=False,
                    progress=lambda done, total: progress.append((done, total)),
                )
                seconds = time.perf_counter() - started
                raise _Undo
        except _Undo:
            pass
    else:
        report = cin_census_import(
            data=data,
            user=user,
            dry_run=True,
            defects="import",  # its made-up UPNs have no real check letter (rule 1510)
            progress=lambda done, total: progress.append((done, total)),
        )
    if not args.commit:
        seconds = time.perf_counter() - started
    summary = report.summary()
    row = {
        "bytes": len(data),
        "children": len(report.children),
        "seconds": round(seconds, 1),
        "what": "commit (rolled back)" if args.commit else "dry run",
        "committed": report.committed,
        "progress_updates": len(progress),
        "summary": summary,
    }
    print(
        f"{'commit' if args.commit else 'dry run'}: {len(data) / 1e6:.1f} MB, {len(report.children)} children, "
        f"{seconds:.1f} s (goal {GOAL_S:.0f} s) "
        f"{'ok' if seconds < GOAL_S else 'TOO SLOW'}"
    )
    print(json.dumps(summary))
    kind = "-commit" if args.commit else ""
    (RESULTS / f"cin_import-{args.mb}mb{kind}-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(row, indent=2)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
