"""Reads about children going missing: a child's episodes with their return home interviews,
and when repeated episodes call for a strategy discussion.

A child is a repeat missing child when the setting's count of episodes (3 by default) began
within its days (90 by default): the episode that brings the count up to it "makes it a
repeat", and a strategy discussion is due unless one was held on or after the day it began.
Each further episode while the pattern lasts makes it a repeat again, so the discussion is
revisited. Only a pattern still current (its latest episode within the days) asks for one."""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from haven.missing.models import MissingEpisode, RepeatMissingDiscussion
from haven.people.models import Person


@dataclass(frozen=True)
class RepeatRule:
    episodes: int
    days: int

    @property
    def window(self) -> datetime.timedelta:
        return datetime.timedelta(days=self.days)

    def __str__(self) -> str:
        return f"{self.episodes} episodes in {self.days} days"


def repeat_rule() -> RepeatRule:
    return RepeatRule(
        episodes=max(1, int(settings.HAVEN_REPEAT_MISSING_EPISODES)),
        days=max(1, int(settings.HAVEN_REPEAT_MISSING_DAYS)),
    )


def episodes_within(
    starts: Sequence[datetime.datetime], at: datetime.datetime, rule: RepeatRule
) -> int:
    """How many of ``starts`` (sorted) began in the rule's days up to ``at``."""
    return bisect.bisect_right(starts, at) - bisect.bisect_right(starts, at - rule.window)


def repeat_trigger(
    starts: Sequence[datetime.datetime], rule: RepeatRule
) -> datetime.datetime | None:
    """The start of the latest episode that made the child a repeat missing child (``starts``
    sorted), or None."""
    for at in reversed(starts):
        if episodes_within(starts, at, rule) >= rule.episodes:
            return at
    return None


def discussion_due(
    starts: Sequence[datetime.datetime],
    last_discussion: datetime.date | None,
    rule: RepeatRule,
    now: datetime.datetime,
) -> datetime.datetime | None:
    """When a repeat-missing strategy discussion became due (the start of the episode that made
    the child a repeat), if one is due now: the pattern is current and no discussion was held
    on or after that day."""
    trigger = repeat_trigger(starts, rule)
    if trigger is None or trigger <= now - rule.window:
        return None
    if last_discussion is not None and last_discussion >= timezone.localtime(trigger).date():
        return None
    return trigger


def missing_record(*, person: Person) -> dict[str, Any]:
    """The child's episodes (newest first, each with its return home interview), the
    strategy discussions about repeated episodes, and the repeat count now (the child's page
    has checked need-to-know): three queries."""
    rule = repeat_rule()
    now = timezone.now()
    episodes = list(
        MissingEpisode.objects.filter(person=person)
        .select_related("return_interview__interviewer", "recorded_by")
        .order_by("-started_at", "-pk")
    )
    discussions = list(RepeatMissingDiscussion.objects.filter(person=person))
    starts = sorted(e.started_at for e in episodes)
    last = max((d.held_on for d in discussions), default=None)
    return {
        "episodes": episodes,
        "discussions": discussions,
        "rule": rule,
        "recent": episodes_within(starts, now, rule),
        "is_repeat": episodes_within(starts, now, rule) >= rule.episodes,
        "discussion_due": discussion_due(starts, last, rule, now),
        "open_episode": next((e for e in episodes if e.ended_at is None), None),
    }
