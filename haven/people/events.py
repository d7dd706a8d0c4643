"""Chronology entries born from changes to a person's record: their words, and recording them.

Names, addresses and teams are kept in the parameters as they were at the time."""

from __future__ import annotations

from typing import Any

from haven.chronology.events import Params, event_type
from haven.chronology.models import EventKind
from haven.people.models import Address, Allocation, Person, Relationship, RelationshipType


@event_type("record_created", kind=EventKind.RECORD_CREATED)
def RECORD_CREATED(p: Params) -> str:
    return f"Record created for {p['name']}"


@event_type("details_changed", kind=EventKind.DETAILS_CHANGED)
def DETAILS_CHANGED(p: Params) -> str:
    return "Details changed: " + ", ".join(p["fields"])


@event_type("address_recorded", kind=EventKind.ADDRESS)
def ADDRESS_RECORDED(p: Params) -> str:
    return f"Moved to {p['address']}"


@event_type("relationship_recorded", kind=EventKind.FAMILY)
def RELATIONSHIP_RECORDED(p: Params) -> str:
    relationship = RelationshipType(p["relationship_type"]).label.lower()
    return f"{p['name']} recorded as {relationship}"


@event_type("professional_recorded", kind=EventKind.PROFESSIONAL)
def PROFESSIONAL_RECORDED(p: Params) -> str:
    return str(p["description"])


@event_type("allocated", kind=EventKind.ALLOCATION)
def ALLOCATED(p: Params) -> str:
    who = f" ({p['worker']})" if p["worker"] else ""
    return f"Allocated to {p['team']}{who}"


@event_type("record_merged", kind=EventKind.RECORD_MERGED)
def RECORD_MERGED(p: Params) -> str:
    return f"Record {p['removed_id']} ({p['removed_name']}) merged into this record"


@event_type("died", kind=EventKind.DEATH)
def DIED(p: Params) -> str:
    return "Date of death recorded"


def record_created(person: Person, *, by: Any) -> None:
    RECORD_CREATED.record(person.pk, on=None, by=by, source=person, name=person.full_name)


def details_changed(person: Person, *, by: Any, fields: list[str]) -> None:
    DETAILS_CHANGED.record(person.pk, on=None, by=by, source=person, fields=list(fields))


def address_recorded(address: Address, *, by: Any) -> None:
    ADDRESS_RECORDED.record(
        address.person_id, on=address.start_date, by=by, source=address, address=str(address)
    )


def relationship_recorded(relationship: Relationship, *, by: Any) -> None:
    RELATIONSHIP_RECORDED.record(
        relationship.relative_of_id,
        on=relationship.start_date,
        by=by,
        source=relationship,
        name=relationship.person.full_name,
        relationship_type=relationship.relationship_type,
    )


def professional_recorded(person: Person, *, by: Any, description: str, source: Any) -> None:
    PROFESSIONAL_RECORDED.record(person.pk, on=None, by=by, source=source, description=description)


def allocated(allocation: Allocation, *, by: Any) -> None:
    ALLOCATED.record(
        allocation.person_id,
        on=allocation.start_date,
        by=by,
        source=allocation,
        team=str(allocation.team),
        worker=allocation.worker.display_name if allocation.worker else "",
    )


def merged(keep: Person, removed: Person, *, by: Any) -> None:
    RECORD_MERGED.record(
        keep.pk,
        on=None,
        by=by,
        source=keep,
        removed_id=removed.pk,
        removed_name=removed.full_name,
    )


def died(person: Person, *, by: Any) -> None:
    DIED.record(person.pk, on=person.date_of_death, by=by, source=person)
