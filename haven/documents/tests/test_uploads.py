"""Hostile uploads through the upload page: each is refused with a message saying what was
wrong, beside the file field, and nothing is stored."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from haven.documents.models import Document, StoredFile
from haven.documents.tests.conftest import PDF, PNG, docx_bytes, upload

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)


def zip_bomb() -> bytes:
    """A .docx whose one part unpacks to 20 MB of zeros from a few kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * 20_000_000)
    return buffer.getvalue()


def post(client: Any, person: Any, name: str, content: bytes, **extra: Any) -> Any:
    return client.post(
        f"/documents/{person.pk}/upload/",
        {
            "up-file": upload(name, content),
            "up-category": "other",
            "up-document_date": "2026-11-02",
            "up-description": "From the school",
            **extra,
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", EXECUTABLE, "The file is named .pdf but it is a program"),
        ("setup.exe", EXECUTABLE, ".exe files are not accepted"),
        (
            "drawing.svg",
            SVG_WITH_SCRIPT,
            "SVG images are not accepted because they can contain scripts",
        ),
        ("drawing.png", SVG_WITH_SCRIPT, "The file is named .png but it is an SVG image"),
        ("letter.docx", PDF, "The file is named .docx but its content is a PDF"),
        ("photo.jpg", PDF, "The file is named .jpg but its content is a PDF"),
        ("minutes.docx", zip_bomb(), "it looks like a zip bomb"),
        ("minutes.docm", docx_bytes(), "Files with macros (.docm) are not accepted"),
        ("minutes.docx", docx_bytes({"word/vbaProject.bin": b"x"}), "contains macros"),
        ("empty.txt", b"", "The file is empty"),
        ("notes", b"hello", "Files without an extension such as .pdf are not accepted"),
    ],
)
def test_a_hostile_upload_is_refused_with_a_clear_message(as_worker, child, name, content, message):
    response = post(as_worker, child, name, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page.replace("&#x27;", "'")
    assert "There is a problem" in page
    assert not StoredFile.objects.exists()
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused_by_the_upload_handler(as_worker, child, settings):
    settings.HAVEN_DOCUMENT_MAX_MB = 1
    response = post(as_worker, child, "scan.pdf", PDF + b"0" * (2 * 1024 * 1024))
    assert response.status_code == 400
    assert "The file must be smaller than 1 MB" in response.content.decode()
    assert not StoredFile.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("scan.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        (
            "plan.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("notes.txt", "Zoë said she was happy\n".encode(), "text/plain"),
    ],
)
def test_an_allowed_file_is_added(as_worker, child, name, content, content_type):
    response = post(as_worker, child, name, content)
    assert response.status_code == 302
    document = Document.objects.get(person=child)
    assert document.file.content_type == content_type
    assert document.file.original_name == name


def test_no_file_chosen_says_so(as_worker, child):
    response = as_worker.post(
        f"/documents/{child.pk}/upload/",
        {"up-category": "", "up-document_date": "", "up-description": ""},
    )
    page = response.content.decode()
    assert response.status_code == 400
    for message in ("Choose a file to upload", "Choose a category", "Enter a description"):
        assert message in page
