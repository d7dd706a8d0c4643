"""Case notes: what a worker saw, heard and did, written once for one or more children.

A note (``CaseNote``) holds what is shared (type, when, who was present, the narrative); each
child it is about has a row (``CaseNoteChild``) with what is theirs alone: seen, seen alone, what
the child said, and any text about that child only. A draft is its author's alone; once final a
note is never edited (a database trigger refuses it), only added to (``Addendum``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q

from haven.core.models import VersionedModel


class NoteType(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    OFFICE_VISIT = "office_visit", "Office visit"
    PHONE_CALL = "phone_call", "Phone call"
    MEETING = "meeting", "Meeting"
    DIRECT_WORK = "direct_work", "Direct work with the child"
    CORRESPONDENCE = "correspondence", "Email or letter received"
    MANAGEMENT_OVERSIGHT = "management_oversight", "Management oversight"
    OTHER = "other", "Other"


# Notes of a visit: the ones whose "seen alone" the figures count.
VISIT_TYPES = (NoteType.HOME_VISIT, NoteType.OFFICE_VISIT)


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


SUMMARY_MAX = 200


class CaseNote(VersionedModel):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_notes"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note_type = models.CharField("Type", max_length=30, choices=NoteType.choices)
    occurred_on = models.DateField("When it happened")
    present = models.TextField("Who was present", blank=True)
    summary = models.CharField("Summary", max_length=SUMMARY_MAX, blank=True)
    narrative = models.TextField("What happened", blank=True)
    significant = models.BooleanField("Significant event", default=False)
    written_to_child = models.BooleanField("Written to the child", default=False)
    status = models.CharField(max_length=5, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    finalised_at = models.DateTimeField(null=True, blank=True)
    countersign_requested_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countersign_requested_at = models.DateTimeField(null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    search = models.GeneratedField(
        expression=SearchVector("summary", weight="A", config="english")
        + SearchVector("narrative", weight="B", config="english")
        + SearchVector("present", weight="C", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    audit_ignored_fields = ("search",)

    class Meta:
        indexes = [
            GinIndex(fields=["search"], name="casenote_search"),
            models.Index(fields=["author", "occurred_on"], name="casenote_author_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(finalised_at__isnull=False),
                name="casenote_final_has_finalised_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_note_type_display()} on {self.occurred_on}"

    @property
    def is_final(self) -> bool:
        return self.status == NoteStatus.FINAL

    @property
    def is_visit(self) -> bool:
        return self.note_type in VISIT_TYPES

    @property
    def awaits_countersignature(self) -> bool:
        return self.countersign_requested_of_id is not None and self.countersigned_at is None


class CaseNoteChild(models.Model):
    """One child a note is about, with the parts that are theirs."""

    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="case_notes")
    seen = models.BooleanField("Seen", default=False)
    seen_alone = models.BooleanField("Seen alone", default=False)
    child_said = models.TextField("What the child said", blank=True)
    own_text = models.TextField("About this child only", blank=True)
    # A CP or CIN visit recorded with this note (the visit is written once).
    visit = models.OneToOneField(
        "protection.Visit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_note",
    )
    # Copied from the note by database triggers (migration 0003), so that a child's list and
    # search read this table alone: newest first from one index, the words of the note and of
    # this child's part in one tsvector.
    occurred_on = models.DateField(null=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    is_final = models.BooleanField(default=False, editable=False)
    search = SearchVectorField(null=True, editable=False)

    audit_person_field = "person"
    audit_ignored_fields = ("search", "occurred_on", "author_id", "is_final")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "person"], name="casenote_child_once"),
            models.CheckConstraint(
                condition=Q(seen=True) | Q(seen_alone=False),
                name="casenote_seen_alone_only_if_seen",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "note"], name="casenote_child_person"),
            models.Index(
                "person", F("occurred_on").desc(), F("note").desc(), name="casenote_child_newest"
            ),
            GinIndex(fields=["search"], name="casenote_child_search"),
        ]

    def __str__(self) -> str:
        return f"Note {self.note_id} about {self.person_id}"


class Addendum(models.Model):
    """Added to a final note: who, when, what. Never changed."""

    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()

    class Meta:
        ordering = ["written_at", "id"]

    def __str__(self) -> str:
        return f"Addendum to note {self.note_id}"
