"""Is an uploaded file safe to keep? Checked from its content, never from its name alone.

The file's first bytes say what it is (its "magic number"); that kind must be on the allow-list
and agree with the name's extension. Office files that are zip archives are opened and looked
at (a zip bomb, or macros, is refused); SVG is refused outright (it can carry script). The
signatures are a short table here rather than a library: the allow-list is short, and each
entry is then exactly what Haven accepts. Each refusal says what was wrong, in words.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, Excel 97-2003, Outlook .msg
ZIP = b"PK\x03\x04"

# What the content can be, by its first bytes.
SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (OLE, "ole"),
    (ZIP, "zip"),
    (b"MZ", "program"),
    (b"\x7fELF", "program"),
    (b"#!", "script"),
]

KIND_NAMES = {
    "pdf": "a PDF",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "webp": "a WebP image",
    "ole": "an older Office file (Word, Excel or Outlook)",
    "docx": "a Word document",
    "xlsx": "an Excel workbook",
    "zip": "a zip archive",
    "text": "plain text",
    "program": "a program",
    "script": "a script",
    "svg": "an SVG image",
    "html": "a web page",
    "unknown": "of a kind Haven does not accept",
}


@dataclass(frozen=True)
class Accepted:
    kind: str  # the content's kind (pdf, png, ...)
    content_type: str  # sent with the download


# Extension -> (the content kind it must have, the content type sent with the download).
ALLOWED: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "application/pdf"),
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "gif": ("gif", "image/gif"),
    "webp": ("webp", "image/webp"),
    "doc": ("ole", "application/msword"),
    "xls": ("ole", "application/vnd.ms-excel"),
    "msg": ("ole", "application/vnd.ms-outlook"),
    "docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "txt": ("text", "text/plain"),
}
ACCEPTED_LIST = "PDF, PNG, JPEG, GIF or WebP images, Word (.doc, .docx), Excel (.xls, .xlsx), Outlook messages (.msg) and plain text (.txt)"

MACRO_EXTENSIONS = {"docm", "xlsm", "dotm", "xltm", "xlsb", "pptm"}
# A zip-based Office file is refused if it would unpack to more than this, or if any member
# unpacks to more than RATIO times its compressed size (how a zip bomb is made).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 5000
HEAD_BYTES = 4096


def extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def sniff(head: bytes) -> str:
    """The kind of content, from its first bytes."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    lowered = head[:HEAD_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in lowered[:1024] or (lowered.startswith(b"<?xml") and b"<svg" in lowered):
        return "svg"
    if lowered.startswith((b"<!doctype html", b"<html", b"<script")):
        return "html"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of what was read is still text.
            if exc.start < len(head) - 4:
                return "unknown"
        return "text"
    return "unknown"


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _check_office_zip(file: IO[bytes], ext: str) -> str:
    """docx or xlsx, after looking inside; refuses a zip bomb or macros."""
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(f"The file is not a readable .{ext} file: it is damaged") from exc
    if len(members) > MAX_MEMBERS:
        raise _refuse(f"The .{ext} file holds too many parts ({len(members)}) to be a document")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse(
            f"The .{ext} file would unpack to {unpacked // (1024 * 1024)} MB, more than an "
            "Office document should: it looks like a zip bomb and was not stored"
        )
    for member in members:
        if (
            member.file_size > MAX_RATIO * max(member.compress_size, 1)
            and member.file_size > 1_000_000
        ):
            raise _refuse(
                f"The .{ext} file is compressed far more than an Office document can be: it "
                "looks like a zip bomb and was not stored"
            )
    names = {m.filename for m in members}
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refuse(
            f"The .{ext} file contains macros, which Haven does not accept: save it without "
            "macros and upload it again"
        )
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


def check_file(file: IO[bytes], *, name: str, size: int, max_bytes: int) -> Accepted:
    """What the file is, if Haven may keep it; else a ValidationError on ``file`` saying why."""
    ext = extension(name)
    if size > max_bytes:
        raise _refuse(f"The file must be smaller than {max_bytes // (1024 * 1024)} MB")
    if size == 0:
        raise _refuse("The file is empty")
    if ext == "svg":
        raise _refuse(
            "SVG images are not accepted because they can contain scripts: save it as a PNG "
            "or a PDF and upload that"
        )
    if ext in MACRO_EXTENSIONS:
        raise _refuse(
            f"Files with macros (.{ext}) are not accepted: save it as .docx or .xlsx without "
            "macros and upload that"
        )
    if ext not in ALLOWED:
        shown = f".{ext} files" if ext else "Files without an extension such as .pdf"
        raise _refuse(f"{shown} are not accepted. The file must be {ACCEPTED_LIST}")
    file.seek(0)
    head = file.read(HEAD_BYTES)
    kind = sniff(head)
    if kind == "zip":
        kind = _check_office_zip(file, ext)
    if kind == "ole" and (OLE_MACROS in _read_all(file)):
        raise _refuse(
            f"The .{ext} file contains macros, which Haven does not accept: save it without "
            "macros and upload it again"
        )
    file.seek(0)
    wanted, content_type = ALLOWED[ext]
    if kind in {"svg", "html", "program", "script"}:
        raise _refuse(
            f"The file is named .{ext} but it is {KIND_NAMES[kind]}, which Haven does not accept"
        )
    if kind != wanted:
        raise _refuse(
            f"The file is named .{ext} but its content is {KIND_NAMES.get(kind, KIND_NAMES['unknown'])}: "
            "choose the right file, or save it in the format its name says"
        )
    return Accepted(kind=kind, content_type=content_type)


# The storage a Word or Excel 97-2003 file keeps its macros in, as named (UTF-16) in its
# directory.
OLE_MACROS = "_VBA_PROJECT".encode("utf-16-le")


def _read_all(file: IO[bytes]) -> bytes:
    file.seek(0)
    return file.read()
