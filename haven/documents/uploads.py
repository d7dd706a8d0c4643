"""An upload handler that stops reading a file once it passes the size limit, so a huge upload
is neither kept in memory nor written to disk; the view then says it was too large."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler


def max_upload_bytes() -> int:
    return int(settings.HAVEN_DOCUMENT_MAX_MB) * 1024 * 1024


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Files go to a temporary file (never memory); one larger than the limit is skipped and
    ``request.upload_too_large`` set."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            if self.request is not None:
                self.request.upload_too_large = True  # type: ignore[attr-defined]
            self.file.close()
            raise SkipFile()
        return super().receive_data_chunk(raw_data, start)
