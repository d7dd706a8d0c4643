"""Where each user lands after signing in: a registry, so each part of the service offers its page.

Each package registers the page that is a user's work, with a test of who it is for, in its
app's ``ready()``::

    register_landing(url_name="frontdoor:inbox", order=30, applies=in_team_of_kind("front_door"))

``/`` sends a user to the first page (by ``order``) that applies to them and whose URL exists
(a part of the service not installed is skipped), else to a short page of their links. The
tests are capabilities and team membership, never roles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Landing:
    url_name: str
    order: int
    applies: Callable[[Any], bool]


_landings: dict[tuple[int, str], Landing] = {}

FALLBACK = "work:start"


def register_landing(*, url_name: str, order: int, applies: Callable[[Any], bool]) -> None:
    """Offer ``url_name`` as the landing page of users for whom ``applies(user)``; registering
    the same URL name at the same order again replaces it."""
    _landings[(order, url_name)] = Landing(url_name=url_name, order=order, applies=applies)


def registered_landings() -> list[Landing]:
    return [_landings[key] for key in sorted(_landings)]


def landing_url_name(user: Any) -> str:
    for landing in registered_landings():
        if not landing.applies(user):
            continue
        try:
            reverse(landing.url_name)
        except NoReverseMatch:
            continue
        return landing.url_name
    return FALLBACK


def team_kinds(user: Any) -> set[str]:
    """The kinds of the user's teams, read once per request."""
    cached = getattr(user, "_haven_team_kinds", None)
    if cached is None:
        cached = set(user.memberships.values_list("team__kind", flat=True))
        user._haven_team_kinds = cached
    return cached


def in_team_of_kind(kind: str) -> Callable[[Any], bool]:
    """A test for ``applies`` or a header link's ``shown``: the user is in a team of ``kind``."""

    def test(user: Any) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and kind in team_kinds(user)

    test.__name__ = f"in_{kind}_team"
    return test
