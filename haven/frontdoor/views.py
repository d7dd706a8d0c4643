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
    AddChildForm,
    AmendDecisionForm,
    AssignForm,
    AuthoriseDecisionForm,
    CheckRequestForm,
    CheckResponseForm,
    ContactForm,
    DecisionForm,
    FeedbackSentForm,
    GroupDecisionForm,
    ReturnDecisionForm,
)
from haven.frontdoor.history import contact_history
from haven.frontdoor.models import Contact, DecisionStatus, MashCheck, ReferrerFeedback
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
    if show not in ("all", "mine", "unassigned"):
        show = "all"
    status = request.GET.get("status", "")
    if status not in selectors.INBOX_STATUSES:
        status = ""
    contacts = Paginator(
        selectors.mash_inbox(user=request.user, show=show, status=status), 50
    ).get_page(request.GET.get("page"))
    access_log_listed(
        user=request.user,
        person_ids=[c.person_id for contact in contacts for c in contact.children.all()],
        request=request,
        detail="MASH inbox",
    )
    return render(
        request,
        "frontdoor/inbox.html",
        {
            "page_obj": contacts,
            "show": show,
            "status": status,
            "statuses": [(s.value, s.label) for s in selectors.INBOX_STATUSES],
            "teams": teams,
        },
    )


def _chosen_ids(values: list[str]) -> list[int]:
    """The children ticked so far (ids as posted; anything else is ignored)."""
    return [int(v) for v in values if v.isdigit() and len(v) <= 12]


def _matches(request: AuthenticatedRequest, query: str, chosen: Any = ()) -> list[Any]:
    """Children matching ``query``, less those already chosen (shown ticked above them)."""
    if len(query.strip()) < 2:
        return []
    already = {p.pk for p in chosen}
    hits = [
        h
        for h in person_search(user=request.user, query=query, limit=10)
        if h.person.kind == "child" and h.person.pk not in already
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
    # The children already ticked come too, so a new search keeps them ticked.
    linked = selectors.children_findable(
        user=request.user, person_ids=_chosen_ids(request.GET.getlist("child"))
    )
    return render(
        request,
        "frontdoor/_matches.html",
        {
            "hits": _matches(request, query, linked),
            "linked": linked,
            "query": query,
            "error": error,
        },
    )


def contact_create(request: AuthenticatedRequest) -> HttpResponse:
    teams = _front_door_teams(request)
    require(request.user, Capability.WRITE_RECORDS)
    form = bound_form(ContactForm, request)
    linked = selectors.children_findable(
        user=request.user, person_ids=form.linked_ids() if form.is_bound else []
    )
    # Find (its button, or Enter in the find box) draws the page again with what was typed and
    # ticked, and checks nothing: only Save checks and saves the contact.
    saving = request.method == "POST" and "save" in request.POST
    if form.is_bound and not saving:
        form.keep_unchecked()
    query, error = parsing.search_text(
        request.POST.get("find", "") if request.method == "POST" else "", label="Find a child"
    )
    if error and saving:
        form.add_error(None, error)
    hits = _matches(request, query, linked) if query else []
    duplicates: list[Any] = []
    if saving and form.is_valid():
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
            "error": error,
            "duplicates": duplicates,
        },
    )


