"""Every read of a person's record goes through here, given the user, and is logged."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404

from haven.chronology.models import ChronologyEvent
from haven.core.models import AccessAction
from haven.core.services import access_log_record
from haven.people import access
from haven.people.models import Address, Allocation, Person, Relationship, RelationshipType

if TYPE_CHECKING:
    from django.http import HttpRequest


def person_get_for_user(
    *,
    user: Any,
    person_id: int,
    request: HttpRequest | None = None,
    action: AccessAction = AccessAction.VIEW,
    detail: str = "",
    logged: bool = True,
) -> Person:
    """The person, if ``user`` may open the record; otherwise 404 and a refused-access row.

    Either way the access log says who asked. A view under emergency access carries its reason.
    ``logged=False`` (a form posted back to a record page) leaves the read out of the access
    log: what the request changed is in the audit trail, and it was no new view. A refusal is
    always logged.
    """
    person = (
        Person.objects.filter(access.visible_q(user), pk=person_id)
        .select_related("merged_into")
        .first()
    )
    if person is None:
        access_log_record(
            user=user,
            action=AccessAction.REFUSED,
            request=request,
            person_id=person_id,
            detail=detail or action.label,
        )
        raise Http404("No record you are entitled to see")
    if not logged:
        return person
    # A view under emergency access carries its reason; the costlier check of whether the user
    # would see the record anyway runs only when there is a grant.
    reason = ""
    grant = access.break_glass_active(user, person.pk)
    if (
        grant
        and not Person.objects.filter(
            access.visible_q(user, break_glass=False), pk=person.pk
        ).exists()
    ):
        reason = grant.reason
    access_log_record(
        user=user,
        action=action,
        request=request,
        person_id=person.pk,
        detail=detail,
        break_glass_reason=reason,
    )
    return person


ProfilePart = Callable[..., Any]
_PROFILE_PARTS: dict[str, ProfilePart] = {}


def register_profile_part(name: str, provide: ProfilePart) -> None:
    """A later part of the service adds what the child's page shows of it (``provide(*, person,
    user)``, in a fixed number of queries) as the template variable ``name``, from its
    ``ready()``, so people never imports it."""
    _PROFILE_PARTS[name] = provide


def person_profile(*, person: Person, user: Any) -> dict[str, Any]:
    """What the child's page shows, fetched in a fixed number of queries. Family members are
    those ``user`` may see: a relative held by another team, or restricted, is not shown."""
    addresses = list(person.addresses.all())
    family_in = list(Relationship.objects.filter(relative_of=person).select_related("person"))
    family_out = list(Relationship.objects.filter(person=person).select_related("relative_of"))
    seen = access.visible_ids(
        user, [r.person_id for r in family_in] + [r.relative_of_id for r in family_out]
    )
    family_in = [r for r in family_in if r.person_id in seen]
    family_out = [r for r in family_out if r.relative_of_id in seen]
    allocation = (
        Allocation.objects.filter(person=person, end_date__isnull=True)
        .select_related("team", "worker")
        .first()
    )
    return {
        # What other parts of the service add to the child's page (open assessments, ...).
        **{name: provide(person=person, user=user) for name, provide in _PROFILE_PARTS.items()},
        "addresses": addresses,
        "current_address": next((a for a in addresses if a.is_current), None),
        "names": [n for n in person.names.all() if n.name_type != "primary"],
        "disabilities": list(person.disabilities.all()),
        "family": family_in,
        "family_reverse": family_out,
        "professionals": list(person.professionals.all()),
        "allocation": allocation,
    }


RecordStatus = Callable[[Person], list[str]]
_STATUS_PARTS: list[RecordStatus] = []


def register_record_status(provide: RecordStatus) -> None:
    """A later part of the service says what the child's status is in its part
    ("Subject to a child protection plan since 3 May 2026"), for the printed record, from its
    ``ready()``: ``provide(person)`` returns sentences (none if nothing is open), in one query."""
    if provide not in _STATUS_PARTS:
        _STATUS_PARTS.append(provide)


def record_status(*, person: Person) -> list[str]:
    return [line for provide in _STATUS_PARTS for line in provide(person)]


# The chronology's turning points, for the summary on a printed record: how the child came to
# the service, what was decided, the plans, and how they ended (not every visit or address).
KEY_EVENT_KINDS = (
    "record_created",
    "record_merged",
    "death",
    "contact",
    "decision",
    "referral",
    "assessment",
    "strategy_discussion",
    "s47",
    "conference",
    "cp_plan",
    "cin_plan",
    "closure",
)
KEY_EVENTS_PRINTED = 20


def key_events(*, person: Person, limit: int = KEY_EVENTS_PRINTED) -> list[ChronologyEvent]:
    """The newest ``limit`` turning points of the child's chronology, newest first."""
    return list(chronology_for_person(person=person, kinds=list(KEY_EVENT_KINDS))[:limit])


