from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from haven.people.access import compiled_once_a_request


class NeedToKnowMiddleware:
    """A page names the people of several lists, each through need-to-know
    (``access.visible_names``): the rules are compiled once a request, not once a list."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with compiled_once_a_request():
            return self.get_response(request)
