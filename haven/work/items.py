"""Everything due, from every part of the service, in one list.

Each part registers a provider that returns its items for a user; "my work" and the manager's
view merge them. A provider must run a fixed number of queries, whatever the caseload.

Every item names the people it is about (``people``: id and name); ``work_for`` passes them
through the need-to-know rules, so an item shows only the children the user may see and is left
out if there are none, and names them (a provider may leave the names blank, and need not read
them: a manager's teams have thousands of items). A provider cannot show a name any other way.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import Q
from django.utils import timezone

from haven.accounts.models import User

if TYPE_CHECKING:
    from django.db.models import Subquery


class Scope(Enum):
    MINE = "mine"  # the user's own work
    TEAMS = "teams"  # everything open in the user's teams (a manager's view)


PersonRef = tuple[int, str]  # (person id, name shown)


@dataclass(frozen=True, slots=True)  # slots: a manager's view makes thousands a request
class WorkItem:
    kind: str  # e.g. "Contact decision", "MASH check", "Assessment"
    title: str
    due: datetime.date | datetime.datetime
    url: str
    people: tuple[PersonRef, ...]
    owner: str = ""  # the worker's name, or "" if unallocated
    awaiting_authorisation: bool = False
    urgent: bool = False  # sorts before everything else, whatever its due date
    # Made for the work store whether due or not, and shown only once overdue (a provider's
    # own lists leave it out until then): an oversight review.
    only_overdue: bool = False

    @property
    def person_names(self) -> str:
        return ", ".join(name for _, name in self.people)

    @property
    def due_date(self) -> datetime.date:
        if isinstance(self.due, datetime.datetime):
            return timezone.localtime(self.due).date()
        return self.due

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at(timezone.now(), timezone.localdate())

    def overdue_at(self, now: datetime.datetime, today: datetime.date) -> bool:
        """``is_overdue`` with the time read once for a long list (``today``: London)."""
        if isinstance(self.due, datetime.datetime):
            return self.due < now
        return self.due < today

    @property
    def is_due_today(self) -> bool:
        return not self.is_overdue and self.due_date == timezone.localdate()


@dataclass(frozen=True)
class Wanted:
    """What the manager's view keeps of its teams' work: items awaiting authorisation, items
    with no owner, and items overdue at ``now`` (a date due before ``today``, London). The
    providers kept in the work store are filtered in SQL the same way (``store.teams_rows``)."""

    now: datetime.datetime
    today: datetime.date

    def wants(self, item: WorkItem) -> bool:
        return (
            item.awaiting_authorisation or not item.owner or item.overdue_at(self.now, self.today)
        )


class Provider(Protocol):
    def __call__(self, user: User, scope: Scope, /) -> list[WorkItem]: ...


# The items of the children whose cases are held (``held_cases``' dict: each child's id and the
# name of the worker holding the case, "" if none), whoever holds them: what a stored provider
# gives the manager's view (see ``register_provider``).
CasesProvider = Callable[[dict[int, str]], list[WorkItem]]

_providers: list[Provider] = []
# The providers whose items the manager's view reads from the work store (``haven.work.store``),
# each with its items for given cases, by the provider's name.
_stored: dict[Provider, StoredProvider] = {}


@dataclass(frozen=True)
class StoredProvider:
    name: str
    of_cases: CasesProvider
    shown_to: Callable[[User], bool]  # which managers see its items
    # Children whose items it keeps besides those with an open case (a model with a
    # ``person`` and a filter on it), and which of those are a manager's (given the user, their
    # ids); see ``register_provider``.
    also: tuple[type[Any], Q] | None = None
    also_seen_by: Callable[[User], list[int]] | None = None


def register_provider(
    provider: Provider,
    *,
    of_cases: CasesProvider | None = None,
    shown_to: Callable[[User], bool] = lambda user: True,
    also: tuple[type[Any], Q] | None = None,
    also_seen_by: Callable[[User], list[int]] | None = None,
) -> None:
    """Add a provider of work items. ``of_cases``: its items on the manager's view depend only
    on the records of each child whose case the teams hold, and it can make them for any
    children (``CasesProvider``): the manager's view then reads them from the work store, kept
    current as those records change (``haven.work.store``), instead of making thousands a
    request. ``provider`` itself still makes the worker's own list, and is what the store is
    checked against (``haven/work/tests/test_wanted.py``); ``shown_to`` says which managers
    see them (the provider's own check of the user, which ``of_cases`` cannot make).

    A manager sees the stored items of the cases their teams hold. ``also``: the provider's
    items on the manager's view are of other children too (a care leaver whose personal adviser
    is in the manager's teams): ``(Model, filter)`` finds them (``of_cases`` is then given them
    too, with no owner), and ``also_seen_by(user)`` gives those whose items are on a manager's
    view (of which need-to-know keeps those the manager may see)."""
    if provider not in _providers:
        _providers.append(provider)
        if of_cases is not None:
            name = f"{provider.__module__}.{provider.__qualname__}"  # type: ignore[attr-defined]
            _stored[provider] = StoredProvider(name, of_cases, shown_to, also, also_seen_by)


def stored_providers() -> list[StoredProvider]:
    return list(_stored.values())


def end_of_day(day: datetime.date, tz: datetime.tzinfo) -> datetime.datetime:
    """When an item due on a date (not at a time) is due, for ordering it among timed ones:
    the lists' order (``sort_key``) and the work store's (``store.ordered``)."""
    return datetime.datetime.combine(day, datetime.time(23, 59), tzinfo=tz)


def sort_key() -> Callable[[WorkItem], tuple[bool, datetime.datetime, str]]:
    """Urgent first, then by when due (a date at ``end_of_day``), then by title. The time zone
    is read once and each date converted once: a manager's teams have thousands of items."""
    tz = timezone.get_current_timezone()
    end_of: dict[datetime.date, datetime.datetime] = {}

    def key(item: WorkItem) -> tuple[bool, datetime.datetime, str]:
        due = item.due
        if not isinstance(due, datetime.datetime):
            end = end_of.get(due)
            if end is None:
                end = end_of[due] = end_of_day(due, tz)
            due = end
        return not item.urgent, due, item.title

    return key


