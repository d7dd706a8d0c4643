"""The manager's lists are built from what the providers leave in when told what is wanted
(``Wanted``: overdue, unallocated or awaiting authorisation), so each provider can leave the
rest out in SQL. The guard: on a generated county, for every manager and on days before, at
and after its records end, the lists are exactly those made by filtering the full list of the
teams' work, item for item and in the same order."""

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
from haven.core.calendar import LONDON, RULES
from haven.core.database import OWNER_ALIAS
from haven.work.items import Scope, Wanted, WorkItem, _filtering, _providers, work_for
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
    """The manager's lists as they were made before ``Wanted``: every item of the teams,
    then each list's test."""
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
    left_out = 0
    for clock in CLOCKS + _boundaries(managers):
        with time_machine.travel(clock, tick=False):
            wanted = Wanted(now=timezone.now(), today=timezone.localdate())
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
                if clock not in CLOCKS:
                    continue
                for provider in _filtering:
                    every = provider(manager, Scope.TEAMS)
                    some = provider(manager, Scope.TEAMS, wanted=wanted)  # type: ignore[call-arg]
                    assert set(some) <= set(every), provider
                    left_out += len(every) - len(some)
    # The county gave the guard something to guard: each list had items, of many kinds, and
    # the providers told what was wanted left items out.
    kinds = {kind for (key, kind) in shown if key == "overdue"}
    assert {"Looked-after review", "Statutory visit", "CIN visit", "Assessment"} <= kinds, kinds
    assert shown.keys() & {("to-authorise", k) for k in ("Assessment to authorise",)}
    assert any(key == "unallocated" for key, _ in shown)
    assert left_out > 0
    assert _filtering <= set(_providers)


@pytest.mark.parametrize("key", [k for k, r in RULES.items() if r.unit != "working_hours"])
def test_latest_start_due_before_is_the_last_start_whose_due_date_is_before_the_day(
    key: str,
) -> None:
    rule = RULES[key]
    for day in (
        datetime.date(2026, 11, 17),
        datetime.date(2026, 12, 28),  # after Christmas's bank holidays
        datetime.date(2024, 3, 1),  # after a leap day
        datetime.date(2025, 4, 22),  # after Easter Monday
        datetime.date(2025, 8, 31),  # a Sunday, month's end
    ):
        start = rule.latest_start_due_before(day)
        assert rule.due_date(start) < day, (key, day, start)
        assert rule.due_date(start + datetime.timedelta(days=1)) >= day, (key, day, start)
