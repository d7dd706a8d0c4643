"""The child's page: the frame every page about one person shares.

A view decorated with ``@person_page(...)`` receives the person, already checked against
need-to-know (404 and an access-log row if not entitled), followed to the record it was merged
into, and with the capabilities it ``needs`` checked; ``render_person_page`` draws it under the
identity bar with the person's tabs.

The tabs come from a registry: each package registers its own in its app's ``ready()``::

    register_tab(label="Chronology", url_name="chronology:person_chronology", order=20)
    register_tab(label="Access and changes", url_name="people:access_log", order=90,
                 capability=Capability.SEE_ACCESS_LOG)

A tab's URL takes the person's id as its only argument. The people package registers how a
person is loaded for a user (``register_person_loader``), so this frame needs no import of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Protocol

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from haven.accounts.permissions import Capability, require, user_can
from haven.core.models import AccessAction

PersonView = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Tab:
    label: str
    url_name: str  # reversed with the person's id
    order: int
    capability: Capability | None = None  # shown only to users who have it
    # Shown only for people it applies to (a looked-after child's health): ``applies(person)``.
    # Tabs sharing one predicate share its answer, so a page asks once.
    applies: Callable[[Any], bool] | None = None


_tabs: dict[str, Tab] = {}


def register_tab(
    *,
    label: str,
    url_name: str,
    order: int,
    capability: Capability | None = None,
    applies: Callable[[Any], bool] | None = None,
) -> None:
    """Add a tab to every person's page, or to those ``applies(person)`` says (registering the
    same URL name again replaces it)."""
    _tabs[url_name] = Tab(
        label=label, url_name=url_name, order=order, capability=capability, applies=applies
    )


def registered_tabs() -> list[Tab]:
    return sorted(_tabs.values(), key=lambda tab: (tab.order, tab.label))


def person_tabs(person: Any, user: Any) -> list[tuple[str, str]]:
    """(label, URL) of the tabs ``user`` may see on ``person``'s page, in order."""
    answers: dict[Callable[[Any], bool], bool] = {}

    def applies(tab: Tab) -> bool:
        if tab.applies is None:
            return True
        if tab.applies not in answers:
            answers[tab.applies] = tab.applies(person)
        return answers[tab.applies]

    return [
        (tab.label, reverse(tab.url_name, args=[person.pk]))
        for tab in registered_tabs()
        if (tab.capability is None or user_can(user, tab.capability)) and applies(tab)
    ]


class PersonLoader(Protocol):
    def __call__(
        self,
        *,
        user: Any,
        person_id: int,
        request: HttpRequest | None,
        action: AccessAction,
        detail: str,
        logged: bool,
    ) -> Any:
        """The person if ``user`` may see them (the read is logged if ``logged``), else Http404
        (always logged)."""


_loader: list[PersonLoader] = []


def register_person_loader(loader: PersonLoader) -> None:
    _loader[:] = [loader]


def person_page(
    *needs: Capability,
    action: AccessAction = AccessAction.VIEW,
    detail: str = "",
) -> Callable[[PersonView], Callable[..., HttpResponse]]:
    """Load the person through the access selector (404 and an audit row if not entitled),
    follow a merged record to the one it was merged into, and check the user's capabilities
    (``needs``; any POST also needs WRITE_RECORDS). Only a GET is logged as a view (or as
    ``action``): a POST is a change, and the audit trail has it."""

    def decorate(view: PersonView) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: Any, person_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                person = _loader[0](
                    user=request.user,
                    person_id=person_id,
                    request=request,
                    action=action,
                    detail=detail,
                    logged=request.method in ("GET", "HEAD"),
                )
            except Http404:
                return render(
                    request, "people/not_found.html", {"person_id": person_id}, status=404
                )
            if person.merged_into_id:
                messages.info(request, f"Record {person.pk} was merged into this record")
                return redirect("people:person_detail", person_id=person.merged_into_id)
            for capability in needs:
                require(request.user, capability)
            if request.method == "POST":
                require(request.user, Capability.WRITE_RECORDS)
            return view(request, person, *args, **kwargs)

        return wrapper

    return decorate


def render_person_page(
    request: Any, person: Any, template: str, status: int = 200, **context: Any
) -> HttpResponse:
    """``template`` (extending ``people/_person_base.html``) with the person and their tabs."""
    return render(
        request,
        template,
        {"person": person, "tabs": person_tabs(person, request.user), **context},
        status=status,
    )
