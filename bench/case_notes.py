"""Time a child's "Case notes" tab and its full-text search with 5,000 notes on one child.

    .venv/bin/python bench/case_notes.py [--db haven_bench_notes] [--notes 5000] [--requests 40]

Uses its own database (created and migrated if missing) and builds just what it needs: a team,
a practitioner in it, one child allocated to the team and ``--notes`` final case notes about
the child (bulk-inserted, a varied narrative each, some with the child's words). Then, signed in
as the practitioner (``force_login``) through ``django.test.Client`` as the app role with
auditing on, requests the tab (first page of 25, newest first) and searches with words drawn
from the narratives (English stemming: "visited" finds "visit"). Goals: tab p95 < 200 ms,
search p95 < 100 ms. Writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.people_search import RESULTS, _setup, _summary

USERNAME = "bench.notes.worker"
WORDS = [
    "visited",
    "school",
    "garden",
    "mother",
    "father",
    "grandmother",
    "bedroom",
    "kitchen",
    "football",
    "homework",
    "dentist",
    "doctor",
    "birthday",
    "holiday",
    "bicycle",
    "bus",
    "contact",
    "nursery",
    "swimming",
    "cousin",
    "uncle",
    "aunt",
    "dog",
    "cat",
    "breakfast",
    "dinner",
    "clothes",
    "tidy",
    "warm",
    "cold",
    "worried",
    "happy",
    "sad",
    "angry",
    "scared",
    "laughing",
    "crying",
    "reading",
    "drawing",
    "tablet",
    "phone",
    "police",
    "nurse",
    "teacher",
    "housing",
    "rent",
    "food",
    "bank",
    "medication",
]
QUERIES = [
    "visit",
    "grandmothers",
    "football",
    "worried",
    "dentist appointment",
    "police",
    "swimming",
    "bedrooms",
    "food bank",
    "scared crying",
]


def _build(notes: int) -> tuple[Any, Any]:
    from django.utils import timezone

    from haven.accounts.models import Membership, Role, Team, TeamKind, User
    from haven.casenotes.models import CaseNote, CaseNoteChild, NoteStatus, NoteType
    from haven.people import services as people
    from haven.people.models import PersonKind

    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        team, _ = Team.objects.get_or_create(
            name="Bench case notes team", defaults={"kind": TeamKind.ASSESSMENT}
        )
        user = User.objects.create_user(
            username=USERNAME,
            password=None,
            role=Role.PRACTITIONER,
            first_name="Bench",
            last_name="Worker",
        )
        Membership.objects.create(user=user, team=team)
        people.person_create(
            by=user,
            kind=PersonKind.CHILD,
            team=team,
            details={
                "given_names": "Noted",
                "family_name": "Child",
                "sex": "F",
                "date_of_birth": datetime.date(2014, 5, 5),
            },
        )
    team_id = user.memberships.get().team_id
    from haven.people.models import Allocation

    child = Allocation.objects.filter(team_id=team_id).select_related("person").get().person
    have = CaseNote.objects.filter(children__person=child).count()
    rng = random.Random(11)
    today = timezone.localdate()
    now = timezone.now()
    batch = []
    for i in range(have, notes):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 160)))
        batch.append(
            CaseNote(
                author=user,
                team_id=team_id,
                note_type=rng.choice(NoteType.values),
                occurred_on=today - datetime.timedelta(days=i % 3000),
                summary=" ".join(rng.choice(WORDS) for _ in range(6)),
                narrative=f"Note {i}. {words}.",
                present="Mother and the child",
                significant=rng.random() < 0.02,
                status=NoteStatus.FINAL,
                finalised_at=now,
            )
        )
    made = CaseNote.objects.bulk_create(batch, batch_size=1000)
    CaseNoteChild.objects.bulk_create(
        [
            CaseNoteChild(
                note=n,
                person=child,
                seen=True,
                seen_alone=rng.random() < 0.5,
                child_said=" ".join(rng.choice(WORDS) for _ in range(12))
                if rng.random() < 0.5
                else "",
            )
            for n in made
        ],
        batch_size=1000,
    )
    return user, child


def _time(client: Any, url: str, params_list: list[dict[str, str]], rounds: int) -> dict[str, Any]:
    assert client.get(url, params_list[0]).status_code == 200
    times = []
    for i in range(rounds):
        start = time.perf_counter()
        response = client.get(url, params_list[i % len(params_list)])
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return _summary(times)


def _time_selector(user: Any, child: Any, rounds: int) -> dict[str, Any]:
    from haven.casenotes import selectors

    times = []
    for i in range(rounds):
        filters = selectors.NoteFilters(q=QUERIES[i % len(QUERIES)])
        start = time.perf_counter()
        rows = selectors.notes_for_child(user=user, person=child, filters=filters)
        rows.count()
        list(rows[:25])
        times.append((time.perf_counter() - start) * 1000)
    return _summary(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="haven_bench_notes")
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    _setup(args.db)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    user, child = _build(args.notes)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE casenotes_casenote; ANALYZE casenotes_casenotechild")
    client = Client()
    client.force_login(user)
    url = reverse("casenotes:tab", args=[child.pk])
    results = {
        "notes": args.notes,
        "tab": _time(client, url, [{}], args.requests),
        "tab_page_100": _time(client, url, [{"page": "100"}], args.requests),
        "search_page": _time(client, url, [{"q": q} for q in QUERIES], args.requests),
        "search_selector": _time_selector(user, child, args.requests),
        "goals_ms": {"tab_p95": 200, "search_p95": 100},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"case_notes-{args.notes}-{int(time.time())}.json"
    out.write_text(json.dumps(results, indent=2))
    for key in ("tab", "tab_page_100", "search_page", "search_selector"):
        r = results[key]
        print(
            f"{key:16} p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms  max {r['max_ms']:7.1f} ms"
        )
    print("written", out)


if __name__ == "__main__":
    main()
