"""The manager's lists are read from the work store for the providers it keeps, counted and
ordered in SQL, and made at the time for the rest. The guard: on a generated county, for every
manager and on days before, at and after its records end and either side of items falling due,
the lists, their counts, their most urgent items and each worker's overdue are exactly those
made by every provider at the time and filtered (``Wanted``), item for item and in order."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connections
from django.utils import timezone

from haven.accounts.models import Role, User
from haven.core.calendar import LONDON
from haven.core.database import OWNER_ALIAS
from haven.work.items import Scope, WorkItem, stored_providers, work_for
from haven.work.selectors import TEAM_SECTIONS, team_sections, team_work

pytestmark = pytest.mark.django_db
SHOWN = 15

# The county is generated up to this Tuesday morning; the lists are read then, on days
# before (much of its work not yet due) and long after (everything overdue), and on the days
# either side of items falling due (``_boundaries``).
NOW = datetime.datetime(2026, 11, 17, 11, 0, tzinfo=LONDON)
CLOCKS = [
    NOW,
    NOW - datetime.timedelta(days=40),
    NOW - datetime.timedelta(days=200, hours=3),
    NOW + datetime.timedelta(days=500),
]


@pytest.fixture(scope="module")
def county(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    from haven.synthetic.generator import Generator, generate

    with django_db_blocker.unblock():
        generate("small", now=NOW, seed=7, replace=True, stdout=lambda line: None)
    yield
    with django_db_blocker.unblock(), connections[OWNER_ALIAS].cursor() as cursor:
        tables = ", ".join(f'"{t}"' for t in Generator.haven_tables())
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def _filtered(user: User) -> dict[str, list[WorkItem]]:
    """The manager's lists made at the time: every provider's items of the teams, then each
    list's test."""
    now, today = timezone.now(), timezone.localdate()
    every = work_for(user, Scope.TEAMS)
    return {
        key: [item for item in every if keep(item, now, today)]
        for key, (_, keep, _) in TEAM_SECTIONS.items()
    }


def _boundaries(managers: list[User]) -> list[datetime.datetime]:
    """For each kind of item, a few of the days its items fall due at ``NOW``, and the day
    after each: where a provider's "overdue" in SQL would first disagree with the item's."""
    due: dict[str, set[datetime.date]] = {}
    with time_machine.travel(NOW, tick=False):
        for manager in managers:
            for item in work_for(manager, Scope.TEAMS):
                due.setdefault(item.kind, set()).add(item.due_date)
    days: set[datetime.date] = set()
    for dates in due.values():
        ordered = sorted(dates)
        days.update({ordered[0], ordered[len(ordered) // 2], ordered[-1]})
    return [
        datetime.datetime.combine(day + datetime.timedelta(days=after), time, tzinfo=LONDON)
        for day in sorted(days)
        for after, time in ((0, datetime.time(16, 30)), (1, datetime.time(8, 0)))
    ]


@pytest.mark.usefixtures("county")
def test_the_managers_lists_are_the_full_list_filtered_for_every_manager_and_day() -> None:
    managers = list(User.objects.filter(role=Role.TEAM_MANAGER, is_active=True))
    assert managers
    shown: Counter[tuple[str, str]] = Counter()
    for clock in CLOCKS + _boundaries(managers):
        with time_machine.travel(clock, tick=False):
            for manager in managers:
                expected = _filtered(manager)
                assert team_sections(user=manager) == expected, (manager.username, clock)
                # The manager's view: counted and the first of each list taken in SQL from the
                # work store, beside the providers it does not keep.
                work = team_work(user=manager, shown=SHOWN)
                for section in work.sections:
                    assert section.count == len(expected[section.key]), section.key
                    assert section.shown == expected[section.key][:SHOWN], section.key
                assert work.overdue_by_owner == Counter(i.owner for i in expected["overdue"])
                for key, items in expected.items():
                    shown.update((key, item.kind) for item in items)
    # The county gave the guard something to guard: each list had items, of many kinds, from
    # the store and from the providers it does not keep.
    kinds = {kind for (key, kind) in shown if key == "overdue"}
    assert {
        "Looked-after review",
        "Statutory visit",
        "CIN visit",
        "Management oversight",
        "Leaving care",
        "Assessment",
    } <= kinds, kinds
    assert shown.keys() & {("to-authorise", k) for k in ("Assessment to authorise",)}
    assert any(key == "unallocated" for key, _ in shown)
    assert len(stored_providers()) >= 4