def allocation_current(*, person: Person) -> Allocation | None:
    return (
        Allocation.objects.filter(person=person, end_date__isnull=True)
        .select_related("team", "worker")
        .first()
    )


def allocation_history(*, person: Person) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(person=person)
        .select_related("team", "worker", "allocated_by")
        .order_by("-start_date", "-id")
    )


def case_holders(*, team: Any) -> QuerySet[Any]:
    """The active members of ``team`` whose role may hold a child's case, by name."""
    from haven.accounts.models import User
    from haven.accounts.permissions import Capability, roles_with

    if team is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True, memberships__team=team, role__in=roles_with(Capability.HOLD_CASES)
    ).order_by("last_name", "first_name", "username")


def current_allocation(*, person: Person) -> Allocation | None:
    return (
        Allocation.objects.filter(person=person, end_date__isnull=True)
        .select_related("team", "worker")
        .first()
    )


def record_ids(person: Person) -> list[int]:
    """The person's id and those of every record merged into it."""
    ids = [person.pk]
    frontier = [person.pk]
    while frontier:
        frontier = list(
            Person.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


def person_findable(*, user: Any, person_id: int) -> Person | None:
    """A person ``user`` may find to link (not restricted unless named, not merged away)."""
    return Person.objects.filter(access.searchable_q(user), pk=person_id).first()


def merge_candidate(*, user: Any, keep: Person, person_id: int) -> Person | None:
    """Another record ``user`` may see that could be merged into ``keep``."""
    return (
        Person.objects.filter(access.visible_q(user), pk=person_id, merged_into__isnull=True)
        .exclude(pk=keep.pk)
        .first()
    )


def chronology_for_person(
    *,
    person: Person,
    kinds: list[str] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[ChronologyEvent]:
    """The person's chronology, newest first. The person has already passed the access check."""
    events = ChronologyEvent.objects.filter(person_id__in=record_ids(person)).select_related(
        "recorded_by"
    )
    if kinds:
        events = events.filter(kind__in=kinds)
    if date_from:
        events = events.filter(occurred_on__gte=date_from)
    if date_to:
        events = events.filter(occurred_on__lte=date_to)
    return events.order_by("-occurred_on", "-id")


# Who is named beside a child in search results to tell namesakes apart, best first.
_CARER_TYPES = (RelationshipType.PARENT, RelationshipType.STEP_PARENT, RelationshipType.CARER)


@dataclass
class Namesake:
    """What a search result shows beside the name: the current address and, if the user may
    open the child's record, a parent or carer (in two queries for the whole page)."""

    address: Address | None = None
    carer: Relationship | None = None


def namesakes_told_apart(
    *, user: Any, person_ids: list[int], visible: set[int]
) -> dict[int, Namesake]:
    """``visible``: which of ``person_ids`` the user may open (a parent or carer is named only
    for those, and never a restricted parent the user is not named on)."""
    out = {pid: Namesake() for pid in person_ids}
    addresses = Address.objects.filter(person_id__in=person_ids, end_date__isnull=True).order_by(
        "person_id", "-start_date", "-id"
    )
    for address in addresses:
        if out[address.person_id].address is None:
            out[address.person_id].address = address
    shown = [pid for pid in person_ids if pid in visible]
    carers = (
        Relationship.objects.filter(
            access.restriction_q(user, "person__"),
            relative_of_id__in=shown,
            relationship_type__in=_CARER_TYPES,
            person__merged_into__isnull=True,
        )
        .select_related("person")
        .order_by("relative_of_id", "-parental_responsibility", "id")
    )
    order: dict[str, int] = {str(t): i for i, t in enumerate(_CARER_TYPES)}
    for r in carers:
        current = out[r.relative_of_id].carer
        if current is None or (
            (not r.parental_responsibility, order[r.relationship_type])
            < (not current.parental_responsibility, order[current.relationship_type])
        ):
            out[r.relative_of_id].carer = r
    return out
