"""Missing children on "my work" and the manager's view: a child missing now (urgent), a return
home interview to offer (due 72 hours after the return: a time, overdue by the hour), and a
strategy discussion when the child keeps going missing (due the working day after the episode
that made it a repeat began).

For the worker holding the child's case, and for a manager their teams' children. Three
queries, whatever the caseload."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone

from haven.accounts.models import User
from haven.core.calendar import calendar
from haven.missing.models import RHI_OFFER_WITHIN, MissingEpisode, RepeatMissingDiscussion
from haven.missing.selectors import discussion_due, repeat_rule
from haven.work.items import Scope, WorkItem, allocated_worker_name, held_by, url_maker


def missing_items(user: User, scope: Scope) -> list[WorkItem]:
    url = url_maker("missing:tab")
    held = held_by(user, scope)
    now = timezone.now()
    rule = repeat_rule()
    items: list[WorkItem] = []

    def item(
        kind: str,
        title: str,
        due: datetime.date | datetime.datetime,
        row: dict[str, Any],
        urgent: bool = False,
    ) -> WorkItem:
        # Names are left blank: work_for names the children, with need-to-know.
        return WorkItem(
            kind,
            title,
            due,
            url(row["person_id"]),
            ((row["person_id"], ""),),
            row["owner"] or "",
            urgent=urgent,
        )

    # Open episodes, and ended ones with no interview offered yet.
    waiting = (
        MissingEpisode.objects.filter(held)
        .filter(Q(ended_at__isnull=True) | Q(return_interview__isnull=True))
        .annotate(owner=allocated_worker_name())
        .values("person_id", "kind", "started_at", "ended_at", "owner")
    )
    for found in waiting:
        row: dict[str, Any] = dict(found)
        if row["ended_at"] is None:
            what = "Missing" if row["kind"] == "M" else "Away without authorisation"
            items.append(item("Missing", f"{what} now", row["started_at"], row, urgent=True))
        else:
            due = row["ended_at"].astimezone(datetime.UTC) + RHI_OFFER_WITHIN
            items.append(item("Return home interview", "Return home interview to offer", due, row))
    # Repeated episodes: the episodes of the last days (twice over, so the pattern's first
    # episodes are there), and the last discussion of each child.
    recent = (
        MissingEpisode.objects.filter(held, started_at__gt=now - 2 * rule.window)
        .annotate(owner=allocated_worker_name())
        .values("person_id", "started_at", "owner")
        .order_by("person_id", "started_at")
    )
    starts: dict[int, list[datetime.datetime]] = defaultdict(list)
    rows: dict[int, dict[str, Any]] = {}
    for seen in recent:
        starts[seen["person_id"]].append(seen["started_at"])
        rows[seen["person_id"]] = dict(seen)
    if not starts:
        return items
    last = dict(
        RepeatMissingDiscussion.objects.filter(person_id__in=list(starts))
        .values("person_id")
        .annotate(last=Max("held_on"))
        .values_list("person_id", "last")
    )
    cal = calendar()
    for person_id, times in starts.items():
        since = discussion_due(times, last.get(person_id), rule, now)
        if since is not None:
            # Held promptly: by the working day after the episode that made it a repeat began.
            by_day = cal.next_working_day(timezone.localtime(since).date())
            items.append(
                item(
                    "Repeat missing", "Strategy discussion: repeat missing", by_day, rows[person_id]
                )
            )
    return items
