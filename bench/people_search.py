"""Benchmark person search (and the child's page) over a large synthetic population.

    .venv/bin/python bench/people_search.py --people 1000000

Uses its own database (``haven_bench`` by default, on the same embedded server), migrates it,
tops it up to ``--people`` synthetic people with COPY, then times ``person_search`` for a mix of
realistic queries as a practitioner, and the child's page if the view exists. Results go to
``bench/results/`` as JSON. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BENCH_USERNAME = "bench.practitioner"
BENCH_TEAM = "Bench district assessment team"


def _setup(db_name: str) -> None:
    if os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is set: the bench uses that database, not", db_name)
    os.environ["HAVEN_DB_NAME"] = db_name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(_percentile(values, 50), 2),
        "p95_ms": round(_percentile(values, 95), 2),
        "p99_ms": round(_percentile(values, 99), 2),
        "max_ms": round(max(values, default=0.0), 2),
        "mean_ms": round(statistics.fmean(values), 2) if values else 0.0,
    }


# -- the actor -------------------------------------------------------------------------------


def bench_user(*, allocate: int = 300) -> Any:
    """A practitioner in a team holding ``allocate`` children's cases (made once)."""
    from haven.accounts.models import Membership, Role, Team, TeamKind, User
    from haven.people.models import Allocation, Person, PersonKind

    user = User.objects.filter(username=BENCH_USERNAME).first()
    if user is None:
        user = User.objects.create_user(
            username=BENCH_USERNAME,
            password=None,
            role=Role.PRACTITIONER,
            first_name="Bench",
            last_name="Practitioner",
        )
    team, _ = Team.objects.get_or_create(name=BENCH_TEAM, defaults={"kind": TeamKind.ASSESSMENT})
    Membership.objects.get_or_create(user=user, team=team)
    have = Allocation.objects.filter(team=team, end_date__isnull=True).count()
    if have < allocate:
        already = Allocation.objects.filter(end_date__isnull=True).values("person_id")
        children = (
            list(
                Person.objects.filter(
                    kind=PersonKind.CHILD, is_restricted=False, merged_into__isnull=True
                )
                .exclude(pk__in=already)
                .order_by("?")[: allocate - have]
                .values_list("pk", flat=True)
            )
            if Person.objects.count() < 50_000
            else _random_child_ids(allocate - have)
        )
        Allocation.objects.bulk_create(
            Allocation(person_id=pk, team=team, start_date=datetime.date.today()) for pk in children
        )
    return user


