"""Merging two records of one child: their missing episodes must not overlap."""

from __future__ import annotations

from typing import Any

from haven.core.dates import long_date
from haven.missing.models import MissingEpisode


def episodes_overlap(keep: Any, duplicate: Any) -> list[str]:
    clashes = []
    kept = list(MissingEpisode.objects.filter(person=keep))
    for episode in MissingEpisode.objects.filter(person=duplicate):
        for other in kept:
            ends_after = other.ended_at is None or other.ended_at > episode.started_at
            starts_before = episode.ended_at is None or other.started_at < episode.ended_at
            if ends_after and starts_before:
                clashes.append(
                    "Both records have a missing episode at the same time (from "
                    f"{long_date(episode.started_at)} and {long_date(other.started_at)}): "
                    "remove or correct one first"
                )
    return clashes
