"""The virus-scan hook: ClamAV's daemon, when ``HAVEN_CLAMD_SOCKET`` is set.

The file is streamed to clamd with its INSTREAM command (chunks, each preceded by its length
as four big-endian bytes, then a zero length) and clamd answers ``stream: OK`` or
``stream: <signature> FOUND``. A file is refused if something is found, and also if the scanner
cannot be reached or answers anything else: an unscanned file is never stored (fail closed).
"""

from __future__ import annotations

import socket
import struct
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError

CHUNK = 64 * 1024
TIMEOUT_SECONDS = 30

UNREACHABLE = (
    "The file could not be checked for viruses because the virus scanner is not answering, "
    "so it was not stored. Try again later, or tell the service desk if this goes on"
)


def _connect(address: str) -> socket.socket:
    if address.startswith("/") or not address.rsplit(":", 1)[-1].isdigit():
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT_SECONDS)
        sock.connect(address)
        return sock
    host, port = address.rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=TIMEOUT_SECONDS)


def clamd_instream(address: str, file: IO[bytes]) -> str:
    """clamd's answer for the file's content, e.g. ``stream: OK``. Raises OSError if clamd
    cannot be reached or stops answering."""
    file.seek(0)
    with _connect(address) as sock:
        sock.sendall(b"zINSTREAM\0")
        while chunk := file.read(CHUNK):
            sock.sendall(struct.pack(">I", len(chunk)) + chunk)
        sock.sendall(struct.pack(">I", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            data = sock.recv(4096)
            if not data:
                break
            reply += data
    file.seek(0)
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def virus_scan(file: IO[bytes]) -> None:
    """Refuse the file (a ValidationError on ``file``) if clamd finds a virus or cannot scan it.
    Does nothing when no scanner is configured."""
    address = settings.HAVEN_CLAMD_SOCKET
    if not address:
        return
    try:
        reply = clamd_instream(address, file)
    except OSError as exc:
        raise ValidationError({"file": UNREACHABLE}) from exc
    if reply.endswith("FOUND"):
        found = reply.removeprefix("stream:").removesuffix("FOUND").strip()
        raise ValidationError(
            {"file": f"The virus scanner found {found} in the file, so it was not stored"}
        )
    if not reply.endswith("OK"):
        raise ValidationError({"file": UNREACHABLE})
