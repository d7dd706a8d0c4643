from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.models import Team
from haven.accounts.permissions import Capability, require, requires
from haven.core.dates import long_date
from haven.core.models import AccessAction
from haven.core.services import access_log_listed, access_log_record
from haven.frontdoor import selectors, services
from haven.frontdoor.forms import (
    AssignForm,
    AuthoriseDecisionForm,
    CheckRequestForm,
    CheckResponseForm,
    ContactForm,
    DecisionForm,
)
from haven.frontdoor.models import Contact
from haven.people.search import likely_duplicates, person_search
from haven.ui import parsing
from haven.ui.actions import Action, Bound, action_form, error_forms, run_action
from haven.ui.forms import apply_errors, bound_form


def _front_door_teams(request: AuthenticatedRequest) -> list[Team]:
    """The user's front-door teams, if their role records contacts (else PermissionDenied)."""
    require(request.user, Capability.RECORD_CONTACTS)
    teams = selectors.front_door_teams(user=request.user)
    if not teams:
        raise PermissionDenied("The MASH inbox and contacts are for front-door teams")
    return teams


def contact_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Load the contact with the children the user may see (404 and an audit row if none).
    A POST acts on it, which is for the contact's own front-door team."""

    @wraps(view)
    def wrapper(
        request: AuthenticatedRequest, contact_id: int, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        try:
            contact = selectors.contact_get_for_user(
                user=request.user, contact_id=contact_id, request=request
            )
        except Http404:
            return render(
                request, "frontdoor/not_found.html", {"contact_id": contact_id}, status=404
            )
        if request.method == "POST":
            require(request.user, Capability.WRITE_RECORDS)
            if not selectors.contact_handled_by(request.user, contact):
                raise PermissionDenied("Only the contact's front-door team can act on it")
        return view(request, contact, *args, **kwargs)

    return wrapper


def inbox(request: AuthenticatedRequest) -> HttpResponse:
    teams = _front_door_teams(request)
    show = request.GET.get("show", "all")
    contacts = Paginator(selectors.mash_inbox(user=request.user, show=show), 50).get_page(
        request.GET.get("page")
    )
    access_log_listed(
        user=request.user,
        person_ids=[c.person_id for contact in contacts for c in contact.children.all()],
        request=request,
        detail="MASH inbox",
    )
    return render(
        request, "frontdoor/inbox.html", {"page_obj": contacts, "show": show, "teams": teams}
    )


def _matches(request: AuthenticatedRequest, query: str) -> list[Any]:
    if len(query.strip()) < 2:
        return []
    hits = [
        h
        for h in person_search(user=request.user, query=query, limit=10)
        if h.person.kind == "child"
    ]
    access_log_record(user=request.user, action=AccessAction.SEARCH, request=request, detail=query)
    access_log_listed(
        user=request.user,
        person_ids=[h.person.pk for h in hits],
        request=request,
        detail=f"contact matching: {query}",
    )
    return hits


@requires(Capability.SEARCH_PEOPLE)
def match(request: AuthenticatedRequest) -> HttpResponse:
    """Children matching what is typed, for linking to a contact (htmx fragment or page)."""
    _front_door_teams(request)
    # htmx sends the search box as "find"; a plain link may use "q".
    query, error = parsing.search_text(
        request.GET.get("find") or request.GET.get("q", ""), label="Find a child"
    )
    return render(
        request,
        "frontdoor/_matches.html",
        {"hits": _matches(request, query), "query": query, "error": error},
    )


def contact_create(request: AuthenticatedRequest) -> HttpResponse:
    teams = _front_door_teams(request)
    require(request.user, Capability.WRITE_RECORDS)
    form = bound_form(ContactForm, request)
    linked = selectors.children_findable(
        user=request.user, person_ids=form.linked_ids() if form.is_bound else []
    )
    query, error = parsing.search_text(
        request.POST.get("find", "") if request.method == "POST" else "", label="Find a child"
    )
    if error:
        form.add_error(None, error)
    hits = _matches(request, query) if query else []
    duplicates: list[Any] = []
    if request.method == "POST" and "save" in request.POST and form.is_valid():
        new_children = form.new_children()
        if not form.errors and "confirm_new" not in request.POST:
            for child in new_children:
                duplicates += likely_duplicates(
                    user=request.user,
                    given_names=child["given_names"],
                    family_name=child["family_name"],
                    date_of_birth=child["date_of_birth"],
                )
            access_log_listed(
                user=request.user,
                person_ids=[d.person.pk for d in duplicates],
                request=request,
                detail="duplicate check",
            )
        if not form.errors and not duplicates:
            data = form.cleaned_data
            try:
                contact = services.contact_create(
                    by=request.user,
                    team=teams[0],
                    received_at=form.received_at(),
                    channel=data["channel"],
                    source=data["source"],
                    summary=data["summary"],
                    consent=data["consent"],
                    consent_basis=data["consent_basis"],
                    concerns=data["concerns"],
                    urgency=data["urgency"],
                    referrer={
                        k: data[f"referrer_{k}"]
                        for k in ("name", "agency", "role", "phone", "email")
                    },
                    children=list(linked),
                    new_children=new_children,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Contact {contact.pk} recorded: decision due {contact.decision_due:%A} {long_date(contact.decision_due)}",
                )
                return redirect("frontdoor:contact_detail", contact_id=contact.pk)
    return render(
        request,
        "frontdoor/contact_create.html",
        {
            "form": form,
            "linked": linked,
            "hits": hits,
            "query": query,
            "duplicates": duplicates,
        },
    )


def _actions(request: AuthenticatedRequest, contact: Contact) -> dict[str, Action]:
    """What can be done on a contact page; the target is the check or child acted on."""
    by = request.user
    return {
        "check-request": Action(
            form=CheckRequestForm,
            prefix="check",
            do=lambda _, d: services.mash_check_request(contact=contact, by=by, **d),
            success="Check requested",
        ),
        "check-respond": Action(
            form=CheckResponseForm,
            prefix=lambda check: f"r{check.pk}",
            do=lambda check, d: services.mash_check_respond(
                check=check, by=by, response=d["response"]
            ),
            success="Response recorded",
        ),
        "decide": Action(
            form=DecisionForm,
            prefix=lambda child: f"d{child.pk}",
            do=lambda child, d: services.decision_record(
                contact_child=child,
                by=by,
                level_of_need=d["level_of_need"],
                outcome=d["outcome"],
                rationale=d["rationale"],
                referral_team=d["referral_team"],
            ),
            success=lambda child: f"Decision recorded for {child.person.full_name}",
        ),
        "authorise": Action(
            form=AuthoriseDecisionForm,
            prefix=lambda child: f"a{child.pk}",
            do=lambda child, d: services.decision_authorise(
                contact_child=child, by=by, referral_team=d["referral_team"]
            ),
            success=lambda child: f"Decision authorised for {child.person.full_name}",
        ),
        "assign": Action(
            form=AssignForm,
            prefix="assign",
            form_kwargs=lambda _: {"team": contact.team},
            do=lambda _, d: services.contact_assign(contact=contact, worker=d["worker"], by=by),
            success="Contact assigned",
        ),
    }


def _detail(
    request: AuthenticatedRequest, contact: Contact, bound: Bound | None = None
) -> HttpResponse:
    """The contact page, each child and check with its own form (the one posted, if it
    failed, keeps what was typed, with its errors)."""
    actions = _actions(request, contact)
    for child in contact.children.all():
        child.decision_form = action_form(actions, "decide", child, bound=bound)  # type: ignore[attr-defined]
        child.authorise_form = action_form(actions, "authorise", child, bound=bound)  # type: ignore[attr-defined]
    for check in contact.checks.all():
        check.response_form = action_form(actions, "check-respond", check, bound=bound)  # type: ignore[attr-defined]
    contact.assign_form = action_form(actions, "assign", bound=bound)  # type: ignore[attr-defined]
    return render(
        request,
        "frontdoor/contact_detail.html",
        {
            "contact": contact,
            "check_form": action_form(actions, "check-request", bound=bound),
            "error_forms": error_forms(bound),
            "may_act": selectors.contact_handled_by(request.user, contact),
        },
    )


@contact_page
def contact_detail(request: AuthenticatedRequest, contact: Contact) -> HttpResponse:
    return _detail(request, contact)


def _act(
    request: AuthenticatedRequest, contact: Contact, action: str, target: Any = None
) -> HttpResponse:
    return run_action(
        request,
        _actions(request, contact),
        action,
        target,
        done=reverse("frontdoor:contact_detail", args=[contact.pk]),
        page=lambda bound: _detail(request, contact, bound),
    )


@contact_page
@require_POST
def check_request(request: AuthenticatedRequest, contact: Contact) -> HttpResponse:
    return _act(request, contact, "check-request")


@contact_page
@require_POST
def check_respond(request: AuthenticatedRequest, contact: Contact, check_id: int) -> HttpResponse:
    check = selectors.check_get(contact=contact, check_id=check_id)
    return _act(request, contact, "check-respond", check)


@contact_page
@require_POST
def decide(request: AuthenticatedRequest, contact: Contact, contact_child_id: int) -> HttpResponse:
    child = selectors.contact_child_get(contact=contact, contact_child_id=contact_child_id)
    return _act(request, contact, "decide", child)


@contact_page
@require_POST
def authorise(
    request: AuthenticatedRequest, contact: Contact, contact_child_id: int
) -> HttpResponse:
    child = selectors.contact_child_get(contact=contact, contact_child_id=contact_child_id)
    return _act(request, contact, "authorise", child)


@contact_page
@require_POST
def assign(request: AuthenticatedRequest, contact: Contact) -> HttpResponse:
    return _act(request, contact, "assign")
