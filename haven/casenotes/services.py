"""Every write of case notes: keyword-only, one transaction each, audited by the database."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.notifications import notify
from haven.accounts.permissions import Capability, service_require, user_can
from haven.casenotes import events
from haven.casenotes.models import (
    SUMMARY_MAX,
    Addendum,
    CaseNote,
    CaseNoteChild,
    NoteStatus,
    NoteType,
)
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.core.versioning import update_with_version
from haven.people.access import user_team_ids, visible_ids
from haven.people.models import Person
from haven.protection.models import Visit


@dataclass(frozen=True)
class ChildPart:
    """What a note says about one of its children."""

    person_id: int
    seen: bool = False
    seen_alone: bool = False
    child_said: str = ""
    own_text: str = ""


def note_url(note: CaseNote, person_id: int) -> str:
    return reverse("casenotes:note", args=[person_id, note.pk])


def _check_children(by: User, about: Person, children: Sequence[ChildPart], offered: set[int]):
    if not children:
        raise ValidationError({"children": "Choose at least one child the note is about"})
    ids = [c.person_id for c in children]
    if len(set(ids)) != len(ids):
        raise ValidationError({"children": "Each child can be chosen once"})
    # Need-to-know again, for every child posted: never trust the form's list.
    allowed = visible_ids(by, ids) & (offered | {about.pk})
    refused = [i for i in ids if i not in allowed]
    if refused:
        raise ValidationError(
            {"children": "You can only write a note for children whose records you may see"}
        )
    for part in children:
        if part.seen_alone and not part.seen:
            raise ValidationError(
                {f"alone_{part.person_id}": "A child not seen cannot have been seen alone"}
            )


def _check_date(occurred_on: datetime.date) -> None:
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "The date it happened must be today or in the past"})


@transaction.atomic
def note_save_draft(
    *,
    by: User,
    about: Person,
    offered: set[int],
    note: CaseNote | None = None,
    version: int | None = None,
    note_type: str,
    occurred_on: datetime.date,
    present: str = "",
    summary: str = "",
    narrative: str = "",
    significant: bool = False,
    written_to_child: bool = False,
    children: Sequence[ChildPart],
) -> CaseNote:
    """Create or update the author's draft. ``offered`` are the children the form offered
    (``selectors.offered_ids``); each posted child is checked against need-to-know again."""
    service_require(by, Capability.WRITE_RECORDS)
    if note_type not in NoteType.values:
        raise ValidationError({"note_type": "Choose the type of note"})
    _check_date(occurred_on)
    _check_children(by, about, children, offered)
    values: dict[str, Any] = {
        "note_type": note_type,
        "occurred_on": occurred_on,
        "present": present.strip(),
        "summary": summary.strip()[:SUMMARY_MAX],
        "narrative": narrative.strip(),
        "significant": significant,
        "written_to_child": written_to_child,
    }
    if note is None:
        teams = user_team_ids(by)
        note = CaseNote.objects.create(author=by, team_id=teams[0] if teams else None, **values)
    else:
        note = CaseNote.objects.select_for_update().get(pk=note.pk)
        if note.author_id != by.pk:
            raise ValidationError("Only the note's author can change a draft")
        if note.is_final:
            raise ConflictError(
                "This note has been finalised: it can no longer be changed, only added to"
            )
        update_with_version(CaseNote, note.pk, version, **values)
        note.refresh_from_db()
    kept = {c.person_id for c in children}
    CaseNoteChild.objects.filter(note=note).exclude(person_id__in=kept).delete()
    for part in children:
        CaseNoteChild.objects.update_or_create(
            note=note,
            person_id=part.person_id,
            defaults={
                "seen": part.seen,
                "seen_alone": part.seen_alone,
                "child_said": part.child_said.strip(),
                "own_text": part.own_text.strip(),
            },
        )
    return note


@transaction.atomic
def note_finalise(*, note: CaseNote, by: User) -> CaseNote:
    """The author finalises the note: from now on it is only added to."""
    note = CaseNote.objects.select_for_update().get(pk=note.pk)
    if note.author_id != by.pk:
        raise ValidationError("Only the note's author can finalise it")
    if note.is_final:
        raise ConflictError("This note is already final")
    errors: dict[str, str] = {}
    if not note.summary:
        errors["summary"] = "Write a one-line summary"
    if not note.narrative:
        errors["narrative"] = "Write what happened"
    if errors:
        raise ValidationError(errors)
    _check_date(note.occurred_on)
    person_ids = list(note.children.values_list("person_id", flat=True))
    if not person_ids:
        raise ValidationError({"children": "Choose at least one child the note is about"})
    update_with_version(
        CaseNote, note.pk, None, status=NoteStatus.FINAL, finalised_at=timezone.now()
    )
    note.refresh_from_db()
    if note.significant:
        events.significant_note_finalised(note, person_ids, by=by)
    return note


@transaction.atomic
def note_addendum_add(*, note: CaseNote, by: User, text: str) -> Addendum:
    service_require(by, Capability.WRITE_RECORDS, field="text")
    if not CaseNote.objects.filter(pk=note.pk, status=NoteStatus.FINAL).exists():
        raise ValidationError({"text": "Only a final note takes an addendum: edit the draft"})
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the addendum"})
    return Addendum.objects.create(note=note, author=by, text=text)


def countersigners(by: User) -> list[User]:
    """Managers of the author's teams, who may be asked to countersign."""
    from haven.accounts.services import team_managers

    return [m for m in team_managers(user_team_ids(by)) if m.pk != by.pk]


