"""What a practitioner or manager has to do: caseloads and the lists built from work items."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from haven.accounts.models import User
from haven.people.access import restriction_q, user_team_ids
from haven.people.models import Allocation
from haven.work import store
from haven.work.items import Scope, Wanted, WorkItem, sort_key, work_for
from haven.work.models import StoredItem


def caseload_for_worker(*, user: User) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(
            restriction_q(user, "person__"), worker=user, end_date__isnull=True
        )
        .select_related("person", "team")
        .order_by("person__family_name", "person__given_names")
    )


def _team_open_allocations(user: User) -> QuerySet[Allocation]:
    return Allocation.objects.filter(
        restriction_q(user, "person__", by_id=True),
        team_id__in=user_team_ids(user),
        end_date__isnull=True,
    )


def team_caseloads(*, user: User) -> list[dict[str, Any]]:
    """Each worker in the user's teams with the number of children they hold."""
    return [
        dict(row)
        for row in _team_open_allocations(user)
        .filter(worker__isnull=False)
        .values("worker_id", "worker__first_name", "worker__last_name")
        .annotate(children=Count("id"))
        .order_by("worker__last_name", "worker__first_name")
    ]


def team_unallocated_children(*, user: User) -> QuerySet[Allocation]:
    """Children held by the user's teams with no named worker, longest waiting first."""
    return (
        _team_open_allocations(user)
        .filter(worker__isnull=True)
        .select_related("person", "team")
        .order_by("start_date", "pk")
    )


# The sections of a manager's view: (key, heading, which items, given the time and London
# date read once for the whole list; and the same in SQL, for the work store's rows).
SectionTest = Callable[[WorkItem, datetime.datetime, datetime.date], bool]
SectionQ = Callable[[datetime.datetime, datetime.date], Q]
TEAM_SECTIONS: dict[str, tuple[str, SectionTest, SectionQ]] = {
    "to-authorise": (
        "Awaiting your authorisation",
        lambda i, now, today: i.awaiting_authorisation,
        lambda now, today: Q(awaiting_authorisation=True),
    ),
    "overdue": (
        "Overdue in your teams",
        lambda i, now, today: not i.awaiting_authorisation and i.overdue_at(now, today),
        lambda now, today: Q(awaiting_authorisation=False) & store.overdue_q(now, today),
    ),
    "unallocated": (
        "Unallocated work",
        lambda i, now, today: not i.owner and not i.awaiting_authorisation,
        lambda now, today: Q(owner="", awaiting_authorisation=False),
    ),
}


@dataclass(frozen=True)
class TeamSection:
    key: str
    heading: str
    shown: list[WorkItem]  # the most urgent
    count: int


@dataclass(frozen=True)
class TeamWork:
    sections: list[TeamSection]
    overdue_by_owner: Counter[str]  # the overdue items of each worker ("" for none)


def _live_sections(user: User, now: datetime.datetime, today: datetime.date) -> dict[str, list[WorkItem]]:
    """The sections' items of the providers the work store does not keep, made now."""
    sections: dict[str, list[WorkItem]] = {key: [] for key in TEAM_SECTIONS}
    tests = [(sections[key], keep) for key, (_, keep, _) in TEAM_SECTIONS.items()]
    # The items in a section are those ``Wanted`` describes (awaiting, unallocated or
    # overdue; together the sections are exactly these), left out before they are named.
    wanted = Wanted(now=now, today=today)
    for item in work_for(user, Scope.TEAMS, keep=wanted.wants, live_only=True):
        for section, keep in tests:
            if keep(item, now, today):
                section.append(item)
    return sections


def _team_parts(
    user: User,
) -> tuple[dict[str, list[WorkItem]], QuerySet[StoredItem], dict[str, Q]]:
    """The manager's view in its two parts, at one time: each section's items of the providers
    made now, and the work store's rows (brought up to date) with each section's filter."""
    now, today = timezone.now(), timezone.localdate()
    store.refresh()
    rows = store.teams_rows(user, now, today)
    in_sql = {key: q(now, today) for key, (_, _, q) in TEAM_SECTIONS.items()}
    return _live_sections(user, now, today), rows, in_sql


def team_sections(*, user: User) -> dict[str, list[WorkItem]]:
    """Each section of the manager's view in full, in order."""
    live, rows, in_sql = _team_parts(user)
    key = sort_key()
    return {
        section: sorted(
            items + store.as_items(user, store.ordered(rows.filter(in_sql[section]))), key=key
        )
        for section, items in live.items()
    }


def team_work(*, user: User, shown: int) -> TeamWork:
    """The manager's view: each section's ``shown`` most urgent items and its count, and each
    worker's overdue items; the work store's part counted and ordered in SQL."""
    live, rows, in_sql = _team_parts(user)
    stored = store.counts(rows, in_sql, overdue="overdue")
    firsts = store.firsts(user, rows, in_sql, shown, among=stored)
    key = sort_key()
    sections = [
        TeamSection(
            section,
            heading,
            sorted(live[section] + firsts[section], key=key)[:shown],
            len(live[section]) + stored.by_section[section],
        )
        for section, (heading, _, _) in TEAM_SECTIONS.items()
    ]
    overdue_by_owner = stored.overdue_by_owner + Counter(i.owner for i in live["overdue"])
    return TeamWork(sections, overdue_by_owner)


# What an auditor looks at first: access outside the usual need-to-know, and refusals.
ACCESS_OF_NOTE = ("break_glass", "linked", "refused")


def access_of_note(*, user: User, limit: int = 50) -> list[dict[str, Any]]:
    """The latest emergency access, links from outside need-to-know and refused attempts, with
    the child named only where ``user`` may see them (otherwise the row shows no child)."""
    from haven.core.models import AccessAction, AccessLog
    from haven.people.access import visible_ids
    from haven.people.models import Person

    rows: list[dict[str, Any]] = [
        dict(row)
        for row in AccessLog.objects.filter(action__in=ACCESS_OF_NOTE)
        .order_by("-at", "-pk")
        .values("at", "username", "role", "action", "person_id", "detail", "break_glass_reason")[
            :limit
        ]
    ]
    visible = visible_ids(user, [r["person_id"] for r in rows])
    names = {
        p.pk: p.full_name
        for p in Person.objects.filter(pk__in=visible).only("given_names", "family_name")
    }
    labels = dict(AccessAction.choices)
    for row in rows:
        row["action_label"] = labels.get(row["action"], row["action"])
        row["person_name"] = names.get(row["person_id"], "")
        if not row["person_name"]:
            row["person_id"] = None
    return rows
