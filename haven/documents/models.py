"""Documents on a child's record, the files behind them, and the letter templates."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from haven.core.models import VersionedModel


class DocumentCategory(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    PLAN = "plan", "Plan"
    COURT = "court", "Court"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    LETTER = "letter", "Letter"
    PHOTO = "photo", "Photo"
    OTHER = "other", "Other"


class StoredFile(models.Model):
    """One file in the document store, under a random name. Siblings' documents uploaded in one
    step share it, so the file is stored (and scanned) once."""

    storage_name = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    stored_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class Document(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="documents")
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="documents")
    category = models.CharField(max_length=20, choices=DocumentCategory.choices)
    document_date = models.DateField("Date of the document")
    description = models.CharField(max_length=500)
    # The letter template it was produced from, for generated documents.
    template_key = models.CharField(max_length=40, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    audit_person_field = "person"

    class Meta:
        ordering = ["-document_date", "-id"]
        indexes = [models.Index(fields=["person", "document_date"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description}"


class TemplateKind(models.TextChoices):
    CONFERENCE_INVITATION = "conference_invitation", "Conference invitation"
    PLAN_SUMMARY = "plan_summary", "Plan summary for the family"
    OUTCOME_LETTER = "outcome_letter", "Outcome letter to a referrer"
    COURT_CHRONOLOGY = "court_chronology", "Court chronology"


class LetterTemplate(VersionedModel):
    """An administrator's wording of a letter (Django template text). Until one is saved, the
    wording in ``haven.documents.letters.DEFAULT_BODIES`` is used."""

    key = models.CharField(max_length=40, choices=TemplateKind.choices, unique=True)
    body = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return self.get_key_display()
