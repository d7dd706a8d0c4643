"""A child's chronology: what happened, born from the records, never re-typed."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EventKind(models.TextChoices):
    RECORD_CREATED = "record_created", "Record created"
    DETAILS_CHANGED = "details_changed", "Details changed"
    ADDRESS = "address", "Address"
    FAMILY = "family", "Family and network"
    PROFESSIONAL = "professional", "Professional involvement"
    ALLOCATION = "allocation", "Allocation"
    RECORD_MERGED = "record_merged", "Records merged"
    DEATH = "death", "Death"


class ChronologyEvent(models.Model):
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="chronology_events"
    )
    occurred_on = models.DateField(db_index=True)
    kind = models.CharField(max_length=40)
    # The sentence as worded when recorded: shown for entries with no event type (older or
    # bulk-loaded rows), or whose parameters no longer render.
    summary = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    # The event type (haven.chronology.events) and its parameters: the sentence shown is
    # rendered from these when the chronology is read.
    event = models.CharField(max_length=60, blank=True, db_default="")
    params = models.JSONField(null=True, blank=True)
    # The record the event came from, so the entry links back to it.
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.BigIntegerField(null=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    audit_person_field = "person"

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["person", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.occurred_on}: {self.summary}"

    @property
    def text(self) -> str:
        """What happened, in words: rendered from the event type and its parameters."""
        from haven.chronology.events import render

        return render(self)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


_LABELS: dict[str, str] = dict(EventKind.choices)


def register_event_kinds(choices: type[models.TextChoices]) -> None:
    """Later parts of the service add their own kinds of event (contact, referral, ...)."""
    _LABELS.update(dict(choices.choices))


def kind_label(kind: str) -> str:
    return _LABELS.get(kind, kind.replace("_", " ").capitalize())


def all_kinds() -> list[tuple[str, str]]:
    return sorted(_LABELS.items(), key=lambda item: item[1])
