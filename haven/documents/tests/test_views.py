"""The documents tab, the download view (headers, need-to-know, access log) and the letter
templates pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from conftest import client_for
from haven.core.models import AccessLog
from haven.documents import services
from haven.documents.models import Document, LetterTemplate
from haven.documents.tests.conftest import PNG, upload

pytestmark = pytest.mark.django_db


def _photo(person: Any, by: Any, siblings: list[Any] | None = None) -> Any:
    return services.document_upload(
        person=person,
        by=by,
        upload=upload("bedroom.png", PNG),
        category="photo",
        document_date=datetime.date(2026, 11, 2),
        description="Photo of the bedroom",
        siblings=siblings or [],
    )[0]


def test_the_download_is_an_attachment_with_nosniff_and_is_logged(as_worker, worker, child):
    document = _photo(child, worker)
    response = as_worker.get(f"/documents/{child.pk}/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="bedroom.png"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PNG
    log = AccessLog.objects.get(person_id=child.pk, user=worker, action="export")
    assert f"downloaded document {document.pk}" in log.detail


def test_an_outsider_gets_404_and_a_refused_access_row(as_outsider, outsider, worker, child):
    document = _photo(child, worker)
    response = as_outsider.get(f"/documents/{child.pk}/{document.pk}/")
    assert response.status_code == 404
    assert (
        AccessLog.objects.filter(person_id=child.pk, user=outsider, action="refused").count() == 1
    )
    assert not AccessLog.objects.filter(user=outsider, action="export").exists()


def test_a_document_is_only_downloaded_through_its_own_child(as_worker, worker, child, make_child):
    other = make_child(given_names="Dana")  # the worker may see Dana too
    document = _photo(child, worker)
    assert as_worker.get(f"/documents/{other.pk}/{document.pk}/").status_code == 404


def test_a_restricted_childs_documents_follow_the_child(as_worker, worker, manager, child):
    from haven.people.services import person_restrict

    document = _photo(child, worker)
    person_restrict(person=child, by=manager, named_users=[])
    assert as_worker.get(f"/documents/{child.pk}/{document.pk}/").status_code == 404


def test_the_tab_lists_siblings_documents_in_a_fixed_number_of_queries(
    as_worker, worker, siblings, django_assert_max_num_queries
):
    child, brother, _sister = siblings
    _photo(child, worker, [brother])
    page = as_worker.get(f"/documents/{brother.pk}/").content.decode()
    assert "Photo of the bedroom" in page
    assert "bedroom.png" in page
    # The upload form offers the brothers and sisters the worker may see.
    assert "Cara Smith" in page and "John Smith" in page
    with django_assert_max_num_queries(30) as one:
        as_worker.get(f"/documents/{child.pk}/")
    for _ in range(5):
        _photo(child, worker)
    with django_assert_max_num_queries(30) as many:
        as_worker.get(f"/documents/{child.pk}/")
    assert len(many.captured_queries) == len(one.captured_queries)


def test_producing_a_letter_from_the_tab(as_worker, child):
    response = as_worker.post(
        f"/documents/{child.pk}/produce/", {"gen-kind": "conference_invitation"}
    )
    assert response.status_code == 302
    page = as_worker.get(f"/documents/{child.pk}/").content.decode()
    assert "Conference invitation" in page
    response = as_worker.post(f"/documents/{child.pk}/produce/", {"gen-kind": "nonsense"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_an_administrator_words_a_template_and_a_mistake_is_explained(make_user):
    admin = client_for(make_user("administrator", team=None))
    listing = admin.get("/documents/templates/")
    assert listing.status_code == 200
    assert "Court chronology" in listing.content.decode()
    page = admin.get("/documents/templates/outcome_letter/")
    assert "{{ child.name }}" in page.content.decode()

    refused = admin.post(
        "/documents/templates/outcome_letter/",
        {"body": "{{ settings.SECRET_KEY }}", "version": "0"},
    )
    assert refused.status_code == 400
    assert "Line 1: {{ settings }} is not something a letter can use" in refused.content.decode()
    assert not LetterTemplate.objects.exists()

    saved = admin.post(
        "/documents/templates/outcome_letter/",
        {"body": "<p>Dear {{ referral.referrer_name }}</p>", "version": "0"},
    )
    assert saved.status_code == 302
    assert LetterTemplate.objects.get().body == "<p>Dear {{ referral.referrer_name }}</p>"


def test_workers_cannot_edit_templates(as_worker):
    assert as_worker.get("/documents/templates/").status_code == 403
    assert (
        as_worker.post(
            "/documents/templates/outcome_letter/", {"body": "x", "version": "0"}
        ).status_code
        == 403
    )


def test_the_upload_still_checks_the_csrf_token(worker, child):
    """The upload view installs its size-limited handler before CSRF reads the body, so it is
    exempt from the middleware and checks the token itself."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(worker)
    response = client.post(
        f"/documents/{child.pk}/upload/",
        {
            "up-file": upload("a.txt", b"hello"),
            "up-category": "other",
            "up-document_date": "2026-11-02",
            "up-description": "A note",
        },
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_an_administrator_saving_over_anothers_change_is_told(make_user):
    first = client_for(make_user("administrator", team=None))
    second = client_for(make_user("administrator", team=None))
    url = "/documents/templates/plan_summary/"
    assert first.post(url, {"body": "<p>First</p>", "version": "0"}).status_code == 302
    response = second.post(url, {"body": "<p>Second</p>", "version": "0"})
    assert response.status_code == 400
    assert "Someone else saved this template while you were editing" in response.content.decode()
    assert LetterTemplate.objects.get().body == "<p>First</p>"
    # Saving again, having seen it, applies the second wording.
    page = response.content.decode()
    assert 'name="version" value="1"' in page
    assert second.post(url, {"body": "<p>Second</p>", "version": "1"}).status_code == 302
    assert LetterTemplate.objects.get().body == "<p>Second</p>"
