"""What the printed record says of a child missing now."""

from __future__ import annotations

from typing import Any

from haven.core.dates import long_date
from haven.missing.models import MissingEpisode


def missing_status(person: Any) -> list[str]:
    episode = MissingEpisode.objects.filter(person=person, ended_at__isnull=True).first()
    if episode is None:
        return []
    return [f"{episode.get_kind_display()} since {long_date(episode.started_at)}"]
