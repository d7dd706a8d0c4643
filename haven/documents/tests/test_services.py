"""Documents and letters, on PostgreSQL: one stored file for siblings, need-to-know on siblings,
letters and the court chronology as PDFs read back, administrators' templates checked."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from pypdf import PdfReader

from haven.core.models import AccessLog
from haven.core.versioning import ConcurrentEditError
from haven.documents import services
from haven.documents.models import Document, StoredFile, TemplateKind
from haven.documents.tests.conftest import PNG, upload
from haven.people.services import person_restrict

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 2)


def pdf_text(document: Document) -> str:
    with storages["documents"].open(document.file.storage_name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _upload(person, by, siblings=(), name="visit.png", content=PNG):
    return services.document_upload(
        person=person,
        by=by,
        upload=upload(name, content),
        category="photo",
        document_date=DAY,
        description="Photo of the children's bedroom",
        siblings=list(siblings),
    )


def test_a_photo_uploaded_for_three_siblings_is_stored_once_and_on_each_record(siblings, worker):
    child, brother, sister = siblings
    documents = _upload(child, worker, [brother, sister])

    assert {d.person_id for d in documents} == {child.pk, brother.pk, sister.pk}
    assert StoredFile.objects.count() == 1
    stored = StoredFile.objects.get()
    assert stored.original_name == "visit.png"
    assert stored.content_type == "image/png"
    # Stored under a random name, never the one the user gave.
    assert "visit" not in stored.storage_name
    with storages["documents"].open(stored.storage_name, "rb") as handle:
        assert handle.read() == PNG


def test_a_restricted_sibling_cannot_be_given_the_document(siblings, worker, manager):
    child, brother, sister = siblings
    person_restrict(person=sister, by=manager, named_users=[])
    with pytest.raises(ValidationError) as refused:
        _upload(child, worker, [brother, sister])
    assert "only to children you can see" in str(refused.value)
    assert not Document.objects.exists()
    assert not StoredFile.objects.exists()


def test_a_refused_file_stores_nothing(child, worker):
    with pytest.raises(ValidationError):
        _upload(child, worker, name="visit.pdf")  # PNG content named .pdf
    assert not StoredFile.objects.exists()
    assert not [p for p in Path(storages["documents"].path("")).rglob("*") if p.is_file()]


def test_the_court_chronology_is_a_pdf_of_the_chronology_in_the_courts_columns(child, worker):
    document = services.document_generate(
        person=child, by=worker, kind=TemplateKind.COURT_CHRONOLOGY
    )

    assert document.category == "court"
    assert document.file.content_type == "application/pdf"
    text = pdf_text(document)
    for column in ("Date", "Event", "Source", "Significance"):
        assert column in text
    # The record's creation is the first chronology entry: read from the chronology, not typed.
    first = child.chronology_events.order_by("occurred_on", "id").first()
    assert first.text.split()[0] in text
    assert child.full_name in text
    log = AccessLog.objects.get(person_id=child.pk, action="print")
    assert "court chronology" in log.detail


def test_a_letter_uses_the_administrators_wording(child, worker, make_user):
    admin = make_user("administrator", team=None)
    services.letter_template_save(
        key=TemplateKind.PLAN_SUMMARY,
        body="<p>Dear family of {{ child.name }}, your worker is {{ worker.name }}.</p>",
        by=admin,
        version=0,
    )
    document = services.document_generate(person=child, by=worker, kind=TemplateKind.PLAN_SUMMARY)
    text = pdf_text(document)
    assert f"Dear family of {child.full_name}" in text
    assert document.category == "letter"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{% load static %}", "the tag {% load %} cannot be used"),
        ("{% include 'ui/base.html' %}", "the tag {% include %} cannot be used"),
        ("{% debug %}", "the tag {% debug %} cannot be used"),
        ("<p>{{ settings.SECRET_KEY }}</p>", "{{ settings }} is not something a letter can use"),
        ("{% if child.name %}no end", "cannot be used"),
        ("{{ child.name|date:}}", "cannot"),
        ("   ", "Enter the template's wording"),
    ],
)
def test_a_template_that_reaches_too_far_or_would_not_render_is_refused(make_user, body, message):
    admin = make_user("administrator", team=None)
    with pytest.raises(ValidationError) as refused:
        services.letter_template_save(
            key=TemplateKind.OUTCOME_LETTER, body=body, by=admin, version=0
        )
    assert message in " ".join(refused.value.messages)


def test_only_administrators_word_templates(worker):
    with pytest.raises(ValidationError) as refused:
        services.letter_template_save(
            key=TemplateKind.OUTCOME_LETTER, body="<p>Hello</p>", by=worker, version=0
        )
    assert "administrators" in str(refused.value)


def test_two_administrators_saving_at_once_do_not_overwrite_each_other(make_user):
    admin = make_user("administrator", team=None)
    first = services.letter_template_save(
        key=TemplateKind.OUTCOME_LETTER, body="<p>One</p>", by=admin, version=0
    )
    # The second started from Haven's wording, before the first saved.
    with pytest.raises(ConcurrentEditError):
        services.letter_template_save(
            key=TemplateKind.OUTCOME_LETTER, body="<p>Two</p>", by=admin, version=0
        )
    services.letter_template_save(
        key=TemplateKind.OUTCOME_LETTER, body="<p>Three</p>", by=admin, version=first.version
    )
    with pytest.raises(ConcurrentEditError):
        services.letter_template_save(
            key=TemplateKind.OUTCOME_LETTER, body="<p>Four</p>", by=admin, version=first.version
        )
    assert services.template_body(TemplateKind.OUTCOME_LETTER) == "<p>Three</p>"


def test_a_letter_names_only_family_the_worker_may_see(child, worker, manager):
    from haven.documents.selectors import letter_context
    from haven.people.models import Person, PersonKind, Relationship

    mother = Person.objects.create(given_names="Mary", family_name="Smith", kind=PersonKind.ADULT)
    hidden = Person.objects.create(
        given_names="Hidden", family_name="Smith", kind=PersonKind.ADULT, is_restricted=True
    )
    for adult in (mother, hidden):
        Relationship.objects.create(person=adult, relative_of=child, relationship_type="parent")
    context = letter_context(person=child, user=worker, with_chronology=False)
    assert [f["name"] for f in context["family"]] == ["Mary Smith"]
    assert context["child"]["name"] == child.full_name
