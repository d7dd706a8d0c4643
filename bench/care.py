"""Time the children looked after performance page (/performance/figures/care/) and
``haven figures care``, with auditing on; print the figures it computes.

On a generated county (the lead's run, once the synthetic county has its care part):

    flock /tmp/haven-heavy.lock .venv/bin/python bench/care.py --db haven_hampshire

On hand-built data, before the county has care data (``--fill``: a database of its own,
``haven_care_bench``, topped up to ``--people`` synthetic people with bench/_load.py, then
``--periods`` periods of care for as many children, with their legal statuses, placements,
derived episodes, visits, reviews, health assessments, PEPs, UASC statuses and adoptions, from
a fixed seed; about 1,600 looked after at any 31 March and 20,000 episodes by default):

    flock /tmp/haven-heavy.lock .venv/bin/python bench/care.py --fill

Signs in (``force_login``) as a performance analyst (``bench.analyst``) and requests the page
for 2020, and on a day, repeatedly through ``django.test.Client``: every request counts from the
records (nothing is cached). Reports p50/p95/max (goal: p95 under 1 s), the queries and the
slowest, the command line's time for 2016-2020, and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import random
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.people_search import RESULTS, _setup, _summary
from bench.protection_page import _analyst, _time_page

GOAL_MS = 1000
YEAR = 2020
YEARS = "2016-2020"
D = datetime.date
FIRST_START = D(2013, 4, 1)
LAST_DAY = D(2020, 9, 30)
CHUNK = 5000


# -- hand-built care data (--fill) ------------------------------------------------------------


def _days(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange(max(1, (last - first).days)))


def fill(periods: int, seed: int, log: Any = print) -> None:
    """Periods of care for ``periods`` children (one each), and their statutory work."""
    from django.db import connection, transaction

    from haven.care import episodes
    from haven.care.models import (
        CarePeriod,
        CareReview,
        CareVisit,
        Episode,
        HealthKind,
        HealthRecord,
        LegalStatusChange,
        PersonalEducationPlan,
        Placement,
    )
    from haven.carers.models import ChildrensHome, FosteringHousehold
    from haven.core.db_roles import owner_mode
    from haven.people.models import Person, PersonKind
    from haven.uasc.models import UASCStatus

    rng = random.Random(seed)
    started = time.perf_counter()
    with owner_mode(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        households = FosteringHousehold.objects.bulk_create(
            FosteringHousehold(
                reference=f"BF{i}",
                name=f"Carers {i}",
                address="1 Road",
                postcode="SO23 8UJ",
                approved_on=D(2010, 1, 1),
                age_from=0,
                age_to=18,
                places=3,
            )
            for i in range(400)
        )
        homes = ChildrensHome.objects.bulk_create(
            ChildrensHome(
                name=f"Home {i}",
                operator="PR1" if i % 2 else "PR4",
                urn=f"SC9{i:05d}",
                address="2 Road",
                postcode="SO50 4AB",
                places=5,
            )
            for i in range(40)
        )
        children = list(
            Person.objects.filter(
                kind=PersonKind.CHILD,
                merged_into__isnull=True,
                date_of_birth__gte=D(2000, 1, 1),
                date_of_birth__lte=D(2019, 1, 1),
            )
            .order_by("pk")
            .values_list("pk", "date_of_birth")[: periods * 3]
        )
        rng.shuffle(children)
        chosen = children[:periods]
        plans: list[tuple[CarePeriod, list[Any], list[Any]]] = []
        for person_id, born in chosen:
            assert born is not None  # chosen by date of birth
            earliest = max(FIRST_START, born)
            start = _days(rng, earliest, D(2020, 6, 30))
            eighteen = D(born.year + 18, born.month, min(born.day, 28))
            if start >= eighteen:
                continue
            length = datetime.timedelta(days=int(rng.expovariate(1 / (3.1 * 365))) + 1)
            end: datetime.date | None = start + length
            end_reason = rng.choice(["E4A", "E4A", "E13", "E41", "E45", "E11", "E8", "E5"])
            if end is not None and end >= eighteen:
                end, end_reason = eighteen, "E8"
            if end is not None and end > LAST_DAY:
                end, end_reason = None, ""
            last = end or LAST_DAY
            short_breaks = rng.random() < 0.04
            period = CarePeriod(
                person_id=person_id,
                start_date=start,
                end_date=end,
                end_reason=end_reason,
                category_of_need=rng.choice(["N1", "N1", "N1", "N2", "N4", "N5", "N8"]),
                home_postcode="SO23 8UJ",
            )
            statuses = [(start, "V3" if short_breaks else rng.choice(["C1", "V2", "L1"]))]
            if not short_breaks and rng.random() < 0.6:
                change = start + datetime.timedelta(days=rng.randrange(20, 250))
                if change < last:
                    statuses.append((change, "C2"))
            moves = sorted(
                {
                    start + datetime.timedelta(days=rng.randrange(1, max(2, (last - start).days)))
                    for _ in range(min(8, int(rng.expovariate(1 / 1.6))))
                }
            )
            starts = [start, *[m for m in moves if start < m < last]]
            places = []
            for i, place_start in enumerate(starts):
                place_end = starts[i + 1] if i + 1 < len(starts) else end
                roll = rng.random()
                household = rng.choice(households) if roll < 0.4 else None
                home = rng.choice(homes) if 0.4 <= roll < 0.5 else None
                places.append(
                    Placement(
                        person_id=person_id,
                        start_date=place_start,
                        end_date=place_end,
                        place="K2" if home else rng.choice(["U4", "U6", "U6", "U3", "P1"]),
                        provider="PR1" if household or (home and home.is_own) else "PR4",
                        household=household,
                        home=home,
                        carer_name=""
                        if household or home
                        else f"Agency carer {rng.randrange(900)}",
                        postcode="SO50 4AB",
                        distance_miles=None
                        if rng.random() < 0.1
                        else round(rng.expovariate(1 / 12), 1),
                        change_reason=rng.choice(["CARPL", "CREQB", "CREQO", "CLOSE"])
                        if place_end and i + 1 < len(starts)
                        else "",
                    )
                )
            plans.append((period, statuses, places))
        CarePeriod.objects.bulk_create([p for p, _, _ in plans], batch_size=CHUNK)
        status_rows = []
        placement_rows = []
        for period, statuses, places in plans:
            for day, code in statuses:
                status_rows.append(
                    LegalStatusChange(
                        period=period, person_id=period.person_id, code=code, start_date=day
                    )
                )
            for placement in places:
                placement.period = period
                placement_rows.append(placement)
        LegalStatusChange.objects.bulk_create(status_rows, batch_size=CHUNK)
        Placement.objects.bulk_create(placement_rows, batch_size=CHUNK)
        episode_rows = []
        work: dict[str, list[Any]] = {
            "visits": [],
            "reviews": [],
            "health": [],
            "peps": [],
            "uasc": [],
        }
        for period, statuses, places in plans:
            facts = episodes.PeriodFacts(
                period.start_date,
                period.end_date,
                period.end_reason,
                period.category_of_need,
                period.home_postcode,
            )
            derived = episodes.episodes_for(
                facts,
                [episodes.StatusFacts(day, code) for day, code in statuses],
                [
                    episodes.PlacementFacts(
                        p.start_date,
                        p.end_date,
                        p.place,
                        p.provider,
                        p.carer_key,
                        p.postcode,
                        p.urn,
                        p.change_reason,
                        p.pk,
                    )
                    for p in places
                ],
            )
            for e in derived:
                fields = {k: v for k, v in e.__dict__.items() if k != "placement_key"}
                episode_rows.append(
                    Episode(
                        period=period,
                        person_id=period.person_id,
                        placement_id=e.placement_key,
                        **fields,
                    )
                )
            last = period.end_date or LAST_DAY
            due = period.start_date + datetime.timedelta(days=7)
            while due < last:
                visited = due + datetime.timedelta(days=rng.randrange(-10, 6))
                visited = max(visited, period.start_date)
                if visited >= last:
                    break
                placement = next(p for p in reversed(places) if p.start_date <= visited)
                following = visited + datetime.timedelta(days=42)
                work["visits"].append(
                    CareVisit(
                        period=period,
                        placement=placement,
                        person_id=period.person_id,
                        visited_on=visited,
                        child_seen=True,
                        due_date=due,
                        next_due=following,
                        due_rule="six_weekly",
                    )
                )
                due = following
            due = period.start_date + datetime.timedelta(days=28)
            gap = 91
            while due < last:
                held = due + datetime.timedelta(days=rng.randrange(-14, 5))
                if held >= last or held <= period.start_date:
                    break
                work["reviews"].append(
                    CareReview(
                        period=period,
                        person_id=period.person_id,
                        held_on=held,
                        due_date=due,
                        participation="PN1",
                    )
                )
                due, gap = held + datetime.timedelta(days=gap), 182
            on = period.start_date + datetime.timedelta(days=rng.randrange(5, 40))
            kind = HealthKind.INITIAL_ASSESSMENT
            while on < last:
                work["health"].append(
                    HealthRecord(person_id=period.person_id, period=period, kind=kind, on=on)
                )
                on += datetime.timedelta(days=rng.randrange(300, 400))
                kind = HealthKind.REVIEW_ASSESSMENT
            held = period.start_date + datetime.timedelta(days=rng.randrange(7, 20))
            due = period.start_date + datetime.timedelta(days=14)
            while held < last:
                work["peps"].append(
                    PersonalEducationPlan(
                        period=period, person_id=period.person_id, held_on=held, due_date=due
                    )
                )
                due = held + datetime.timedelta(days=120)
                held = due + datetime.timedelta(days=rng.randrange(-20, 10))
            if rng.random() < 0.06:
                work["uasc"].append(
                    UASCStatus(person_id=period.person_id, arrived_on=period.start_date)
                )
        Episode.objects.bulk_create(episode_rows, batch_size=CHUNK)
        CareVisit.objects.bulk_create(work["visits"], batch_size=CHUNK)
        CareReview.objects.bulk_create(work["reviews"], batch_size=CHUNK)
        HealthRecord.objects.bulk_create(work["health"], batch_size=CHUNK)
        PersonalEducationPlan.objects.bulk_create(work["peps"], batch_size=CHUNK)
        UASCStatus.objects.bulk_create(work["uasc"], batch_size=CHUNK, ignore_conflicts=True)
        cursor.execute("SET LOCAL session_replication_role = origin")
    with owner_mode(), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(
        f"filled {len(plans):,} periods, {len(placement_rows):,} placements, "
        f"{len(episode_rows):,} episodes, {len(work['visits']):,} visits, "
        f"{len(work['reviews']):,} reviews in {time.perf_counter() - started:.0f}s"
    )


# -- the timing ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="default haven_hampshire, or haven_care_bench with --fill")
    parser.add_argument("--fill", action="store_true", help="hand-build care data (see above)")
    parser.add_argument("--people", type=int, default=400_000)
    parser.add_argument("--periods", type=int, default=4_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--cli-runs", type=int, default=3)
    args = parser.parse_args()
    db = args.db or ("haven_care_bench" if args.fill else "haven_hampshire")
    _setup(db)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from haven.care.models import CarePeriod, Episode
    from haven.cli import main as haven
    from haven.people.models import Person

    if args.fill:
        from django.core.management import call_command

        from bench._load import load_people

        call_command("migrate", verbosity=0)
        have = Person.objects.count()
        if have < args.people:
            print(f"loading {args.people - have:,} people ...")
            load_people(connection, args.people - have)
        if not CarePeriod.objects.exists():
            fill(args.periods, args.seed)
    periods = CarePeriod.objects.count()
    episodes = Episode.objects.count()
    print(f"database {db}: {periods:,} periods of care, {episodes:,} episodes")
    if not episodes:
        print("no episodes: generate the county with care data, or run with --fill")
        sys.exit(1)
    client = Client()
    client.force_login(_analyst())
    results: dict[str, Any] = {
        "db": db,
        "periods": periods,
        "episodes": episodes,
        "goal_ms": GOAL_MS,
        "pages": {},
    }
    for label, url in [
        ("Children looked after", f"/performance/figures/care/?year={YEAR}"),
        ("On a day", f"/performance/figures/care/?year={YEAR}&on=2019-12-31"),
        ("List at 31 March", f"/performance/front-door/list/?measure=cla_at_year_end&year={YEAR}"),
    ]:
        summary = _time_page(client, url, args.requests)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        summary["queries"] = len(queries)
        summary["slowest_query_ms"] = max(float(q["time"]) * 1000 for q in queries.captured_queries)
        results["pages"][label] = summary
        print(
            f"{label:24} p50 {summary['p50_ms']:7.1f} ms  p95 {summary['p95_ms']:7.1f} ms  "
            f"max {summary['max_ms']:7.1f} ms  {summary['queries']} queries "
            f"(slowest {summary['slowest_query_ms']:.0f} ms)"
        )
    times = []
    text = ""
    for _ in range(args.cli_runs):
        out = io.StringIO()
        start = time.perf_counter()
        with redirect_stdout(out):
            haven(["figures", "care", "--year", YEARS, "--format", "json"])
        times.append((time.perf_counter() - start) * 1000)
        text = out.getvalue()
    cli = _summary(times)
    figures = json.loads(text)
    results["cli"] = {"years": YEARS, **cli}
    results["figures"] = figures
    print(
        f"{'haven figures care':24} p50 {cli['p50_ms']:7.1f} ms  p95 {cli['p95_ms']:7.1f} ms "
        f"(--year {YEARS}, in process)"
    )
    print(
        "\nyear  CLA 31 Mar  per 10,000  started  ceased  UASC  3+ pl %  stable %  >20mi %  "
        "reviews %  visits %  health %"
    )
    for year, v in figures.items():
        print(
            f"{year}  {v['cla_at_year_end']:>10,}  {v['cla_per_10000']!s:>10}  "
            f"{v['cla_started']:>7,}  {v['cla_ceased']:>6,}  {v['uasc_at_year_end']:>4,}  "
            f"{v['placements_3_plus_pct']!s:>7}  {v['long_term_stability_pct']!s:>8}  "
            f"{v['placed_over_20_miles_pct']!s:>7}  {v['reviews_in_time_pct']!s:>9}  "
            f"{v['visits_in_time_pct']!s:>8}  {v['health_assessments_in_time_pct']!s:>8}"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out_path = RESULTS / f"care-{db}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out_path.write_text(json.dumps(results, indent=2))
    print(f"written {out_path}")


if __name__ == "__main__":
    main()
