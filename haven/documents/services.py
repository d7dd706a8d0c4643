"""Every write about documents: uploads (checked, scanned, stored once for several children),
letters produced from templates, and administrators' wording of those templates."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.db import IntegrityError, transaction

from haven.accounts.permissions import Capability, service_require
from haven.core.errors import ConflictError
from haven.core.models import AccessAction
from haven.core.services import access_log_record
from haven.core.versioning import ConcurrentEditError, update_with_version
from haven.documents import checks, letters, scanning, selectors
from haven.documents.models import (
    Document,
    DocumentCategory,
    LetterTemplate,
    StoredFile,
    TemplateKind,
)
from haven.documents.uploads import max_upload_bytes
from haven.people.access import visible_ids
from haven.people.models import Person

__all__ = [
    "ConcurrentEditError",
    "document_generate",
    "document_open",
    "document_save_generated",
    "document_upload",
    "letter_template_save",
]


def _store(*, content: IO[bytes], original_name: str, content_type: str, by: Any) -> StoredFile:
    """Save the bytes under a random name; the row remembers the name people gave it."""
    storage = storages["documents"]
    digest = hashlib.sha256()
    content.seek(0)
    while chunk := content.read(64 * 1024):
        digest.update(chunk)
    size = content.tell()
    content.seek(0)
    token = secrets.token_hex(16)
    name = storage.save(f"{token[:2]}/{token}", File(content))
    try:
        return StoredFile.objects.create(
            storage_name=name,
            original_name=original_name[:255],
            content_type=content_type,
            size=size,
            sha256=digest.hexdigest(),
            stored_by=by,
        )
    except Exception:
        storage.delete(name)
        raise


@transaction.atomic
def document_upload(
    *,
    person: Person,
    by: Any,
    upload: Any,
    category: str,
    document_date: datetime.date,
    description: str,
    siblings: list[Person] | tuple[Person, ...] = (),
) -> list[Document]:
    """Store the file once and add it to ``person``'s record and each sibling's chosen (all of
    whom ``by`` must be entitled to see). Refuses, with a message on the field, a file Haven
    may not keep (``haven.documents.checks``) or one the virus scanner does not pass."""
    service_require(by, Capability.WRITE_RECORDS, field="file")
    if upload is None:
        raise ValidationError({"file": "Choose a file to upload"})
    if category not in DocumentCategory.values:
        raise ValidationError({"category": "Choose a category"})
    others = [s for s in siblings if s.pk != person.pk]
    if others and visible_ids(by, [s.pk for s in others]) != {s.pk for s in others}:
        raise ValidationError({"siblings": "You can add documents only to children you can see"})
    name = getattr(upload, "name", "") or ""
    accepted = checks.check_file(upload, name=name, size=upload.size, max_bytes=max_upload_bytes())
    scanning.virus_scan(upload)
    stored = _store(content=upload, original_name=name, content_type=accepted.content_type, by=by)
    try:
        documents = Document.objects.bulk_create(
            [
                Document(
                    person=child,
                    file=stored,
                    category=category,
                    document_date=document_date,
                    description=description,
                    added_by=by,
                )
                for child in [person, *others]
            ]
        )
    except Exception:
        storages["documents"].delete(stored.storage_name)
        raise
    return documents


@transaction.atomic
def document_generate(*, person: Person, by: Any, kind: str, request: Any = None) -> Document:
    """Produce a letter (or the court chronology) from its template, as a PDF on the child's
    documents; its production is logged as a print of the record."""
    service_require(by, Capability.WRITE_RECORDS, field="kind")
    if kind not in TemplateKind.values:
        raise ValidationError({"kind": "Choose a letter to produce"})
    label = TemplateKind(kind).label
    context = selectors.letter_context(
        person=person, user=by, with_chronology=kind == TemplateKind.COURT_CHRONOLOGY
    )
    body = template_body(kind)
    try:
        html = letters.render_html(body, context, title=f"{label}: {person.full_name}")
    except Exception as exc:
        raise ValidationError(
            {
                "kind": f"The {label.lower()} template cannot be filled in: ask an administrator to correct it ({exc})"
            }
        ) from exc
    pdf = letters.html_to_pdf(html)
    today = datetime.date.today()
    filename = f"{label} - {person.full_name} - {today.isoformat()}.pdf"
    stored = _store(
        content=ContentFile(pdf), original_name=filename, content_type="application/pdf", by=by
    )
    try:
        document = Document.objects.create(
            person=person,
            file=stored,
            category=DocumentCategory.COURT
            if kind == TemplateKind.COURT_CHRONOLOGY
            else DocumentCategory.LETTER,
            document_date=today,
            description=label,
            template_key=kind,
            added_by=by,
        )
        access_log_record(
            user=by,
            action=AccessAction.PRINT,
            request=request,
            person_id=person.pk,
            detail=f"produced {label.lower()} (document {document.pk})",
        )
    except Exception:
        storages["documents"].delete(stored.storage_name)
        raise
    return document


@transaction.atomic
def document_save_generated(
    *,
    person: Person,
    by: Any,
    pdf: bytes,
    description: str,
    category: str,
    template_key: str = "",
    request: Any = None,
) -> Document:
    """A PDF another part of the service drew from the record (a care leaver's health
    passport), saved to the child's documents; its production is logged as a print."""
    service_require(by, Capability.WRITE_RECORDS, field="kind")
    if category not in DocumentCategory.values:
        raise ValidationError({"category": "Choose a category"})
    today = datetime.date.today()
    stored = _store(
        content=ContentFile(pdf),
        original_name=f"{description} - {person.full_name} - {today.isoformat()}.pdf",
        content_type="application/pdf",
        by=by,
    )
    try:
        document = Document.objects.create(
            person=person,
            file=stored,
            category=category,
            document_date=today,
            description=description,
            template_key=template_key,
            added_by=by,
        )
        access_log_record(
            user=by,
            action=AccessAction.PRINT,
            request=request,
            person_id=person.pk,
            detail=f"produced {description.lower()} (document {document.pk})",
        )
    except Exception:
        storages["documents"].delete(stored.storage_name)
        raise
    return document


