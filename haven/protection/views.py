"""The child protection and child in need tab of a child's record."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, requires
from haven.childinneed import services as cin_services
from haven.childinneed.models import CINPlan
from haven.core.services import access_log_listed
from haven.frontdoor.models import Referral
from haven.people.models import Person
from haven.protection import forms, selectors, services
from haven.protection.models import (
    ChildProtectionPlan,
    Conference,
    CoreGroup,
    S47Enquiry,
    VisitKind,
)
from haven.protection.selectors import protection_record
from haven.ui import parsing
from haven.ui.actions import Action, Bound, action_form, error_forms, run_action
from haven.ui.pages import person_page, render_person_page


def _page(
    request: AuthenticatedRequest, person: Person, bound: Bound | None = None
) -> HttpResponse:
    """The tab, each record with its own form (the one posted, if it failed, with its errors)."""
    context = protection_record(person=person)
    actions = _actions(request, person)

    def form_for(action: str, obj: Any = None) -> Any:
        return action_form(actions, action, obj, bound=bound)

    referral = context["open_referral"]
    if referral is not None:
        referral.strategy_form = form_for("strategy-discussion")
        referral.cin_start_form = form_for("cin-plan-start")
        for s47 in referral.s47_enquiries.all():
            s47.form = form_for("s47-complete", s47)
        for conf in referral.conferences.all():
            conf.form = form_for("conference", conf)
        for plan in referral.cp_plans.all():
            plan.visit_form = form_for("cp-visit", plan)
            plan.end_form = form_for("cp-plan-end", plan)
            for group in plan.core_groups.all():
                group.form = form_for("core-group", group)
        for cin in referral.cin_plans.all():
            cin.visit_form = form_for("cin-visit", cin)
            cin.end_form = form_for("cin-plan-end", cin)
    return render_person_page(
        request,
        person,
        "protection/child_protection.html",
        error_forms=error_forms(bound),
        **context,
    )


@person_page()
def child_protection(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    return _page(request, person)


def _get(model: Any, person: Person, object_id: Any) -> Any:
    found = (
        selectors.record_of(model, person=person, record_id=int(object_id))
        if parsing.is_ascii_number(str(object_id)) and len(str(object_id)) <= 18
        else None
    )
    if found is None:
        raise Http404("No such record for this child")
    return found


def _open_referral(person: Person) -> Referral:
    referral = selectors.open_referral(person=person)
    if referral is None:
        raise Http404("This child has no open child in need episode")
    return referral


# The tab's actions; the object each acts on is named by the POST's ``object_id``.
TARGETS: dict[str, Any] = {
    "s47-complete": S47Enquiry,
    "conference": Conference,
    "core-group": CoreGroup,
    "cp-visit": ChildProtectionPlan,
    "cp-plan-end": ChildProtectionPlan,
    "cin-visit": CINPlan,
    "cin-plan-end": CINPlan,
}


def _actions(request: AuthenticatedRequest, person: Person) -> dict[str, Action]:
    by = request.user
    return {
        "strategy-discussion": Action(
            form=forms.StrategyDiscussionForm,
            prefix="sd",
            do=lambda o, d: services.strategy_discussion_record(
                referral=_open_referral(person), by=by, **d
            ),
            success="Strategy discussion recorded",
        ),
        "s47-complete": Action(
            form=forms.S47CompleteForm,
            prefix=lambda o: f"s47{o.pk}",
            do=lambda o, d: services.s47_complete(s47=o, by=by, **d),
            success="Section 47 enquiry completed",
        ),
        "conference": Action(
            form=forms.ConferenceForm,
            prefix=lambda o: f"conf{o.pk}",
            form_kwargs=lambda o: {"initial_conference": o.is_initial},
            do=lambda o, d: services.conference_hold(conference=o, by=by, **d),
            success="Conference recorded",
        ),
        "core-group": Action(
            form=forms.CoreGroupForm,
            prefix=lambda o: f"cg{o.pk}",
            do=lambda o, d: services.core_group_hold(core_group=o, by=by, **d),
            success="Core group recorded",
        ),
        "cp-visit": Action(
            form=forms.VisitForm,
            prefix=lambda o: f"cpv{o.pk}",
            do=lambda o, d: services.visit_record(kind=VisitKind.CP, plan=o, by=by, **d),
            success="Visit recorded",
        ),
        "cp-plan-end": Action(
            form=forms.PlanEndForm,
            prefix=lambda o: f"cpe{o.pk}",
            do=lambda o, d: services.cp_plan_end(plan=o, by=by, **d),
            success="Child protection plan ended",
        ),
        "cin-plan-start": Action(
            form=forms.StartForm,
            prefix="cin",
            do=lambda o, d: cin_services.cin_plan_start(referral=_open_referral(person), by=by, **d),
            success="Child in need plan started",
        ),
        "cin-visit": Action(
            form=forms.VisitForm,
            prefix=lambda o: f"cinv{o.pk}",
            do=lambda o, d: services.visit_record(kind=VisitKind.CIN, plan=o, by=by, **d),
            success="Visit recorded",
        ),
        "cin-plan-end": Action(
            form=forms.EndForm,
            prefix=lambda o: f"cine{o.pk}",
            do=lambda o, d: cin_services.cin_plan_end(plan=o, by=by, **d),
            success="Child in need plan ended",
        ),
    }


@person_page(Capability.WRITE_RECORDS)
@require_POST
def protection_action(request: AuthenticatedRequest, person: Person, action: str) -> HttpResponse:
    actions = _actions(request, person)
    if action not in actions:
        raise Http404("No such action")
    model = TARGETS.get(action)
    target = _get(model, person, request.POST.get("object_id")) if model else None
    return run_action(
        request,
        actions,
        action,
        target,
        done=reverse("protection:child_protection", args=[person.pk]),
        page=lambda bound: _page(request, person, bound),
    )


@requires(Capability.VIEW_RECORDS)
def chair_conferences(request: AuthenticatedRequest) -> HttpResponse:
    """A chair's start: the conferences and reviews to hold, and those they chaired."""
    lists = selectors.chair_conferences(user=request.user)
    access_log_listed(
        user=request.user,
        person_ids=[c.person_id for rows in lists.values() for c in rows],
        request=request,
        detail="conferences to chair",
    )
    return render(request, "protection/chair_conferences.html", lists)
