"""Generate the "hampshire" synthetic county and compare what its records say with what the
county published.

    .venv/bin/python bench/generate.py [--scenario hampshire] [--db haven_hampshire] [--seed N]

Uses its own database (``HAVEN_DB_NAME``, default haven_hampshire; created if missing) and leaves
it loaded, for page benchmarks. The figures are computed from the generated records: contacts
received in each collection year (1 April to 31 March, Europe/London), Child and Family
Assessments authorised in it, and the share of those authorised within 45 working days of their
start (the working-day calendar); children on a child protection plan at 31 March, ICPCs within
15 working days of the S47 start, ended plans that lasted 2 years or more, and plans that were
the child's second or later (at any time in the generated history, and within 2 years). The
published figures come from the scenario's
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
                **_protection(cursor, cal, start, end),
                **_care(cursor, start, end),
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


def _protection(cursor: Any, cal: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Child protection figures for the year ``start`` to ``end`` (DfE definitions)."""
    from haven.core.calendar import add_calendar_months

    cursor.execute(
        "SELECT count(*) FROM protection_childprotectionplan WHERE start_date <= %s "
        "AND (end_date IS NULL OR end_date > %s)",
        [end, end],
    )
    on_plan = cursor.fetchone()[0]
    cursor.execute(
        "SELECT s.start_date, c.held_on FROM protection_conference c "
        "JOIN protection_s47enquiry s ON s.id = c.s47_id "
        "WHERE c.kind = 'initial' AND c.held_on BETWEEN %s AND %s",
        [start, end],
    )
    icpcs = cursor.fetchall()
    timely = sum(1 for s47, held in icpcs if cal.working_days_between(s47, held) <= 15)
    cursor.execute(
        "SELECT start_date, end_date FROM protection_childprotectionplan "
        "WHERE end_date BETWEEN %s AND %s",
        [start, end],
    )
    ended = cursor.fetchall()
    long_plans = sum(1 for s, e in ended if add_calendar_months(s, 24) <= e)
    days = sorted((e - s).days for s, e in ended)
    # Children starting a plan in the year who had a plan before (at any time in the generated
    # history; a local variant: one that ended in the 2 years before).
    cursor.execute(
        "SELECT p.previous_plans > 0, EXISTS (SELECT 1 FROM protection_childprotectionplan q "
        "WHERE q.person_id = p.person_id AND q.start_date < p.start_date "
        "AND q.end_date >= (p.start_date - INTERVAL '2 years')::date), p.initial_category "
        "FROM protection_childprotectionplan p WHERE p.start_date BETWEEN %s AND %s",
        [start, end],
    )
    started = cursor.fetchall()
    categories: dict[str, int] = {}
    for _, _, category in started:
        categories[category] = categories.get(category, 0) + 1

    def pct(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    return {
        "cpp_at_31_march": on_plan,
        "icpcs": len(icpcs),
        "icpc_within_15_percent": pct(timely, len(icpcs)),
        "plans_started": len(started),
        "plans_ended": len(ended),
        "ended_2_years_plus_percent": pct(long_plans, len(ended)),
        "ended_median_days": days[len(days) // 2] if days else None,
        "second_plan_percent": pct(sum(1 for p, _, _ in started if p), len(started)),
        "repeat_within_2_years_percent": pct(sum(1 for _, r, _ in started if r), len(started)),
        "category_percent": {k: pct(v, len(started)) for k, v in sorted(categories.items())},
    }


def _care(cursor: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Children looked after (SSDA903): at 31 March, an episode open at the end of the day,
    short breaks (V3, V4) excluded; UASC among them; periods started and ended in the year."""
    cursor.execute(
        "SELECT count(DISTINCT e.person_id), count(DISTINCT e.person_id) FILTER (WHERE EXISTS "
        "(SELECT 1 FROM uasc_uascstatus u WHERE u.person_id = e.person_id AND u.arrived_on <= %s "
        "AND (u.ceased_on IS NULL OR u.ceased_on > %s))) FROM care_episode e "
        "WHERE e.decom <= %s AND (e.dec IS NULL OR e.dec > %s) AND e.ls NOT IN ('V3', 'V4')",
        [end, end, end, end],
    )
    looked_after, uasc = cursor.fetchone()
    cursor.execute(
        "SELECT count(*) FILTER (WHERE start_date BETWEEN %s AND %s), "
        "count(*) FILTER (WHERE end_date BETWEEN %s AND %s) FROM care_careperiod",
        [start, end, start, end],
    )
    started, ended = cursor.fetchone()
    return {
        "cla_at_31_march": looked_after,
        "uasc_at_31_march": uasc,
        "care_started": started,
        "care_ended": ended,
    }


def _former_uasc(published: dict[str, int], rows: list[dict[str, Any]]) -> float:
    """Former UASC care leavers at each published quarter end, as the care leavers page
    counts them; appends to ``rows`` and returns the largest difference in %."""
    from haven.leavingcare.figures import former_uasc_on

    days = sorted(datetime.date.fromisoformat(str(day)) for day in published)
    worst = 0.0
    print(f"\n{'quarter end':<14}{'former UASC care leavers':<26}{'published':>11}{'computed':>11}")
    for day, computed in zip(days, former_uasc_on(days, ()), strict=True):
        expected = published[day.isoformat()]
        diff = round(100 * (computed - expected) / expected, 2)
        worst = max(worst, abs(diff))
        rows.append(
            {
                "quarter_end": day.isoformat(),
                "measure": "former_uasc_care_leavers",
                "published": expected,
                "computed": computed,
                "diff_percent": diff,
            }
        )
        print(f"{day.isoformat():<40}{expected:>11,}{computed:>11,}{diff:>+9.2f}")
    return worst


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
    worst_cpp = 0.0
    worst_cla = 0.0
    for year, got in figures.items():
        label = f"{year - 1}/{year % 100:02d}"
        for measure in (
            "contacts",
            "assessments_authorised",
            "within_45_percent",
            "cpp_at_31_march",
            "cla_at_31_march",
        ):
            published = calibration.get(measure, {}).get(str(year))
            computed = got[measure]
            diff = None
            if published is not None and computed is not None:
                diff = round(100 * (computed - published) / published, 2)
                if measure == "cpp_at_31_march":
                    worst_cpp = max(worst_cpp, abs(diff))
                elif measure == "cla_at_31_march":
                    worst_cla = max(worst_cla, abs(diff))
                else:
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
        print(
            f"{'':<9}(ICPCs {got['icpcs']:,}, within 15 WD {got['icpc_within_15_percent']}%; "
            f"plans started {got['plans_started']:,}, ended {got['plans_ended']:,}, "
            f"median {got['ended_median_days']} days, 2+ years "
            f"{got['ended_2_years_plus_percent']}%; second or later "
            f"{got['second_plan_percent']}%, within 2 years "
            f"{got['repeat_within_2_years_percent']}%)"
        )
        print(f"{'':<9}(categories of plans started: {got['category_percent']})")
        print(
            f"{'':<9}(looked after: UASC at 31 March {got['uasc_at_31_march']:,}; periods "
            f"started {got['care_started']:,}, ended {got['care_ended']:,})"
        )
    worst_uasc = _former_uasc(calibration.get("former_uasc_care_leavers", {}), rows)
    print(f"\nLargest difference from a published figure: {worst:.2f}% (target 3%)")
    print(f"Largest difference in children on a plan at 31 March: {worst_cpp:.2f}% (target 5%)")
    print(f"Largest difference in children looked after at 31 March: {worst_cla:.2f}% (target 5%)")
    print(
        f"Largest difference in former UASC care leavers at a quarter end: {worst_uasc:.2f}% "
        "(target 10%)"
    )
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
                "largest_cpp_difference_percent": worst_cpp,
                "largest_cla_difference_percent": worst_cla,
                "largest_former_uasc_difference_percent": worst_uasc,
            },
            indent=2,
        )
    )
    print(f"Wrote {path.relative_to(ROOT)}")
    met = worst <= 3.0 and worst_cpp <= 5.0 and worst_cla <= 5.0 and worst_uasc <= 10.0
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
