"""The one way a chronology entry is written (each part's events.py decides what to say)."""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Callable, Iterator
from typing import Any

from django.utils import timezone

from haven.chronology.models import ChronologyEvent

# Where imported history came from: a text, or a function of the record an entry is about.
_imported_from: contextvars.ContextVar[str | Callable[[Any], str]] = contextvars.ContextVar(
    "imported_from", default=""
)
# The entries waiting to be written at the end of ``recorded_together``'s block.
_together: contextvars.ContextVar[list[ChronologyEvent] | None] = contextvars.ContextVar(
    "chronology_together", default=None
)


@contextlib.contextmanager
def imported_from(source: str | Callable[[Any], str]) -> Iterator[None]:
    """Entries recorded inside are imported history: each says where it came from (``source``,
    as its detail), whichever service records it. ``source`` may be a function of the record
    the entry is about, for a service that makes several from different rows (an import's
    reviews of a period of care)."""
    token = _imported_from.set(source)
    try:
        yield
    finally:
        _imported_from.reset(token)


@contextlib.contextmanager
def recorded_together() -> Iterator[None]:
    """Write the entries recorded inside in one insert when the block ends (an import makes
    a child's history through dozens of services, each recording its own entries: one
    insert a child, not one an entry). If the block fails, none is written (its records are
    rolled back with it). Inside one, an entry has no id until the block ends."""
    if _together.get() is not None:
        yield  # the outer block writes them
        return
    waiting: list[ChronologyEvent] = []
    token = _together.set(waiting)
    try:
        yield
    finally:
        _together.reset(token)
    ChronologyEvent.objects.bulk_create(waiting)


def _imported(record: Any) -> str:
    source = _imported_from.get()
    return source if isinstance(source, str) else source(record)


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
    entry = ChronologyEvent(
        person_id=person_id,
        occurred_on=on or timezone.localdate(),
        kind=kind,
        summary=summary[:300],
        detail=detail or _imported(source),
        event=event,
        params=params,
        recorded_by=by,
        source_type=source._meta.label_lower if source is not None else "",
        source_id=source.pk if source is not None else None,
    )
    waiting = _together.get()
    if waiting is None:
        entry.save(force_insert=True)
    else:
        waiting.append(entry)
    return entry
