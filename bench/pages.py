"""Time the pages people live in, against a generated county, with auditing on.

    .venv/bin/python bench/pages.py --db haven_hampshire [--requests 200] [--on county|today]

Uses a database made by ``haven generate`` (``bench/generate.py`` makes ``haven_hampshire``).
Signs in (``force_login``) as real users of that county and requests each page repeatedly
through ``django.test.Client``, as the restricted app role, so every view writes its access-log
rows as in production. Reports p50/p95/max per page against its goal (the MASH inbox and my
work 150 ms, the front-door figures 500 ms) and writes JSON to bench/results/.

``--on county`` (the default) runs the pages on the county's last day (the day its latest
contact was received), with the clock there: a team's work as it stood when its records end.
``--on today`` runs them on the real date, years after a generated county's records end, when
every statutory visit, review and health assessment of every open case is long overdue: the
worst case for a manager's view (every item in "Overdue in your teams").
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.people_search import RESULTS, _setup, _summary

GOALS_MS = {
    "MASH inbox": 150,
    "My work (worker)": 150,
    "My work (team manager)": 150,
    "My work (team manager), a case changed before each": 150,
    "Front-door figures": 500,
}


def _busiest_users() -> dict[str, Any]:
    from django.db.models import Count, Q

    from haven.accounts.models import Role, TeamKind, User

    mash = (
        User.objects.filter(
            role=Role.MASH_PRACTITIONER, is_active=True, memberships__team__kind=TeamKind.FRONT_DOOR
        )
        .annotate(
            open=Count(
                "front_door_contacts", filter=Q(front_door_contacts__completed_at__isnull=True)
            )
        )
        .order_by("-open")
        .first()
    )
    worker = (
        User.objects.filter(role=Role.PRACTITIONER, is_active=True)
        .annotate(open=Count("assessments", filter=~Q(assessments__status="authorised")))
        .order_by("-open")
        .first()
    )
    manager = (
        User.objects.filter(role=Role.TEAM_MANAGER, is_active=True)
        .annotate(team_count=Count("memberships"))
        .order_by("-team_count", "pk")
        .first()
    )
    analyst = (
        User.objects.filter(role=Role.PERFORMANCE_ANALYST, is_active=True).order_by("pk").first()
    )
    return {
        "MASH inbox": (mash, "/front-door/"),
        "My work (worker)": (worker, "/"),
        "My work (team manager)": (manager, "/"),
        "My work (team manager), a case changed before each": (manager, "/"),
        "Front-door figures": (analyst, _figures_url()),
    }


def _case_changer(user: Any) -> Any:
    """Before each request, a change to one of the manager's teams' cases (its allocation saved
    as it is), outside the timing: the work store then makes that child's items again in the
    request, as it does after a worker records something."""
    import random

    from django.db import connection

    from haven.people.access import user_team_ids
    from haven.people.models import Allocation

    ids = list(
        Allocation.objects.filter(end_date__isnull=True, team_id__in=user_team_ids(user))
        .values_list("pk", flat=True)
    )
    rng = random.Random(7)

    def change() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE people_allocation SET start_date = start_date WHERE id = %s",
                [rng.choice(ids)],
            )

    return change


def _figures_url() -> str:
    """The front-door figures of the county's latest year with contacts (and the year before,
    as the page compares two)."""
    from django.db.models import Max
    from django.urls import reverse

    from haven.core.calendar import LONDON
    from haven.frontdoor.models import Contact
    from haven.performance import periods

    latest = Contact.objects.aggregate(latest=Max("received_at"))["latest"]
    url = reverse("performance:front_door")
    if latest is None:
        return url
    return f"{url}?year={periods.year_of(latest.astimezone(LONDON).date())}"


def _county_last_day() -> datetime.datetime | None:
    """Noon (London) on the day the county's latest contact was received."""
    from django.db.models import Max

    from haven.core.calendar import LONDON
    from haven.frontdoor.models import Contact

    latest = Contact.objects.aggregate(latest=Max("received_at"))["latest"]
    if latest is None:
        return None
    return datetime.datetime.combine(
        latest.astimezone(LONDON).date(), datetime.time(12), tzinfo=LONDON
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="haven_hampshire")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--on", choices=("county", "today"), default="county")
    args = parser.parse_args()
    _setup(args.db)
    on = _county_last_day() if args.on == "county" else None
    if on is not None:
        import time_machine

        time_machine.travel(on, tick=True).start()
        print(f"on the county's last day: {on:%Y-%m-%d %H:%M} (London)")
    from django.test import Client

    from haven.core.serving import ready_to_serve
    from haven.people.models import Person

    ready_to_serve()  # as Haven's web process does before its first request (haven/wsgi.py)

    people = Person.objects.count()
    print(f"database {args.db}: {people:,} people")
    results: dict[str, Any] = {
        "db": args.db,
        "people": people,
        "on": on.isoformat() if on else "today",
        "pages": {},
    }
    for label, (user, url) in _busiest_users().items():
        if user is None:
            print(f"{label}: no suitable user in this county; skipped")
            continue
        client = Client()
        client.force_login(user)
        changed = _case_changer(user) if "changed" in label else None
        first = client.get(url)
        assert first.status_code == 200, (label, first.status_code)
        times = []
        for _ in range(args.requests):
            if changed is not None:
                changed()
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        summary = _summary(times)
        summary["goal_ms"] = GOALS_MS[label]
        summary["goal_met"] = summary["p95_ms"] <= GOALS_MS[label]
        summary["url"] = url
        summary["user"] = user.username
        summary["bytes"] = len(first.content)
        results["pages"][label] = summary
        print(
            f"{label:26} as {user.username:24} p50 {summary['p50_ms']:7.1f} ms  "
            f"p95 {summary['p95_ms']:7.1f} ms  max {summary['max_ms']:7.1f} ms  "
            f"(goal p95 {GOALS_MS[label]} ms: {'met' if summary['p95_ms'] <= GOALS_MS[label] else 'NOT met'})"
        )
    from haven.work import store

    start = time.perf_counter()
    store.refresh(whole=True)
    results["work_store_whole_s"] = round(time.perf_counter() - start, 2)
    print(
        f"The work store made whole (the first read of a day, or 'haven work refresh'): "
        f"{results['work_store_whole_s']:.1f} s"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"pages-{args.db}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"written {out}")


if __name__ == "__main__":
    main()
