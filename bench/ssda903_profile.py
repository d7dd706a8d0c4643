"""Profile the SSDA903 import of a share of a folder's children, as the rehearsal runs it.

    flock /tmp/haven-heavy.lock .venv/bin/python bench/ssda903_profile.py \\
        bench/results/rehearse-haven_hampshire/returns [--every 5] [--out 903.prof]

Reads every SSDA903 table under the folder (``bench/rehearse.py`` leaves the hampshire county's
there), keeps every ``--every``-th child and imports them as a dry run under cProfile in a
throwaway database (``migration.scratch``: no audit trail, as in a rehearsal), numbered after
the files' Haven IDs as a rehearsal's is. Prints the seconds, the queries a child, the
queries by kind and the functions of Haven's that took longest, and writes the profile to
``--out`` (for ``python -m pstats`` or snakeviz).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.people_search import RESULTS, _setup


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--every", type=int, default=5, help="every n-th child (5: a fifth)")
    parser.add_argument("--out", type=Path, default=RESULTS / "ssda903_import.prof")
    parser.add_argument("--db", default="haven_bench_903", help="connects here to make the scratch")
    args = parser.parse_args()
    _setup(args.db)

    from django.db import connection

    from haven.migration.rehearsal import _number_people_after, _rehearsal_user, _split
    from haven.migration.scratch import scratch_database
    from haven.migration.ssda903 import ssda903_files
    from haven.returns.import903 import read_903, ssda903_import_read

    source = read_903(ssda903_files(args.folder))
    children = sorted({r["CHILD"] for rows in source.rows.values() for r in rows})
    keep = set(children[:: args.every])
    part, _ = _split(source, lambda child: child in keep)
    queries: Counter[str] = Counter()

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[" ".join(sql.split()[:3])[:60]] += 1
        return execute(sql, params, many, context)

    with scratch_database() as name:
        print(f"{len(keep)} of {len(children)} children, in {name}", flush=True)
        _number_people_after([], source)
        user = _rehearsal_user()
        profile = cProfile.Profile()
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            profile.enable()
            report = ssda903_import_read(source=part, user=user, dry_run=True)
            profile.disable()
        seconds = time.perf_counter() - started
    total = sum(queries.values())
    print(
        f"{seconds:.1f} s under cProfile, {1000 * seconds / len(keep):.0f} ms and "
        f"{total / len(keep):.0f} queries a child; rejected {len(report.rejected)}"
    )
    for kind, n in queries.most_common(25):
        print(f"{n:8d}  {kind}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    profile.dump_stats(args.out)
    stats = pstats.Stats(str(args.out))
    mine = sorted(
        (
            (cumulative, calls, f"{path.split('/haven/')[-1]}:{function}")
            for (path, _, function), (_, calls, _, cumulative, _) in stats.stats.items()  # type: ignore[attr-defined]
            if "/haven/" in path
        ),
        reverse=True,
    )
    for cumulative, calls, where in mine[:40]:
        print(f"{cumulative:8.2f} s {calls:8d}  {where}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