def _random_child_ids(count: int) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.id FROM people_person p TABLESAMPLE SYSTEM (1)
             WHERE p.kind = 'child' AND NOT p.is_restricted AND p.merged_into_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM people_allocation a
                                WHERE a.person_id = p.id AND a.end_date IS NULL)
             LIMIT %s
            """,
            [count],
        )
        return [row[0] for row in cursor.fetchall()]


# -- the queries -----------------------------------------------------------------------------

_MISSPELLINGS = [
    ("ph", "f"),
    ("ck", "k"),
    ("ll", "l"),
    ("tt", "t"),
    ("ss", "s"),
    ("ie", "y"),
    ("y", "ie"),
    ("ey", "y"),
    ("c", "k"),
    ("k", "c"),
    ("i", "y"),
    ("ou", "ow"),
    ("ea", "ee"),
    ("th", "t"),
    ("oh", "o"),
    ("er", "a"),
    ("ai", "ay"),
    ("on", "an"),
    ("s", "z"),
    ("mm", "m"),
    ("nn", "n"),
]


def misspell(word: str, rng: random.Random) -> str:
    lower = word.lower()
    options = [(a, b) for a, b in _MISSPELLINGS if a in lower[1:]]
    if options:
        a, b = rng.choice(options)
        at = lower.index(a, 1)
        return lower[:at] + b + lower[at + len(a) :]
    if len(lower) > 4:  # a dropped letter
        at = rng.randrange(1, len(lower) - 1)
        return lower[:at] + lower[at + 1 :]
    return lower + lower[-1]


@dataclass
class Query:
    kind: str
    text: str
    target_id: int | None


def sample_people(count: int, rng: random.Random) -> list[dict[str, Any]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM people_person")
        lo, hi = cursor.fetchone()
        ids = rng.sample(range(lo, hi + 1), min(count * 2, hi - lo + 1))
        cursor.execute(
            """
            SELECT p.id, p.given_names, p.family_name, p.date_of_birth, p.nhs_number, p.upn,
                   (SELECT a.postcode FROM people_address a
                     WHERE a.person_id = p.id AND a.end_date IS NULL LIMIT 1)
              FROM people_person p
             WHERE p.id = ANY(%s) AND NOT p.is_restricted AND p.merged_into_id IS NULL
            """,
            [ids],
        )
        cols = ["id", "given_names", "family_name", "dob", "nhs", "upn", "postcode"]
        rows = [dict(zip(cols, row, strict=True)) for row in cursor.fetchall()]
    rng.shuffle(rows)
    return rows[:count]


def make_queries(count: int, rng: random.Random) -> list[Query]:
    people = sample_people(count, rng)
    kinds = (
        ["misspelt_name"] * 25
        + ["name_dob"] * 20
        + ["nhs_number"] * 15
        + ["postcode"] * 10
        + ["surname"] * 15
        + ["exact_name"] * 10
        + ["upn"] * 5
    )
    queries = []
    for person in people:
        kind = rng.choice(kinds)
        given = person["given_names"].split()[0]
        family = person["family_name"]
        if kind == "upn" and not person["upn"]:
            kind = "nhs_number"
        if kind == "nhs_number" and not person["nhs"]:
            kind = "name_dob"
        if kind == "misspelt_name":
            if rng.random() < 0.5:
                text = f"{misspell(given, rng)} {family}"
            else:
                text = f"{given} {misspell(family, rng)}"
        elif kind == "name_dob":
            name = f"{given} {family}" if rng.random() < 0.5 else f"{misspell(given, rng)} {family}"
            dob = person["dob"]
            fmt = rng.choice(["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d %m %Y"])
            text = f"{name} {dob.strftime(fmt)}"
        elif kind == "nhs_number":
            n = person["nhs"]
            text = f"{n[:3]} {n[3:6]} {n[6:]}" if rng.random() < 0.6 else n
        elif kind == "upn":
            text = person["upn"].lower() if rng.random() < 0.3 else person["upn"]
        elif kind == "postcode":
            pc = person["postcode"]
            text = pc.replace(" ", "").lower() if rng.random() < 0.4 else pc
        elif kind == "surname":
            text = family if rng.random() < 0.7 else misspell(family, rng)
        else:
            text = f"{person['given_names']} {family}"
        queries.append(Query(kind, text, person["id"]))
    # A few of the most common surnames on their own: the worst case for a name index.
    for name in ["Smith", "smith", "Jones", "williams", "Taylor", "brown", "Patel", "Khan"]:
        queries.append(Query("common_surname", name, None))
    return queries


# -- the measurements ------------------------------------------------------------------------


def time_searches(user: Any, queries: list[Query], *, repeat_warmup: bool = True) -> dict[str, Any]:
    from haven.people.search import person_search

    if repeat_warmup:
        for q in queries[:20]:
            person_search(user=user, query=q.text)
    timings: list[float] = []
    per_kind: dict[str, list[float]] = {}
    found: dict[str, list[bool]] = {}
    slowest: list[tuple[float, str]] = []
    for q in queries:
        t0 = time.perf_counter()
        hits = person_search(user=user, query=q.text)
        ms = (time.perf_counter() - t0) * 1000
        timings.append(ms)
        per_kind.setdefault(q.kind, []).append(ms)
        if q.target_id is not None:
            found.setdefault(q.kind, []).append(any(h.person.pk == q.target_id for h in hits))
        slowest.append((ms, q.text))
    slowest.sort(reverse=True)
    return {
        "overall": _summary(timings),
        "by_kind": {k: _summary(v) for k, v in sorted(per_kind.items())},
        "target_found_rate": {k: round(sum(v) / len(v), 3) for k, v in sorted(found.items()) if v},
        "slowest": [{"ms": round(ms, 1), "query": text} for ms, text in slowest[:10]],
    }


def time_child_pages(user: Any, *, count: int = 300) -> dict[str, Any] | None:
    """The child's page as the practitioner whose team holds the cases (auditing on).

    Returns None when the view ``people:person_detail`` does not exist yet.
    """
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from haven.people.models import Allocation

    try:
        reverse("people:person_detail", args=[1])
    except NoReverseMatch:
        return None
    ids = list(
        Allocation.objects.filter(team__memberships__user=user, end_date__isnull=True).values_list(
            "person_id", flat=True
        )[:count]
    )
    client = Client()
    client.force_login(user)
    for pk in ids[:10]:  # warm up templates and the connection
        client.get(reverse("people:person_detail", args=[pk]))
    timings = []
    statuses: dict[int, int] = {}
    for pk in ids:
        t0 = time.perf_counter()
        response = client.get(reverse("people:person_detail", args=[pk]))
        timings.append((time.perf_counter() - t0) * 1000)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    return {"pages": _summary(timings), "status_codes": statuses}


def explain(user: Any, text: str) -> str:
    """EXPLAIN ANALYZE of the search SQL for one query (for tuning by hand)."""
    from haven.people.search import explain_search

    return explain_search(user=user, query=text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--db", default="haven_bench", help="database name (embedded server)")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--explain", metavar="QUERY", help="print the plan of one search and stop")
    args = parser.parse_args(argv)

    _setup(args.db)
    from django.core.management import call_command
    from django.db import connection

    from bench._load import load_people
    from haven.people.models import Person

    log: Callable[[str], None] = print
    report: dict[str, Any] = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": connection.settings_dict["NAME"],
        "target_people": args.people,
    }
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    report["migrate_seconds"] = round(time.perf_counter() - t0, 1)

    have = Person.objects.count()
    if have < args.people:
        log(f"Loading {args.people - have:,} people (have {have:,}) ...")
        stats = load_people(connection, args.people - have, log=log)
        report["load"] = {
            "people": stats.people,
            "extra_names": stats.names,
            "addresses": stats.addresses,
            "seconds": round(stats.seconds, 1),
            "phases": {k: round(v, 1) for k, v in stats.phases.items()},
        }
        log(f"Loaded {stats.people:,} people in {stats.seconds:.0f}s")
    else:
        log(f"{have:,} people already loaded")
    report["people"] = Person.objects.count()
    if args.load_only:
        return 0

    user = bench_user()
    if args.explain:
        print(explain(user, args.explain))
        return 0
    rng = random.Random(args.seed)
    queries = make_queries(args.queries, rng)
    log(f"Timing {len(queries)} searches as {user.username} ...")
    report["search"] = time_searches(user, queries)
    pages = time_child_pages(user)
    report["child_page"] = pages if pages is not None else "people:person_detail does not exist yet"

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"people_search-{report['people']}-{stamp}.json"
    out.write_text(json.dumps(report, indent=2, default=str))

    s = report["search"]["overall"]
    print(f"\nPeople: {report['people']:,}")
    if "load" in report:
        print(f"Load: {report['load']['people']:,} people in {report['load']['seconds']}s")
    print(
        f"Search ({s['n']} queries): p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, "
        f"max {s['max_ms']} ms"
    )
    for kind, k in report["search"]["by_kind"].items():
        rate = report["search"]["target_found_rate"].get(kind)
        found = f", target found {rate:.0%}" if rate is not None else ""
        print(f"  {kind:15} n={k['n']:3} p50 {k['p50_ms']:6} ms  p95 {k['p95_ms']:6} ms{found}")
    if pages is None:
        print("Child page: not measured (people:person_detail does not exist yet)")
    else:
        p = pages["pages"]
        print(
            f"Child page ({p['n']}): p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms, "
            f"statuses {pages['status_codes']}"
        )
    print(f"Results: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