def _actions(request: AuthenticatedRequest, contact: Contact) -> dict[str, Action]:
    """What can be done on a contact page; the target is the check or child acted on."""
    by = request.user

    def request_check(data: dict[str, Any]) -> MashCheck:
        check = services.mash_check_request(contact=contact, by=by, **data)
        if check.too_slow_for_contact:
            messages.warning(request, _slow_check_warning(check))
        return check

    def return_to(child: Any, data: dict[str, Any]) -> Any:
        return services.decision_return(contact_child=child, by=by, comment=data["comment"])

    return {
        "check-request": Action(
            form=CheckRequestForm,
            prefix="check",
            do=lambda _, d: request_check(d),
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
        "decide-group": Action(
            form=GroupDecisionForm,
            prefix="group",
            form_kwargs=lambda _: {
                "undecided": [c for c in contact.children.all() if c.needs_decision]
            },
            do=lambda _, d: services.decision_record_group(
                contact=contact,
                children=d["chosen"],
                by=by,
                level_of_need=d["level_of_need"],
                outcome=d["outcome"],
                rationale=d["rationale"],
                referral_team=d["referral_team"],
            ),
            success="Decision recorded for the children chosen",
        ),
        "return": Action(
            form=ReturnDecisionForm,
            prefix=lambda child: f"ret{child.pk}",
            do=return_to,
            success=lambda child: f"Decision for {child.person.full_name} returned to the worker",
            needs=(Capability.AUTHORISE,),
        ),
        "amend": Action(
            form=AmendDecisionForm,
            prefix=lambda child: f"am{child.pk}",
            form_kwargs=lambda child: {
                "initial": {
                    "level_of_need": child.level_of_need,
                    "outcome": child.outcome,
                    "rationale": child.rationale,
                }
            },
            do=lambda child, d: services.decision_amend(
                contact_child=child,
                by=by,
                level_of_need=d["level_of_need"],
                outcome=d["outcome"],
                rationale=d["rationale"],
                reason=d["reason"],
                referral_team=d["referral_team"],
            ),
            success=lambda child: f"Decision for {child.person.full_name} amended and authorised",
            needs=(Capability.AUTHORISE,),
        ),
        "feedback-sent": Action(
            form=FeedbackSentForm,
            prefix=lambda feedback: f"fb{feedback.pk}",
            form_kwargs=lambda feedback: {"initial": _feedback_initial(contact)},
            do=lambda feedback, d: services.feedback_record_sent(
                feedback=feedback, by=by, method=d["method"], sent_to=d["sent_to"]
            ),
            success="Feedback to the referrer recorded as sent",
        ),
        "add-child": Action(
            form=AddChildForm,
            prefix="add",
            do=lambda _, d: services.contact_child_add(
                contact=contact,
                by=by,
                details={k: d[k] for k in ("given_names", "family_name", "date_of_birth", "sex")},
                same_address=d["same_address"],
                link_family=d["link_family"],
            ),
            success="Child added to the contact",
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


def _slow_check_warning(check: MashCheck) -> str:
    return (
        f"The {check.get_agency_display().lower()} check is green (due "
        f"{long_date(check.due_at)}) but the contact is immediate: a child at risk now. "
        "Ask for it red or amber, or decide without it"
    )


def _feedback_initial(contact: Contact) -> dict[str, str]:
    if contact.referrer_email:
        return {"method": "email", "sent_to": contact.referrer_email}
    if contact.referrer_phone:
        return {"method": "phone", "sent_to": contact.referrer_phone}
    return {}


def _detail(
    request: AuthenticatedRequest, contact: Contact, bound: Bound | None = None
) -> HttpResponse:
    """The contact page, each child and check with its own form (the one posted, if it
    failed, keeps what was typed, with its errors)."""
    actions = _actions(request, contact)
    history = contact_history(contact)
    for child in contact.children.all():
        child.history = history.get(child.person_id)  # type: ignore[attr-defined]
        child.decision_form = action_form(actions, "decide", child, bound=bound)  # type: ignore[attr-defined]
        child.authorise_form = action_form(actions, "authorise", child, bound=bound)  # type: ignore[attr-defined]
        child.return_form = action_form(actions, "return", child, bound=bound)  # type: ignore[attr-defined]
        child.amend_form = action_form(actions, "amend", child, bound=bound)  # type: ignore[attr-defined]
        feedback = getattr(child, "feedback", None)
        if feedback is not None and not feedback.is_sent:
            feedback.sent_form = action_form(actions, "feedback-sent", feedback, bound=bound)
    for check in contact.checks.all():
        check.response_form = action_form(actions, "check-respond", check, bound=bound)  # type: ignore[attr-defined]
    contact.assign_form = action_form(actions, "assign", bound=bound)  # type: ignore[attr-defined]
    undecided = [c for c in contact.children.all() if c.needs_decision]
    return render(
        request,
        "frontdoor/contact_detail.html",
        {
            "contact": contact,
            "check_form": action_form(actions, "check-request", bound=bound),
            "group_form": action_form(actions, "decide-group", bound=bound)
            if len(undecided) > 1
            else None,
            "add_child_form": action_form(actions, "add-child", bound=bound),
            "slow_checks": [
                _slow_check_warning(c)
                for c in contact.checks.all()
                if c.responded_at is None and c.too_slow_for_contact
            ],
            "error_forms": error_forms(bound),
            "may_act": selectors.contact_handled_by(request.user, contact),
            "returned": DecisionStatus.RETURNED,
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


@contact_page
@require_POST
def decide_group(request: AuthenticatedRequest, contact: Contact) -> HttpResponse:
    return _act(request, contact, "decide-group")


@contact_page
@require_POST
def return_decision(
    request: AuthenticatedRequest, contact: Contact, contact_child_id: int
) -> HttpResponse:
    child = selectors.contact_child_get(contact=contact, contact_child_id=contact_child_id)
    return _act(request, contact, "return", child)


@contact_page
@require_POST
def amend(request: AuthenticatedRequest, contact: Contact, contact_child_id: int) -> HttpResponse:
    child = selectors.contact_child_get(contact=contact, contact_child_id=contact_child_id)
    return _act(request, contact, "amend", child)


@contact_page
@require_POST
def feedback_sent(
    request: AuthenticatedRequest, contact: Contact, feedback_id: int
) -> HttpResponse:
    feedback: ReferrerFeedback = selectors.feedback_get(contact=contact, feedback_id=feedback_id)
    return _act(request, contact, "feedback-sent", feedback)


@contact_page
@require_POST
def add_child(request: AuthenticatedRequest, contact: Contact) -> HttpResponse:
    return _act(request, contact, "add-child")
