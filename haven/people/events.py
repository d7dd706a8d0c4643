"""Chronology entries born from changes to a person's record."""

from __future__ import annotations

import datetime
from typing import Any

from haven.chronology.models import EventKind
from haven.chronology.services import chronology_record
from haven.people.models import Address, Allocation, Person, Relationship


def _event(
    person: Person,
    kind: str,
    summary: str,
    *,
    by: Any,
    on: datetime.date | None = None,
    detail: str = "",
    source: Any = None,
) -> None:
    chronology_record(person.pk, kind, summary, on=on, by=by, source=source, detail=detail)


def record_created(person: Person, *, by: Any) -> None:
    _event(
        person,
        EventKind.RECORD_CREATED,
        f"Record created for {person.full_name}",
        by=by,
        source=person,
    )


def details_changed(person: Person, *, by: Any, fields: list[str]) -> None:
    _event(
        person,
        EventKind.DETAILS_CHANGED,
        "Details changed: " + ", ".join(fields),
        by=by,
        source=person,
    )


def address_recorded(address: Address, *, by: Any) -> None:
    _event(
        address.person,
        EventKind.ADDRESS,
        f"Moved to {address}",
        by=by,
        on=address.start_date,
        source=address,
    )


def relationship_recorded(relationship: Relationship, *, by: Any) -> None:
    child = relationship.relative_of
    _event(
        child,
        EventKind.FAMILY,
        f"{relationship.person.full_name} recorded as "
        f"{relationship.get_relationship_type_display().lower()}",
        by=by,
        on=relationship.start_date,
        source=relationship,
    )


def professional_recorded(person: Person, *, by: Any, description: str, source: Any) -> None:
    _event(person, EventKind.PROFESSIONAL, description, by=by, source=source)


def allocated(allocation: Allocation, *, by: Any) -> None:
    who = f" ({allocation.worker.display_name})" if allocation.worker else ""
    _event(
        allocation.person,
        EventKind.ALLOCATION,
        f"Allocated to {allocation.team}{who}",
        by=by,
        on=allocation.start_date,
        source=allocation,
    )


def merged(keep: Person, removed: Person, *, by: Any) -> None:
    _event(
        keep,
        EventKind.RECORD_MERGED,
        f"Record {removed.pk} ({removed.full_name}) merged into this record",
        by=by,
        source=keep,
    )


def died(person: Person, *, by: Any) -> None:
    _event(
        person,
        EventKind.DEATH,
        "Date of death recorded",
        by=by,
        on=person.date_of_death,
        source=person,
    )