def work_for(
    user: User,
    scope: Scope = Scope.MINE,
    *,
    keep: Callable[[WorkItem], bool] | None = None,
    live_only: bool = False,
) -> list[WorkItem]:
    """Everything due for ``user``, sorted. ``keep`` leaves items out before they are named
    and sorted (the manager's view shows only the overdue, unallocated and awaiting ones:
    ``Wanted``). ``live_only``: leave out the stored providers (the manager's view reads theirs
    from the work store)."""
    items: list[WorkItem] = []
    held = _held_cases.set({})
    try:
        for provider in _providers:
            if live_only and provider in _stored:
                continue
            items.extend(provider(user, scope))
    finally:
        _held_cases.reset(held)
    if keep is not None:
        items = [item for item in items if keep(item)]
    return sorted(need_to_know(user, items), key=sort_key())


def need_to_know(user: User, items: list[WorkItem]) -> list[WorkItem]:
    """Each item with only the people ``user`` may see, named as Haven names them (a provider
    may leave the names blank: they are read here, with need-to-know, in one query); items
    about none of them left out. An item naming no one at all (a worker's supervision) is
    about no child, and is kept."""
    from haven.people.access import visible_names

    names = visible_names(user, {pid for item in items for pid, _ in item.people})
    kept = []
    for item in items:
        people = item.people
        if len(people) == 1:  # the usual case
            pid, name = people[0]
            seen = names.get(pid)
            if seen is not None:
                if seen != name:
                    _name_people(item, ((pid, seen),))
                kept.append(item)
            continue
        if not people:
            kept.append(item)
            continue
        shown = tuple((pid, names[pid]) for pid, _ in people if pid in names)
        if shown:
            if shown != people:
                _name_people(item, shown)
            kept.append(item)
    return kept


def _name_people(item: WorkItem, people: tuple[PersonRef, ...]) -> None:
    # In place, not ``dataclasses.replace``: the items were built for this one list by its
    # providers and no one else holds them yet, and thousands of items are named this way.
    object.__setattr__(item, "people", people)


def allocated_worker_name(person_path: str = "person") -> Subquery:
    """The name of the worker holding the child's case, for annotating work-item queries."""
    from django.db.models import CharField, OuterRef, Subquery, Value
    from django.db.models.functions import Concat

    from haven.people.models import Allocation

    return Subquery(
        Allocation.objects.filter(
            person=OuterRef(person_path), end_date__isnull=True, worker__isnull=False
        )
        .annotate(
            name=Concat(
                "worker__first_name", Value(" "), "worker__last_name", output_field=CharField()
            )
        )
        .values("name")[:1]
    )


def held_by(user: User, scope: Scope) -> Q:
    """Records of children whose case the user (or, for a manager's view, their teams) holds:
    a semi-join on the open allocations (one a child), so the planner starts from the team's
    children, not a join. For any model with a ``person``."""
    from haven.people.access import user_team_ids
    from haven.people.models import Allocation

    held = Allocation.objects.filter(end_date__isnull=True)
    if scope is Scope.MINE:
        held = held.filter(worker=user)
    else:
        held = held.filter(team_id__in=user_team_ids(user))
    return Q(person_id__in=held.values("person_id"))


# The cases held, read once for all the providers making one list (``work_for``): a
# manager's teams hold thousands of children.
_held_cases: ContextVar[dict[tuple[int, Scope], dict[int, str]] | None] = ContextVar(
    "haven_work_held_cases", default=None
)


def held_cases(user: User, scope: Scope) -> dict[int, str]:
    """The children whose case the user (or, for a manager's view, their teams) holds, by open
    allocation (one a child), each with the name of the worker holding it ("" if none), as
    ``allocated_worker_name`` gives it: one query, so a provider reads only those children's
    rows (``AnyOf``) and names their owners without a subquery a row. Within ``work_for``,
    read once for all its providers (which must not change the dict)."""
    known = _held_cases.get()
    if known is not None:
        found = known.get((user.pk, scope))
        if found is None:
            found = known[(user.pk, scope)] = _read_held_cases(user, scope)
        return found
    return _read_held_cases(user, scope)


def _read_held_cases(user: User, scope: Scope) -> dict[int, str]:
    from haven.people.access import user_team_ids

    if scope is Scope.MINE:
        return cases_held(Q(worker=user))
    return cases_held(Q(team_id__in=user_team_ids(user)))


def cases_held(which: Q) -> dict[int, str]:
    """``held_cases`` of the open allocations ``which`` selects (by worker, team or child)."""
    from haven.people.models import Allocation

    held = Allocation.objects.filter(which, end_date__isnull=True)
    return {
        person_id: f"{first} {last}" if first is not None else ""
        for person_id, first, last in held.values_list(
            "person_id", "worker__first_name", "worker__last_name"
        )
    }


def url_maker(name: str) -> Callable[[int], str]:
    """A fast ``reverse`` for one URL with one integer argument, for long lists of items."""
    from django.urls import reverse

    template = reverse(name, args=[987654321]).replace("987654321", "{}")
    return template.format
