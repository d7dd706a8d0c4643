"""Everything due, from every part of the service, in one list.

Each part registers a provider that returns its items for a user; "my work" and the manager's
view merge them. A provider must run a fixed number of queries, whatever the caseload.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from django.utils import timezone

from haven.accounts.models import User

if TYPE_CHECKING:
    from django.db.models import Subquery


class Scope(Enum):
    MINE = "mine"  # the user's own work
    TEAMS = "teams"  # everything open in the user's teams (a manager's view)


@dataclass(frozen=True)
class WorkItem:
    kind: str  # e.g. "Contact decision", "MASH check", "Assessment"
    title: str
    due: datetime.date | datetime.datetime
    url: str
    person_names: str = ""
    owner: str = ""  # the worker's name, or "" if unallocated
    awaiting_authorisation: bool = False

    @property
    def due_date(self) -> datetime.date:
        if isinstance(self.due, datetime.datetime):
            return timezone.localtime(self.due).date()
        return self.due

    @property
    def is_overdue(self) -> bool:
        if isinstance(self.due, datetime.datetime):
            return self.due < timezone.now()
        return self.due < timezone.localdate()

    @property
    def is_due_today(self) -> bool:
        return not self.is_overdue and self.due_date == timezone.localdate()


Provider = Callable[[User, Scope], list[WorkItem]]
_providers: list[Provider] = []


def register_provider(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def _sort_key(item: WorkItem) -> tuple[datetime.datetime, str]:
    due = item.due
    if not isinstance(due, datetime.datetime):
        due = datetime.datetime.combine(
            due, datetime.time(23, 59), tzinfo=timezone.get_current_timezone()
        )
    return due, item.title


def work_for(user: User, scope: Scope = Scope.MINE) -> list[WorkItem]:
    items: list[WorkItem] = []
    for provider in _providers:
        items.extend(provider(user, scope))
    return sorted(items, key=_sort_key)


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


def url_maker(name: str) -> Callable[[int], str]:
    """A fast ``reverse`` for one URL with one integer argument, for long lists of items."""
    from django.urls import reverse

    template = reverse(name, args=[987654321]).replace("987654321", "{}")
    return template.format
