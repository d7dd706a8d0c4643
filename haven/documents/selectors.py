"""Reads of documents and of what letters are filled with. The person has already passed
need-to-know (``haven.ui.pages.person_page``); siblings and family are filtered here."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from haven.core.dates import long_date
from haven.documents.models import Document
from haven.people.access import visible_ids
from haven.people.models import (
    Allocation,
    Person,
    PersonKind,
    Relationship,
    RelationshipType,
)
from haven.people.selectors import chronology_for_person

SIBLING_TYPES = (RelationshipType.SIBLING, RelationshipType.HALF_SIBLING)
PARENT_TYPES = (RelationshipType.PARENT, RelationshipType.STEP_PARENT, RelationshipType.CARER)
FAMILY_TYPES = (
    RelationshipType.PARENT,
    RelationshipType.STEP_PARENT,
    RelationshipType.CARER,
    RelationshipType.PARTNER_OF_PARENT,
    RelationshipType.GRANDPARENT,
)


def documents_for_person(*, person: Person) -> QuerySet[Document]:
    return (
        Document.objects.filter(person=person)
        .select_related("file", "added_by")
        .order_by("-document_date", "-id")
    )


def document_get(*, person: Person, document_id: int) -> Document:
    """One of the person's documents (404 if it is not theirs)."""
    document = documents_for_person(person=person).filter(pk=document_id).first()
    if document is None:
        raise Http404("No such document on this record")
    return document


def _sibling_links(ids: set[int]) -> set[int]:
    found: set[int] = set()
    for row in Relationship.objects.filter(
        Q(person_id__in=ids) | Q(relative_of_id__in=ids), relationship_type__in=SIBLING_TYPES
    ).values_list("person_id", "relative_of_id"):
        found |= set(row)
    return found


def siblings_for_upload(*, person: Person, user: Any) -> list[Person]:
    """The person's brothers and sisters the user may see (restricted ones never offered):
    children recorded as siblings (and their recorded siblings, since a family is often
    linked through one child), and children who share a parent or carer with the person."""
    ids = _sibling_links({person.pk})
    ids |= _sibling_links(ids - {person.pk})
    parents = Relationship.objects.filter(
        relative_of=person, relationship_type__in=PARENT_TYPES
    ).values("person_id")
    ids |= set(
        Relationship.objects.filter(
            person_id__in=parents, relationship_type__in=PARENT_TYPES
        ).values_list("relative_of_id", flat=True)
    )
    ids.discard(person.pk)
    allowed = visible_ids(user, ids)
    return list(
        Person.objects.filter(
            pk__in=allowed, kind=PersonKind.CHILD, merged_into__isnull=True
        ).order_by("given_names", "family_name")
    )


def _worker(person: Person) -> dict[str, str]:
    allocation = (
        Allocation.objects.filter(person=person, end_date__isnull=True)
        .select_related("worker", "team")
        .first()
    )
    if allocation is None:
        return {"name": "", "team": ""}
    return {
        "name": allocation.worker.display_name if allocation.worker else "",
        "team": allocation.team.name,
    }


def _family(person: Person, user: Any) -> list[dict[str, str]]:
    rows = list(
        Relationship.objects.filter(relative_of=person, relationship_type__in=FAMILY_TYPES)
        .select_related("person")
        .order_by("relationship_type", "person__family_name")
    )
    allowed = visible_ids(user, [r.person_id for r in rows])
    return [
        {"name": r.person.full_name, "relationship": r.get_relationship_type_display()}
        for r in rows
        if r.person_id in allowed
    ]


def _address(person: Person) -> str:
    address = person.addresses.filter(end_date__isnull=True).order_by("-start_date").first()
    if address is None:
        return ""
    return ", ".join(
        p for p in (address.line_1, address.line_2, address.town, address.postcode) if p
    )


def _conference(person: Person) -> dict[str, str]:
    from haven.protection.models import Conference

    conference = (
        Conference.objects.filter(person=person)
        .select_related("chair")
        .order_by("-due_date")
        .first()
    )
    if conference is None:
        return {"kind": "", "date": "", "chair": ""}
    return {
        "kind": conference.get_kind_display().lower(),
        "date": long_date(conference.held_on or conference.due_date),
        "chair": conference.chair.display_name if conference.chair else "",
    }


def _plan(person: Person) -> dict[str, str]:
    from haven.childinneed.models import CINPlan
    from haven.protection.models import ChildProtectionPlan

    cp = ChildProtectionPlan.objects.filter(person=person, end_date__isnull=True).first()
    if cp is not None:
        return {
            "kind": "child protection",
            "start_date": long_date(cp.start_date),
            "category": cp.get_latest_category_display(),
        }
    cin = CINPlan.objects.filter(person=person, end_date__isnull=True).first()
    if cin is not None:
        return {"kind": "child in need", "start_date": long_date(cin.start_date), "category": ""}
    return {"kind": "", "start_date": "", "category": ""}


def _referral(person: Person) -> dict[str, str]:
    from haven.frontdoor.models import ContactChild

    decision = (
        ContactChild.objects.filter(person=person)
        .select_related("contact")
        .order_by("-contact__received_at")
        .first()
    )
    if decision is None:
        return {"referrer_name": "", "referrer_agency": "", "outcome": "", "date": ""}
    return {
        "referrer_name": decision.contact.referrer_name,
        "referrer_agency": decision.contact.referrer_agency,
        "outcome": decision.get_outcome_display() if decision.outcome else "",
        "date": long_date(decision.contact.received_at.date()),
    }


def court_chronology_rows(*, person: Person) -> list[dict[str, str]]:
    """The chronology in the form family courts expect: date, event, source, significance,
    oldest first, worded as the chronology page words each entry (never re-typed)."""
    events = chronology_for_person(person=person).order_by("occurred_on", "id")
    rows = []
    for event in events:
        recorder = event.recorded_by.display_name if event.recorded_by else ""
        source = " ".join(
            part
            for part in (
                event.source_type.replace("_", " ").capitalize(),
                recorder and f"({recorder})",
            )
            if part
        )
        rows.append(
            {
                "date": long_date(event.occurred_on),
                "event": event.text,
                "source": source or "Haven",
                "significance": f"{event.kind_label}: {event.detail}"
                if event.detail
                else event.kind_label,
            }
        )
    return rows


def letter_context(*, person: Person, user: Any, with_chronology: bool) -> dict[str, Any]:
    """Everything a letter may say, as plain text built from the record."""
    from django.conf import settings

    from haven.documents.letters import today_text

    return {
        "child": {
            "name": person.full_name,
            "given_names": person.given_names,
            "haven_id": str(person.pk),
            "date_of_birth": long_date(person.date_of_birth) if person.date_of_birth else "",
            "address": _address(person),
        },
        "family": _family(person, user),
        "worker": _worker(person),
        "conference": _conference(person),
        "plan": _plan(person),
        "referral": _referral(person),
        "chronology": court_chronology_rows(person=person) if with_chronology else [],
        "today": today_text(),
        "council": settings.HAVEN_COUNCIL_NAME,
        "signed_by": user.display_name,
    }