@transaction.atomic
def note_countersign_request(
    *, note: CaseNote, by: User, manager: User, person_id: int
) -> CaseNote:
    note = CaseNote.objects.select_for_update().get(pk=note.pk)
    if note.author_id != by.pk:
        raise ValidationError({"manager": "Only the note's author can ask for a countersignature"})
    if not note.is_final:
        raise ValidationError({"manager": "Finalise the note before asking for a countersignature"})
    if note.countersigned_at is not None:
        raise ConflictError({"manager": "This note has already been countersigned"})
    if not user_can(manager, Capability.AUTHORISE) or manager.pk == by.pk:
        raise ValidationError({"manager": "Choose a manager who can countersign"})
    ids = list(note.children.values_list("person_id", flat=True))
    if visible_ids(manager, ids) != set(ids):
        raise ValidationError(
            {"manager": f"{manager.display_name} cannot see every child this note is about"}
        )
    CaseNote.objects.filter(pk=note.pk).update(
        countersign_requested_of=manager, countersign_requested_at=timezone.now()
    )
    notify(
        recipients=[manager],
        by=by,
        message=f"{by.display_name} asks you to countersign a case note of "
        f"{long_date(note.occurred_on)}",
        link=note_url(note, person_id),
    )
    note.refresh_from_db()
    return note


@transaction.atomic
def note_countersign(*, note: CaseNote, by: User, person_id: int) -> CaseNote:
    service_require(by, Capability.AUTHORISE)
    note = CaseNote.objects.select_for_update().get(pk=note.pk)
    if not note.is_final:
        raise ValidationError("Only a final note can be countersigned")
    if note.countersigned_at is not None:
        raise ConflictError("This note has already been countersigned")
    if note.author_id == by.pk:
        raise ValidationError("A note cannot be countersigned by its author")
    CaseNote.objects.filter(pk=note.pk).update(countersigned_by=by, countersigned_at=timezone.now())
    notify(
        recipients=[note.author],
        by=by,
        message=f"{by.display_name} countersigned your case note of {long_date(note.occurred_on)}",
        link=note_url(note, person_id),
    )
    note.refresh_from_db()
    return note


def note_for_visit(visit: Any, *, by: User, notes: str = "", child_said: str = "") -> CaseNote:
    """A visit is written once: what the worker wrote (the notes, what the child said) becomes
    a final case note of type home visit, linked to the visit (registered with haven.protection's
    visit hook); the visit keeps no words of its own. A CP or CIN visit is linked from the
    child's part of the note (its ``visit``); any other part's visit (a looked-after child's
    statutory visit) names its note with ``note_summary`` and keeps the link in its own
    ``case_note``, so this package needs to know nothing of it."""
    linked_here = isinstance(visit, Visit)
    teams = user_team_ids(by)
    now = timezone.now()
    note = CaseNote.objects.create(
        author=by,
        team_id=teams[0] if teams else None,
        note_type=NoteType.HOME_VISIT,
        occurred_on=visit.visited_on,
        summary=visit.get_kind_display() if linked_here else visit.note_summary,
        narrative=notes,
        status=NoteStatus.FINAL,
        finalised_at=now,
    )
    part = CaseNoteChild.objects.create(
        note=note,
        person_id=visit.person_id,
        seen=visit.child_seen,
        seen_alone=visit.seen_alone,
        child_said=child_said,
        visit=visit if linked_here else None,
    )
    if not linked_here:
        type(visit).objects.filter(pk=visit.pk).update(case_note=part)
        visit.case_note = part
    return note
