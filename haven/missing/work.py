"""Missing children on "my work" and the manager's view: a child missing now (urgent), a return
home interview to offer (due 72 hours after the return: a time, overdue by the hour), and a
strategy discussion when the child keeps going missing (due the working day after the episode
that made it a repeat began).

For the worker holding the child's case, and for a manager their teams' children. The first two
depend only on the child's episodes, so the manager's view reads them from the work store
(``missing_items_of_cases``); whether episodes make a repeat moves with the hour (the rule's
window slides), so that item is made at the time (``repeat_missing_items``). Two queries each,
whatever the caseload."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable

from django.db.models import F, Max, Q
from django.utils import timezone

from haven.accounts.models import User
from haven.core.calendar import calendar
from haven.core.lookups import AnyOf
from haven.missing.models import RHI_OFFER_WITHIN, MissingEpisode, RepeatMissingDiscussion
from haven.missing.selectors import discussion_due, repeat_rule
from haven.work.items import (
    Scope,
    WorkItem,
    allocated_worker_name,
    held_by,
    held_cases,
    url_maker,
)


def _maker() -> Callable[..., WorkItem]:
    url = url_maker("missing:tab")

    def item(
        kind: str,
        title: str,
        due: datetime.date | datetime.datetime,
        person_id: int,
        owner: str,
        urgent: bool = False,
    ) -> WorkItem:
        # Names are left blank: work_for names the children, with need-to-know.
        return WorkItem(kind, title, due, url(person_id), ((person_id, ""),), owner, urgent=urgent)

    return item


def missing_items(user: User, scope: Scope) -> list[WorkItem]:
    return missing_items_of_cases(held_cases(user, scope))


def missing_items_of_cases(held: dict[int, str]) -> list[WorkItem]:
    """A child missing now, and a return home interview to offer, of these cases."""
    if not held:
        return []
    item = _maker()
    items: list[WorkItem] = []
    # Open episodes, and ended ones with no interview offered yet.
    waiting = (
        MissingEpisode.objects.filter(AnyOf(F("person_id"), held))
        .filter(Q(ended_at__isnull=True) | Q(return_interview__isnull=True))
        .values_list("person_id", "kind", "started_at", "ended_at")
    )
    for person_id, kind, started_at, ended_at in waiting:
        owner = held[person_id]
        if ended_at is None:
            what = "Missing" if kind == "M" else "Away without authorisation"
            items.append(item("Missing", f"{what} now", started_at, person_id, owner, urgent=True))
        else:
            due = ended_at.astimezone(datetime.UTC) + RHI_OFFER_WITHIN
            items.append(
                item(
                    "Return home interview", "Return home interview to offer", due, person_id, owner
                )
            )
    return items


def repeat_missing_items(user: User, scope: Scope) -> list[WorkItem]:
    """A strategy discussion for each child whose episodes make a repeat now, with none held
    since."""
    held = held_by(user, scope)
    now = timezone.now()
    rule = repeat_rule()
    # The episodes of the last days (twice over, so the pattern's first episodes are there),
    # and the last discussion of each child.
    recent = (
        MissingEpisode.objects.filter(held, started_at__gt=now - 2 * rule.window)
        .annotate(owner=allocated_worker_name())
        .values_list("person_id", "started_at", "owner")
        .order_by("person_id", "started_at")
    )
    starts: dict[int, list[datetime.datetime]] = defaultdict(list)
    owners: dict[int, str] = {}
    for person_id, started_at, owner in recent:
        starts[person_id].append(started_at)
        owners[person_id] = owner or ""
    if not starts:
        return []
    last = dict(
        RepeatMissingDiscussion.objects.filter(person_id__in=list(starts))
        .values("person_id")
        .annotate(last=Max("held_on"))
        .values_list("person_id", "last")
    )
    item = _maker()
    cal = calendar()
    items: list[WorkItem] = []
    for person_id, times in starts.items():
        since = discussion_due(times, last.get(person_id), rule, now)
        if since is not None:
            # Held promptly: by the working day after the episode that made it a repeat began.
            by_day = cal.next_working_day(timezone.localtime(since).date())
            items.append(
                item(
                    "Repeat missing",
                    "Strategy discussion: repeat missing",
                    by_day,
                    person_id,
                    owners[person_id],
                )
            )
    return items
