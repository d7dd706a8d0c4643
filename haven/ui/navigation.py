"""The links in the header: a registry, so each part of the service adds its own.

Each package registers its links in its app's ``ready()``, with the capability that shows them::

    register_nav_link(label="Performance", url_name="performance:front_door", order=40,
                      capability=Capability.VIEW_FIGURES)

A link is the current section (highlighted, ``aria-current``) on every page whose URL is in one
of its ``sections``: URL namespaces (``"performance"``) or view names (``"people:search"``);
by default its own URL's namespace; only one link is highlighted, a link naming the view itself
before one naming its namespace. ``shown`` adds a test beyond the capability (the MASH inbox
is for members of a front-door team); ``badge`` names a template variable shown after the label
(``Alerts (3)``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from haven.accounts.permissions import Capability, user_can


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    order: int
    capability: Capability | None = None  # None: everyone signed in
    shown: Callable[[Any], bool] | None = None  # given the user, beyond the capability
    sections: tuple[str, ...] = ()
    testid: str = ""
    badge: str = ""  # a template variable, e.g. "unread_alerts"

    def is_section(self, namespace: str, view_name: str) -> bool:
        return self.section_match(namespace, view_name) > 0

    def section_match(self, namespace: str, view_name: str) -> int:
        """How closely the page is in this link's section: 2 if a section names its view,
        1 if one names its namespace, 0 if neither."""
        sections = self.sections or (self.url_name.rpartition(":")[0],)
        if view_name and view_name in sections:
            return 2
        return 1 if namespace and namespace in sections else 0


@dataclass(frozen=True)
class ShownLink:
    label: str
    url: str
    active: bool  # the current section
    current: bool  # this very page
    testid: str


_links: dict[str, NavLink] = {}


def register_nav_link(
    *,
    label: str,
    url_name: str,
    order: int,
    capability: Capability | None = None,
    shown: Callable[[Any], bool] | None = None,
    sections: tuple[str, ...] = (),
    testid: str = "",
    badge: str = "",
) -> None:
    """Add a header link (registering the same URL name again replaces it)."""
    _links[url_name] = NavLink(
        label=label,
        url_name=url_name,
        order=order,
        capability=capability,
        shown=shown,
        sections=sections,
        testid=testid,
        badge=badge,
    )


def registered_links() -> list[NavLink]:
    return sorted(_links.values(), key=lambda link: (link.order, link.url_name))


def header_links(request: HttpRequest, badges: Mapping[str, Any] | None = None) -> list[ShownLink]:
    """The links ``request.user`` may follow, in order, with the current section marked;
    ``badges`` are the values of the links' badge variables."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    view_name = match.view_name if match else ""
    allowed = [
        link
        for link in registered_links()
        if (link.capability is None or user_can(user, link.capability))
        and (link.shown is None or link.shown(user))
    ]
    # One section is highlighted: the link naming this very view, else the first naming its
    # namespace (Annex A, not Performance too, on the Annex A page).
    matches = [link.section_match(namespace, view_name) for link in allowed]
    best = max(matches, default=0)
    active_at = matches.index(best) if best else -1
    shown = []
    for i, link in enumerate(allowed):
        url = reverse(link.url_name)
        shown.append(
            ShownLink(
                label=(
                    f"{link.label} ({(badges or {}).get(link.badge) or 0})"
                    if link.badge
                    else link.label
                ),
                url=url,
                active=i == active_at,
                current=url == request.path,
                testid=link.testid,
            )
        )
    return shown
