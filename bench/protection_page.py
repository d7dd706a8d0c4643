"""Time the child protection performance page and ``haven figures protection`` against a
generated county, with auditing on; print the children on a plan at 31 March it computes.

    .venv/bin/python bench/protection_page.py --db haven_hampshire [--requests 30]

Uses a database made by ``haven generate`` (``bench/generate.py`` makes ``haven_hampshire``).
Signs in (``force_login``) as a performance analyst (``bench.analyst``, made once if the county
has none of that name) and requests ``/performance/child-protection/?year=2020`` repeatedly
through ``django.test.Client``: every request counts from the records (nothing is cached).
Also times the front-door page for the same year, for comparison, and the command line
figures for 2016-2020. Reports p50/p95/max and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.people_search import RESULTS, _setup, _summary

ANALYST = "bench.analyst"
GOAL_MS = 1000
YEAR = 2020
YEARS = "2016-2020"


def _analyst() -> Any:
    from haven.accounts.models import Role, User

    user = User.objects.filter(username=ANALYST).first()
    if user is None:
        user = User.objects.create_user(
            username=ANALYST,
            password=None,
            role=Role.PERFORMANCE_ANALYST,
            first_name="Bench",
            last_name="Analyst",
        )
    return user


def _time_page(client: Any, url: str, requests: int) -> dict[str, Any]:
    first = client.get(url)
    assert first.status_code == 200, (url, first.status_code)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    summary = _summary(times)
    summary["bytes"] = len(first.content)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="haven_hampshire")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--cli-runs", type=int, default=5)
    args = parser.parse_args()
    _setup(args.db)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from haven.cli import main as haven
    from haven.protection.models import ChildProtectionPlan

    plans = ChildProtectionPlan.objects.count()
    print(f"database {args.db}: {plans:,} child protection plans")
    if not plans:
        print("no plans: generate the county with child protection data first")
        sys.exit(1)
    client = Client()
    client.force_login(_analyst())
    results: dict[str, Any] = {"db": args.db, "plans": plans, "goal_ms": GOAL_MS, "pages": {}}
    for label, url in [
        ("Child protection", f"/performance/child-protection/?year={YEAR}"),
        ("Child protection on a day", f"/performance/child-protection/?year={YEAR}&on=2019-12-31"),
        ("Front door", f"/performance/front-door/?year={YEAR}"),
    ]:
        summary = _time_page(client, url, args.requests)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        summary["queries"] = len(queries)
        summary["slowest_query_ms"] = max(float(q["time"]) * 1000 for q in queries.captured_queries)
        results["pages"][label] = summary
        print(
            f"{label:26} p50 {summary['p50_ms']:7.1f} ms  p95 {summary['p95_ms']:7.1f} ms  "
            f"max {summary['max_ms']:7.1f} ms  {summary['queries']} queries "
            f"(slowest {summary['slowest_query_ms']:.0f} ms)"
        )

    times = []
    text = ""
    for _ in range(args.cli_runs):
        out = io.StringIO()
        start = time.perf_counter()
        with redirect_stdout(out):
            haven(["figures", "protection", "--year", YEARS, "--format", "json"])
        times.append((time.perf_counter() - start) * 1000)
        text = out.getvalue()
    cli = _summary(times)
    figures = json.loads(text)
    results["cli"] = {"years": YEARS, **cli}
    results["figures"] = figures
    print(
        f"{'haven figures protection':26} p50 {cli['p50_ms']:7.1f} ms  p95 {cli['p95_ms']:7.1f} ms "
        f"(--year {YEARS}, in process)"
    )
    print("\nyear  on plan 31 Mar  per 10,000  started  ended  2y+ %  second %  ICPC 15WD %")
    for year, v in figures.items():
        print(
            f"{year}  {v['children_on_cpp_at_year_end']:>14,}  {v['children_on_cpp_per_10000']!s:>10}"
            f"  {v['cpp_started']:>7,}  {v['cpp_ended']:>5,}  {v['cpp_ended_lasting_2y_plus_pct']!s:>5}"
            f"  {v['cpp_second_or_subsequent_pct']!s:>8}  {v['icpc_within_15wd_pct']!s:>11}"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out_path = RESULTS / f"protection_page-{args.db}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out_path.write_text(json.dumps(results, indent=2))
    print(f"written {out_path}")


if __name__ == "__main__":
    main()
