"""Event types: what each kind of chronology entry says, written once.

An entry is stored as its event type's name and the parameters it was recorded with (codes,
names, ISO dates: JSON), and its sentence is rendered from them when the chronology is read, as
Saleor's order events are. Each part of the service declares its types in its own ``events.py``
with :func:`event_type`; the services record them (``TYPE.record(...)``) and the synthetic
county and importers word their bulk-loaded rows with the same renderer (``TYPE.text(...)``).
Entries stored before event types existed, or whose type is no longer registered, show the
sentence stored with them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from haven.chronology.models import ChronologyEvent

Params = Mapping[str, Any]
Renderer = Callable[[Params], str]

SUMMARY_LENGTH = 300


@dataclass(frozen=True)
class EventType:
    name: str  # stored on the entry; never rename one that has been recorded
    kind: str  # the entry's kind: what the chronology's filter and "type" column show
    render: Renderer

    def text(self, **params: Any) -> str:
        """The sentence for an entry of this type with these parameters."""
        return self.render(params)[:SUMMARY_LENGTH]

    def record(
        self,
        person_id: int,
        *,
        on: datetime.date | datetime.datetime | None,
        by: Any,
        source: Any = None,
        detail: str = "",
        **params: Any,
    ) -> ChronologyEvent:
        """Record an entry of this type in the person's chronology (see chronology_record)."""
        from haven.chronology.services import chronology_record

        return chronology_record(
            person_id,
            self.kind,
            self.text(**params),
            on=on,
            by=by,
            source=source,
            detail=detail,
            event=self.name,
            params=dict(params),
        )


_TYPES: dict[str, EventType] = {}


def event_type(name: str, *, kind: str) -> Callable[[Renderer], EventType]:
    """Declare an event type, its kind and how it is worded::

    @event_type("cp_plan_ended", kind=ProtectionEvent.CP_PLAN)
    def cp_plan_ended(p: Params) -> str:
        return f"Child protection plan ended: {PlanEndReason(p['reason']).label.lower()}"
    """

    def register(render: Renderer) -> EventType:
        known = _TYPES.get(name)
        if known is not None and known.render.__qualname__ != render.__qualname__:
            raise ImproperlyConfigured(f"Two chronology event types are named {name!r}")
        _TYPES[name] = EventType(name=name, kind=str(kind), render=render)
        return _TYPES[name]

    return register


def get(name: str) -> EventType | None:
    return _TYPES.get(name)


def all_types() -> list[EventType]:
    return sorted(_TYPES.values(), key=lambda t: t.name)


def render(event: ChronologyEvent) -> str:
    """The entry's sentence: rendered from its parameters, or the sentence stored with it."""
    kind = _TYPES.get(event.event)
    if kind is None or event.params is None:
        return event.summary
    try:
        return kind.text(**event.params)
    except (KeyError, ValueError, TypeError):
        # A code since withdrawn from a list: what was said at the time still stands.
        return event.summary


def iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def from_iso(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)
