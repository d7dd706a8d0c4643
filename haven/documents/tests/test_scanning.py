"""The virus-scan hook, against a small real socket server started by the test that speaks
clamd's INSTREAM protocol (clamav-daemon is not installed here): it reads ``zINSTREAM\\0``,
then chunks each preceded by a four-byte big-endian length, ending with a zero length, and
answers ``stream: OK`` or ``stream: Eicar-Test-Signature FOUND`` as clamd does."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from haven.documents.models import StoredFile
from haven.documents.tests.test_uploads import post

pytestmark = pytest.mark.django_db

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _serve_one(conn: socket.socket, received: list[bytes]) -> None:
    with conn:
        command = b""
        while not command.endswith(b"\0"):
            command += conn.recv(1)
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            (length,) = struct.unpack(">I", conn.recv(4, socket.MSG_WAITALL))
            if length == 0:
                break
            data += conn.recv(length, socket.MSG_WAITALL)
        received.append(data)
        found = EICAR in data
        conn.sendall(b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0")


@pytest.fixture
def clamd(tmp_path: Path, settings: Any) -> Iterator[list[bytes]]:
    path = str(tmp_path / "clamd.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)
    server.settimeout(10)
    received: list[bytes] = []

    def run() -> None:
        try:
            while True:
                conn, _ = server.accept()
                _serve_one(conn, received)
        except OSError:
            return

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    settings.HAVEN_CLAMD_SOCKET = path
    yield received
    server.close()


def test_a_clean_file_is_streamed_to_clamd_and_stored(as_worker, child, clamd):
    content = b"%PDF-1.4\n" + b"a" * 200_000  # more than one chunk
    response = post(as_worker, child, "scan.pdf", content)
    assert response.status_code == 302
    assert clamd == [content]
    assert StoredFile.objects.count() == 1


def test_a_file_clamd_finds_a_virus_in_is_refused(as_worker, child, clamd):
    response = post(as_worker, child, "notes.txt", EICAR)
    assert response.status_code == 400
    assert (
        "The virus scanner found Eicar-Test-Signature in the file, so it was not stored"
        in response.content.decode()
    )
    assert not StoredFile.objects.exists()


def test_an_unreachable_scanner_refuses_the_file(as_worker, child, settings, tmp_path):
    settings.HAVEN_CLAMD_SOCKET = str(tmp_path / "nobody-listening.sock")
    response = post(as_worker, child, "notes.txt", b"hello")
    assert response.status_code == 400
    assert "the virus scanner is not answering, so it was not stored" in response.content.decode()
    assert not StoredFile.objects.exists()
