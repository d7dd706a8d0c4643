"""Generate the "hampshire" synthetic county and compare what its records say with what the
county published.

    .venv/bin/python bench/generate.py [--scenario hampshire] [--db haven_hampshire] [--seed N]

Uses its own database (``HAVEN_DB_NAME``, default haven_hampshire; created if missing) and leaves
it loaded, for page benchmarks. The figures are computed from the generated records: contacts
received in each collection year (1 April to 31 March, Europe/London), Child and Family
Assessments authorised in it, and the share of those authorised within 45 working days of their
start (the working-day calendar). The published figures come from the scenario's
``[calibration]`` table, which the generator never reads. Writes
``bench/results/generate-<scenario>-<time>.json``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _figures(first_year: int, end_year: int) -> dict[int, dict[str, Any]]:
    from django.db import connection

    from haven.core.calendar import calendar

    cal = calendar()
    out: dict[int, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for year in range(first_year, end_year + 1):
            start, end = datetime.date(year - 1, 4, 1), datetime.date(year, 3, 31)
            cursor.execute(
                "SELECT count(*) FROM frontdoor_contact WHERE "
                "(received_at AT TIME ZONE 'Europe/London')::date BETWEEN %s AND %s",
                [start, end],
            )
            contacts = cursor.fetchone()[0]
            cursor.execute(
                "SELECT start_date, authorised_on FROM assessments_assessment "
                "WHERE authorised_on BETWEEN %s AND %s",
                [start, end],
            )
            rows = cursor.fetchall()
            timely = sum(1 for s, a in rows if cal.working_days_between(s, a) <= 45)
            durations = sorted(cal.working_days_between(s, a) for s, a in rows)
            cursor.execute(
                "SELECT count(*), count(*) FILTER (WHERE is_re_referral) FROM frontdoor_referral "
                "WHERE referral_date BETWEEN %s AND %s",
                [start, end],
            )
            referrals, re_referrals = cursor.fetchone()
            out[year] = {
                "contacts": contacts,
                "assessments_authorised": len(rows),
                "within_45_percent": round(100 * timely / len(rows), 2) if rows else None,
                "median_working_days": durations[len(durations) // 2] if durations else None,
                "referrals": referrals,
                "re_referral_percent": round(100 * re_referrals / referrals, 1)
                if referrals
                else None,
            }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="hampshire")
    parser.add_argument("--db", default="haven_hampshire")
    parser.add_argument("--seed", type=int)
    args = parser.parse_args()
    os.environ["HAVEN_DB_NAME"] = args.db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from haven.synthetic.generator import generate
    from haven.synthetic.scenario import load_scenario

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - t0
    report = generate(
        args.scenario, replace=True, seed=args.seed, stdout=lambda line: print(line, flush=True)
    )
    figures = _figures(report.first_year, report.end_year)
    calibration = load_scenario(args.scenario).data.get("calibration", {})
    rows = []
    print()
    print(f"{'year':<9}{'measure':<26}{'published':>11}{'computed':>11}{'diff %':>9}")
    worst = 0.0
    for year, got in figures.items():
        label = f"{year - 1}/{year % 100:02d}"
        for measure in ("contacts", "assessments_authorised", "within_45_percent"):
            published = calibration.get(measure, {}).get(str(year))
            computed = got[measure]
            diff = None
            if published is not None and computed is not None:
                diff = round(100 * (computed - published) / published, 2)
                worst = max(worst, abs(diff))
            rows.append(
                {
                    "year": year,
                    "measure": measure,
                    "published": published,
                    "computed": computed,
                    "diff_percent": diff,
                }
            )
            shown = "" if published is None else f"{published:,}"
            print(
                f"{label:<9}{measure:<26}{shown:>11}{computed:>11,}"
                f"{'' if diff is None else f'{diff:+.2f}':>9}"
            )
        print(
            f"{'':<9}{'(median WD; referrals; re-referral %)':<37}"
            f"{got['median_working_days']}; {got['referrals']:,}; {got['re_referral_percent']}"
        )
    print(f"\nLargest difference from a published figure: {worst:.2f}%")
    print(f"Generation took {report.seconds:.1f}s (migrate {migrate_seconds:.1f}s)")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    path = results / f"generate-{report.scenario}-{stamp}.json"
    path.write_text(
        json.dumps(
            {
                "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "database": args.db,
                "generation": report.as_dict(),
                "figures": {str(k): v for k, v in figures.items()},
                "calibration": rows,
                "largest_difference_percent": worst,
            },
            indent=2,
        )
    )
    print(f"Wrote {path.relative_to(ROOT)}")
    return 0 if worst <= 3.0 else 1


if __name__ == "__main__":
    sys.exit(main())
