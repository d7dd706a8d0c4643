"""The one way a chronology entry is written (each part's events.py decides what to say)."""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from haven.chronology.models import ChronologyEvent

_imported_from: contextvars.ContextVar[str] = contextvars.ContextVar("imported_from", default="")


@contextlib.contextmanager
def imported_from(source: str) -> Iterator[None]:
    """Entries recorded inside are imported history: each says where it came from (``source``,
    as its detail), whichever service records it."""
    token = _imported_from.set(source)
    try:
        yield
    finally:
        _imported_from.reset(token)


def chronology_record(
    person_id: int,
    kind: str,
    summary: str,
    *,
    on: datetime.date | datetime.datetime | None,
    by: Any,
    source: Any = None,
    detail: str = "",
    event: str = "",
    params: dict[str, Any] | None = None,
) -> ChronologyEvent:
    """Record that ``summary`` happened to the person on ``on`` (a datetime counts by its
    London date; None means today), linked back to the ``source`` record. Parts of the service
    record through their event types (``haven.chronology.events``), which pass the type's
    ``event`` name and ``params`` the sentence is rendered from."""
    if isinstance(on, datetime.datetime):
        on = timezone.localdate(on)
    return ChronologyEvent.objects.create(
        person_id=person_id,
        occurred_on=on or timezone.localdate(),
        kind=kind,
        summary=summary[:300],
        detail=detail or _imported_from.get(),
        event=event,
        params=params,
        recorded_by=by,
        source_type=source._meta.label_lower if source is not None else "",
        source_id=source.pk if source is not None else None,
    )
