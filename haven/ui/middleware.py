"""Page habits kept in one place rather than in every template."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# The error summary component (ui/components/error_summary.html) and the GOV.UK title rule:
# a page that shows one starts its title with "Error: ", so a screen reader hears it first.
_SUMMARY = b'class="govuk-error-summary"'
_TITLE = re.compile(rb"<title>(\s*)(?!Error: )")


def error_title(content: bytes) -> bytes:
    if _SUMMARY not in content:
        return content
    return _TITLE.sub(rb"<title>\1Error: ", content, count=1)


class ErrorTitleMiddleware:
    """Every HTML page showing an error summary gets the "Error: " title prefix, whatever its
    template's title block says (so no page has to remember it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and not response.has_header("Content-Encoding")
        ):
            response.content = error_title(response.content)
        return response
