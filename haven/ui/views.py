"""Views that belong to no part of the service. ``healthz`` lives in haven.core (its middleware
answers it before anything else), so core never imports ui."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from haven.core.views import healthz

__all__ = ["healthz", "not_found", "not_found_heading"]

# "No such job", "No Assessment matches the given query." (get_object_or_404),
# "No record you are entitled to see", "No contact you are entitled to see".
_NO_THING = re.compile(
    r"^No (?:such )?(?P<thing>[\w ]+?)(?: matches the given query\.| you are entitled to see)?$"
)
# Model names get_object_or_404 may use, as people say them.
_THINGS = {"Person": "Record", "ContactChild": "Child on this contact"}


def not_found_heading(message: str) -> tuple[str, str]:
    """The 404 page's heading, and the message to show under it when it says more."""
    match = _NO_THING.match(message.strip()) if message else None
    if match is None:
        return "Page not found", message
    thing = match["thing"]
    thing = _THINGS.get(thing, re.sub(r"(?<=[a-z])(?=[A-Z])", " ", thing).lower())
    return f"{thing[:1].upper()}{thing[1:]} not found", ""


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 404 page says what was not found, using the message given to Http404."""
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    heading, detail = not_found_heading(message)
    return render(
        request,
        "404.html",
        {"heading": heading, "detail": detail, "request_path": request.path},
        status=404,
    )
