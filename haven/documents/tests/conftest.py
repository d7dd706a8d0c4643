from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haven.people.models import Relationship, RelationshipType


@pytest.fixture(autouse=True)
def _no_virus_scanner(settings: Any) -> None:
    """No scanner unless a test starts one (the root conftest keeps files in tmp_path)."""
    settings.HAVEN_CLAMD_SOCKET = ""


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def docx_bytes(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def siblings(make_child: Any, child: Any) -> list[Any]:
    """``child`` and two brothers, all held by the worker's team."""
    brother = make_child(given_names="Ben")
    sister = make_child(given_names="Cara")
    for other in (brother, sister):
        Relationship.objects.create(
            person=other, relative_of=child, relationship_type=RelationshipType.SIBLING
        )
    return [child, brother, sister]
