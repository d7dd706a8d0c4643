"""Time the missing children and exploitation pages on a generated county, with auditing on.

    flock /tmp/haven-heavy.lock .venv/bin/python bench/missing.py --db haven_hampshire

Signs in (``force_login``) as the county's own users and requests each page repeatedly through
``django.test.Client``, as the restricted app role (every view writes its access-log rows):

- the Missing tab of the child with the most missing episodes, as the worker holding the case
  (goal p95 under 1 s, as for a child's other tabs);
- the Exploitation tab of the child with the most links, with its network view, as a member of
  the exploitation team (1 s);
- the MACE meeting with the longest agenda, as the same member (1 s);
- the missing children and exploitation figures for the county's last collection year, as a
  performance analyst (500 ms, as for the other figures pages);

then ``haven figures missing`` for 2018-2020 and the figures it prints. Writes JSON to
bench/results/.
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
from bench.people_search import RESULTS, _setup
from bench.protection_page import _analyst, _time_page

GOALS_MS = {"Missing tab": 1000, "Exploitation tab": 1000, "MACE meeting": 1000, "Figures": 500}
YEARS = "2018-2020"


def _pages() -> dict[str, tuple[Any, str]]:
    from django.db.models import Count

    from haven.accounts.models import TeamKind, User
    from haven.core.calendar import LONDON
    from haven.exploitation.models import Link, MaceMeeting
    from haven.missing.models import MissingEpisode
    from haven.people.models import Allocation
    from haven.performance import periods

    pages: dict[str, tuple[Any, str]] = {}
    busiest = (
        MissingEpisode.objects.values("person_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "person_id")
        .first()
    )
    if busiest:
        held = Allocation.objects.filter(
            person_id=busiest["person_id"], end_date__isnull=True, worker__isnull=False
        ).first()
        if held is not None:
            pages["Missing tab"] = (held.worker, f"/people/{busiest['person_id']}/missing/")
    specialist = (
        User.objects.filter(is_active=True, memberships__team__kind=TeamKind.EXPLOITATION)
        .order_by("pk")
        .first()
    )
    ends = Link.objects.filter(a_person__isnull=False).values("a_person_id")
    linked = ends.annotate(n=Count("pk")).order_by("-n", "a_person_id").first()
    if specialist and linked:
        pages["Exploitation tab"] = (specialist, f"/people/{linked['a_person_id']}/exploitation/")
    meeting = (
        MaceMeeting.objects.annotate(agenda=Count("items")).order_by("-agenda", "-held_on").first()
    )
    if specialist and meeting:
        pages["MACE meeting"] = (specialist, f"/exploitation/meetings/{meeting.pk}/")
    last = MissingEpisode.objects.order_by("-started_at").values_list("started_at", flat=True)
    latest = last.first()
    year = periods.year_of(latest.astimezone(LONDON).date()) if latest else 2020
    pages["Figures"] = (_analyst(), f"/performance/figures/missing/?year={year}")
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="haven_hampshire")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    _setup(args.db)
    from django.test import Client

    from haven.cli import main as haven
    from haven.missing.models import MissingEpisode

    episodes = MissingEpisode.objects.count()
    print(f"database {args.db}: {episodes:,} missing episodes")
    if not episodes:
        sys.exit("this county has no missing episodes: generate it again (bench/generate.py)")
    results: dict[str, Any] = {"db": args.db, "episodes": episodes, "pages": {}}
    for label, (user, url) in _pages().items():
        client = Client()
        client.force_login(user)
        summary = _time_page(client, url, args.requests)
        summary.update(goal_ms=GOALS_MS[label], url=url, user=user.username)
        summary["goal_met"] = summary["p95_ms"] <= GOALS_MS[label]
        results["pages"][label] = summary
        print(
            f"{label:18} {url:45} p50 {summary['p50_ms']:7.1f} ms  p95 {summary['p95_ms']:7.1f} ms"
            f"  (goal p95 {GOALS_MS[label]} ms: {'met' if summary['goal_met'] else 'NOT met'})"
        )
    out = io.StringIO()
    start = time.perf_counter()
    with redirect_stdout(out):
        code = haven(["figures", "missing", "--year", YEARS, "--format", "json"])
    elapsed = time.perf_counter() - start
    assert code == 0, out.getvalue()
    figures = json.loads(out.getvalue())
    results["cli"] = {"years": YEARS, "seconds": round(elapsed, 2), "figures": figures}
    print(f"haven figures missing --year {YEARS}: {elapsed:.2f} s")
    keys = (
        "missing_children",
        "missing_episodes",
        "away_episodes",
        "rhi_offered_within_72h_pct",
        "rhi_accepted_pct",
        "repeat_missing_children",
        "exploitation_screenings",
        "nrm_referrals",
    )
    print("year  " + "  ".join(keys))
    for year, row in figures.items():
        print(f"{year}  " + "  ".join(str(row.get(key)) for key in keys))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"missing-{args.db}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(f"written {path}")


if __name__ == "__main__":
    main()
