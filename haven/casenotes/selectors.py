"""Every read of case notes, given the user: need-to-know on the child, drafts for their author."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from haven.accounts.models import User
from haven.casenotes.models import CaseNote, CaseNoteChild, NoteStatus
from haven.people.access import visible_ids, visible_q
from haven.people.models import Person, PersonKind, Relationship
from haven.protection.selectors import VisitNote


def children_offered(*, user: Any, person: Person) -> list[Person]:
    """The children a note about ``person`` may also be written for: ``person`` and the
    children of their family (related directly or through a shared adult) whom ``user`` may
    see. Restricted records are never offered, beyond the child whose page this is."""
    direct = Relationship.objects.filter(
        Q(person=person, relative_of=OuterRef("pk")) | Q(relative_of=person, person=OuterRef("pk"))
    )
    adults = list(
        Relationship.objects.filter(relative_of=person, person__kind=PersonKind.ADULT).values_list(
            "person_id", flat=True
        )
    ) + list(
        Relationship.objects.filter(person=person, relative_of__kind=PersonKind.ADULT).values_list(
            "relative_of_id", flat=True
        )
    )
    shared = Relationship.objects.filter(
        Q(person_id__in=adults, relative_of=OuterRef("pk"))
        | Q(relative_of_id__in=adults, person=OuterRef("pk"))
    )
    family = (
        Person.objects.filter(
            Q(Exists(direct)) | Q(Exists(shared)),
            visible_q(user),
            kind=PersonKind.CHILD,
            is_restricted=False,
            merged_into__isnull=True,
        )
        .exclude(pk=person.pk)
        .order_by("date_of_birth", "given_names", "pk")
    )
    return [person, *family]


def offered_ids(*, user: Any, person: Person) -> set[int]:
    return {p.pk for p in children_offered(user=user, person=person)}


def readable_q(user: Any) -> Q:
    """Notes a user may read on a child they may see: final ones, and their own drafts."""
    return Q(is_final=True) | Q(author=user)


@dataclass(frozen=True)
class NoteFilters:
    q: str = ""
    note_type: str = ""
    author_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @property
    def any(self) -> bool:
        return bool(self.q or self.note_type or self.author_id or self.date_from or self.date_to)


def visit_notes(*, user: Any, person: Person, visit_ids: list[int]) -> dict[int, VisitNote]:
    """The case notes the child's visits were written in, by visit id, in one query
    (registered with haven.protection's visit-notes lookup for its tab)."""
    rows = (
        CaseNoteChild.objects.filter(readable_q(user), person=person, visit_id__in=visit_ids)
        .order_by()
        .values_list("visit_id", "note_id", "note__narrative", "own_text", "child_said")
    )
    return {
        visit_id: VisitNote(
            text="\n\n".join(t for t in (narrative, own_text) if t),
            child_said=child_said,
            url=reverse("casenotes:note", args=[person.pk, note_id]),
        )
        for visit_id, note_id, narrative, own_text, child_said in rows
    }


def notes_for_child(*, user: Any, person: Person, filters: NoteFilters) -> QuerySet[CaseNoteChild]:
    """The child's notes the user may read, newest first (the caller has checked the user may
    see ``person``: ``person_page``)."""
    rows = CaseNoteChild.objects.filter(readable_q(user), person=person)
    if filters.q:
        query = SearchQuery(filters.q, config="english", search_type="websearch")
        rows = rows.filter(search=query)  # the note's words and this child's part
    if filters.note_type:
        rows = rows.filter(note__note_type=filters.note_type)
    if filters.author_id:
        rows = rows.filter(author_id=filters.author_id)
    if filters.date_from:
        rows = rows.filter(occurred_on__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(occurred_on__lte=filters.date_to)
    # The page of rows is chosen from this table alone (its own date and words), and only
    # then are those rows' notes read: a search matching thousands of notes joins 25.
    notes = CaseNote.objects.select_related("author", "countersigned_by").defer("search")
    return (
        rows.defer("search")
        .prefetch_related(Prefetch("note", queryset=notes))
        .order_by("-occurred_on", "-note_id")
    )


def authors_for_child(*, user: Any, person: Person) -> list[User]:
    ids = (
        CaseNoteChild.objects.filter(readable_q(user), person=person).values("author_id").distinct()
    )
    return list(User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "pk"))


def note_get_for_user(*, user: Any, person: Person, note_id: int) -> CaseNote:
    """A note about ``person`` that ``user`` may read (404 otherwise: a draft is its author's)."""
    note = (
        CaseNote.objects.filter(Q(status=NoteStatus.FINAL) | Q(author=user))
        .filter(pk=note_id, children__person=person)
        .select_related("author", "countersigned_by", "countersign_requested_of")
        .first()
    )
    if note is None:
        raise Http404("No such case note")
    return note


@dataclass
class NoteParts:
    visible: list[CaseNoteChild]  # the parts of children the user may see
    hidden: int  # how many other children the note is about


def note_parts(*, user: Any, note: CaseNote) -> NoteParts:
    parts = list(
        note.children.select_related("person", "visit").order_by("person__date_of_birth", "pk")
    )
    allowed = visible_ids(user, [p.person_id for p in parts])
    shown = [p for p in parts if p.person_id in allowed]
    return NoteParts(visible=shown, hidden=len(parts) - len(shown))


def my_drafts(*, user: Any, person: Person) -> list[CaseNote]:
    return list(
        CaseNote.objects.filter(
            author=user, status=NoteStatus.DRAFT, children__person=person
        ).order_by("-updated_at")
    )
