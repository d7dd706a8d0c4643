"""A child's UASC record: status, age assessment, and National Transfer Scheme referrals."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability
from haven.people.models import Person
from haven.uasc import forms, selectors, services
from haven.uasc.models import NTSTransfer, UASCStatus
from haven.ui import parsing
from haven.ui.actions import Action, Bound, action_form, error_forms, run_action
from haven.ui.pages import person_page, render_person_page


def _status(person: Person) -> UASCStatus:
    status = UASCStatus.objects.filter(person=person).first()
    if status is None:
        raise Http404("This child has no UASC status")
    return status


def _transfer(person: Person, object_id: Any) -> NTSTransfer:
    text = str(object_id or "")
    found = (
        NTSTransfer.objects.filter(person=person, pk=int(text)).first()
        if parsing.is_ascii_number(text) and len(text) <= 18
        else None
    )
    if found is None:
        raise Http404("No such referral for this child")
    return found


def _actions(request: AuthenticatedRequest, person: Person) -> dict[str, Action]:
    by = request.user
    return {
        "status": Action(
            form=forms.StatusForm,
            prefix="uasc",
            form_kwargs=lambda s: {
                "initial": {
                    "arrived_on": s.arrived_on,
                    "home_office_reference": s.home_office_reference,
                    "version": s.version,
                }
                if s
                else {}
            },
            do=lambda s, d: services.uasc_record(person=person, by=by, **d),
            success="UASC status saved",
        ),
        "age-assessment": Action(
            form=forms.AgeAssessmentForm,
            prefix="age",
            do=lambda s, d: services.uasc_age_assessment_record(status=s, by=by, **d),
            success="Age assessment recorded",
        ),
        "cease": Action(
            form=forms.CeaseForm,
            prefix="cease",
            do=lambda s, d: services.uasc_cease(status=s, by=by, **d),
            success="UASC status ceased",
        ),
        "nts-referral": Action(
            form=forms.ReferralForm,
            prefix="nts",
            do=lambda s, d: services.nts_referral_record(person=person, by=by, **d),
            success="National Transfer Scheme referral recorded",
        ),
        "nts-decision": Action(
            form=forms.DecisionForm,
            prefix=lambda t: f"ntsd{t.pk}",
            do=lambda t, d: services.nts_referral_decide(transfer=t, by=by, **d),
            success="Referral's outcome recorded",
        ),
    }


def _page(request: AuthenticatedRequest, person: Person, bound: Bound | None) -> HttpResponse:
    actions = _actions(request, person)
    record = selectors.uasc_record(person=person)
    status = record["status"]
    for transfer in record["transfers"]:
        if transfer.status == "referred":
            transfer.form = action_form(actions, "nts-decision", transfer, bound=bound)
    return render_person_page(
        request,
        person,
        "uasc/uasc.html",
        uasc_status=status,
        transfers=record["transfers"],
        status_form=action_form(actions, "status", status, bound=bound),
        age_form=action_form(actions, "age-assessment", status, bound=bound),
        cease_form=action_form(actions, "cease", status, bound=bound),
        referral_form=action_form(actions, "nts-referral", status, bound=bound),
        error_forms=error_forms(bound),
    )


@person_page()
def uasc(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    return _page(request, person, None)


@person_page(Capability.WRITE_RECORDS)
@require_POST
def uasc_action(request: AuthenticatedRequest, person: Person, action: str) -> HttpResponse:
    actions = _actions(request, person)
    if action not in actions:
        raise Http404("No such action")
    target: Any = None
    if action == "nts-decision":
        target = _transfer(person, request.POST.get("object_id"))
    elif action in ("age-assessment", "cease"):
        target = _status(person)
    elif action == "status":
        target = UASCStatus.objects.filter(person=person).first()
    return run_action(
        request,
        actions,
        action,
        target,
        done=reverse("uasc:uasc", args=[person.pk]),
        page=lambda bound: _page(request, person, bound),
    )
