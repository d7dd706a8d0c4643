"""Placement requests on a child's record and for the placements team, and the sufficiency
figures. Thin views over ``placement_requests`` and ``sufficiency``."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, requires
from haven.care import placement_forms as forms
from haven.care import placement_requests as requests
from haven.care import sufficiency
from haven.care.models import PlacementRequest, RequestStatus
from haven.people.models import Person
from haven.performance.selectors import rows_for_user
from haven.ui.actions import Action, Bound, action_form, error_forms, run_action
from haven.ui.pages import person_page, render_person_page

# --------------------------------------------------------------------------------------------
# A child's placement requests


def _request_actions(request: AuthenticatedRequest, person: Person) -> dict[str, Action]:
    by = request.user
    return {
        "request": Action(
            form=forms.RequestForm,
            prefix="req",
            form_kwargs=lambda _: {"person": person, "user": by},
            do=lambda _, data: requests.placement_request_create(person=person, by=by, **data),
            success="Placement request made: the search below shows who could take the child",
        ),
        "match": Action(
            form=forms.MatchForm,
            prefix="match",
            form_kwargs=lambda req: {
                "found": requests.search(request=req) if req.status == RequestStatus.OPEN else None
            },
            do=lambda req, data: requests.placement_request_match(
                request=req,
                by=by,
                household=data["household"],
                home=data["home"],
                external=data["external"],
            ),
            success="Match recorded: the request is closed",
        ),
        "withdraw": Action(
            form=forms.WithdrawForm,
            prefix="withdraw",
            do=lambda req, _: requests.placement_request_withdraw(request=req, by=by),
            success="Placement request withdrawn",
        ),
    }


def _requests_page(
    request: AuthenticatedRequest, person: Person, bound: Bound | None
) -> HttpResponse:
    actions = _request_actions(request, person)
    return render_person_page(
        request,
        person,
        "care/placement_requests.html",
        status=400 if bound else 200,
        requests=requests.requests_for(person=person),
        form=action_form(actions, "request", bound=bound),
        error_forms=error_forms(bound),
    )


@person_page()
def child_requests(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    return run_action(
        request,
        _request_actions(request, person),
        "request",
        done=lambda made: reverse("placements:child_request", args=[person.pk, made.pk]),
        page=lambda bound: _requests_page(request, person, bound),
    )


def _request_page(
    request: AuthenticatedRequest, person: Person, req: PlacementRequest, bound: Bound | None
) -> HttpResponse:
    actions = _request_actions(request, person)
    is_open = req.status == RequestStatus.OPEN
    match_form = action_form(actions, "match", req, bound=bound) if is_open else None
    return render_person_page(
        request,
        person,
        "care/placement_request.html",
        status=400 if bound else 200,
        req=req,
        siblings=requests.siblings_shown(request=req, user=request.user),
        found=match_form.found if match_form is not None else None,
        match_form=match_form,
        withdraw_form=action_form(actions, "withdraw", req, bound=bound) if is_open else None,
        error_forms=error_forms(bound),
    )


@person_page()
def child_request(request: AuthenticatedRequest, person: Person, request_id: int) -> HttpResponse:
    req = requests.request_get(person=person, request_id=request_id)
    return _request_page(request, person, req, None)


@person_page()
def child_request_action(
    request: AuthenticatedRequest, person: Person, request_id: int, action: str
) -> HttpResponse:
    req = requests.request_get(person=person, request_id=request_id)
    if action not in ("match", "withdraw"):
        raise Http404("No such action")
    return run_action(
        request,
        _request_actions(request, person),
        action,
        req,
        done=reverse("placements:child_request", args=[person.pk, req.pk]),
        page=lambda bound: _request_page(request, person, req, bound),
    )


# --------------------------------------------------------------------------------------------
# The placements team's open requests


@requires(Capability.MANAGE_PLACEMENTS)
def open_requests(request: AuthenticatedRequest) -> HttpResponse:
    found = list(requests.open_requests(user=request.user))
    rows = list(
        rows_for_user(
            (
                {
                    "child_id": r.person_id,
                    "given_names": r.person.given_names,
                    "family_name": r.person.family_name,
                    "date_of_birth": r.person.date_of_birth,
                    "event": r.needed_by,
                    "request_id": r.pk,
                    "requested_on": r.requested_on,
                    "kind": r.get_placement_kind_display(),
                    "siblings": len(r.keep_with_siblings.all()),
                    "near": r.near_postcode,
                }
                for r in found
            ),
            user=request.user,
            request=request,
            detail="Open placement requests",
        )
    )
    return render(request, "care/placement_requests_open.html", {"rows": rows})


# --------------------------------------------------------------------------------------------
# Sufficiency


def _on(request: AuthenticatedRequest) -> tuple[forms.OnDateForm, datetime.date]:
    form = forms.OnDateForm(request.GET or None)
    on = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data.get("on"):
        on = form.cleaned_data["on"]
    return form, on


@requires(Capability.VIEW_FIGURES)
def sufficiency_page(request: AuthenticatedRequest) -> HttpResponse:
    form, on = _on(request)
    return render(
        request,
        "care/sufficiency.html",
        {"form": form, "figures": sufficiency.figures(on=on, user=request.user), "on": on},
    )


@requires(Capability.VIEW_FIGURES)
def sufficiency_list(request: AuthenticatedRequest, measure: str) -> HttpResponse:
    shows = sufficiency.MEASURES.get(measure)
    if shows is None:
        raise Http404("No such figure")
    form, on = _on(request)
    page = Paginator(sufficiency.placements(measure=shows, on=on, user=request.user), 100).get_page(
        request.GET.get("page")
    )
    rows: list[dict[str, Any]] = list(
        rows_for_user(
            sufficiency.rows_of(page.object_list),
            user=request.user,
            request=request,
            detail=f"Sufficiency: {shows.label.lower()}",
        )
    )
    return render(
        request,
        "care/sufficiency_list.html",
        {"form": form, "on": on, "shows": shows, "page_obj": page, "rows": rows},
    )