def document_open(*, document: Document, by: Any, request: Any = None) -> IO[bytes]:
    """The document's file, for the download view; the access log records who took it."""
    access_log_record(
        user=by,
        action=AccessAction.EXPORT,
        request=request,
        person_id=document.person_id,
        detail=f"downloaded document {document.pk}: {document.description}"[:500],
    )
    return storages["documents"].open(document.file.storage_name, "rb")


def template_body(kind: str) -> str:
    saved = LetterTemplate.objects.filter(key=kind).values_list("body", flat=True).first()
    return saved if saved is not None else letters.DEFAULT_BODIES[kind]


@transaction.atomic
def letter_template_save(*, key: str, body: str, by: Any, version: int) -> LetterTemplate:
    """An administrator's wording of a letter, checked before it is kept (``version`` is the
    one they started from: 0 for the wording Haven comes with)."""
    service_require(by, Capability.MANAGE_TEMPLATES, field="body")
    if key not in TemplateKind.values:
        raise ValidationError("No such letter template")
    letters.validate_template(body)
    existing = LetterTemplate.objects.filter(key=key).first()
    if existing is None:
        if version:
            raise ConflictError("The template was reset by someone else: check it and save again")
        try:
            with transaction.atomic():
                return LetterTemplate.objects.create(key=key, body=body, updated_by=by)
        except IntegrityError as exc:
            raise ConflictError(
                "Someone else saved this template first: check it as it is now and save again"
            ) from exc
    update_with_version(LetterTemplate, existing.pk, version, body=body, updated_by=by)
    return LetterTemplate.objects.get(pk=existing.pk)
