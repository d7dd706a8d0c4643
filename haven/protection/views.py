"""The child protection and child in need tab of a child's record."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from haven.accounts.permissions import Capability
from haven.childinneed.models import CINPlan
from haven.core.http import AuthenticatedRequest
from haven.frontdoor.models import Referral
from haven.people.models import Person
from haven.people.views import apply_errors, person_page, render_person_page
from haven.protection import forms, services
from haven.protection.models import (
    ChildProtectionPlan,
    Conference,
    CoreGroup,
    S47Enquiry,
    VisitKind,
)
from haven.protection.selectors import protection_record
from haven.ui import parsing


def _page(
    request: AuthenticatedRequest, person: Person, bound: tuple[str, int | None, Any] | None = None
) -> HttpResponse:
    """The tab, each record with its own form; ``bound`` is (action, object id, form with errors)."""
    context = protection_record(person=person)

    def form_for(action: str, obj: Any, form_class: type[Any], prefix: str, **kwargs: Any) -> Any:
        if bound and bound[0] == action and bound[1] == (obj.pk if obj is not None else None):
            return bound[2]
        return form_class(prefix=prefix, **kwargs)

    referral = context["open_referral"]
    if referral is not None:
        referral.strategy_form = form_for(
            "strategy-discussion", None, forms.StrategyDiscussionForm, "sd"
        )
        referral.cin_start_form = form_for("cin-plan-start", None, forms.StartForm, "cin")
        referral.close_form = form_for("close", None, forms.CloseForm, "close")
        referral.blocking = services.open_work_blocking_closure(referral)
        for s47 in referral.s47_enquiries.all():
            s47.form = form_for("s47-complete", s47, forms.S47CompleteForm, f"s47{s47.pk}")
        for conf in referral.conferences.all():
            conf.form = form_for(
                "conference",
                conf,
                forms.ConferenceForm,
                f"conf{conf.pk}",
                initial_conference=conf.is_initial,
            )
        for plan in referral.cp_plans.all():
            plan.visit_form = form_for("cp-visit", plan, forms.VisitForm, f"cpv{plan.pk}")
            plan.end_form = form_for("cp-plan-end", plan, forms.PlanEndForm, f"cpe{plan.pk}")
            for group in plan.core_groups.all():
                group.form = form_for("core-group", group, forms.CoreGroupForm, f"cg{group.pk}")
        for cin in referral.cin_plans.all():
            cin.visit_form = form_for("cin-visit", cin, forms.VisitForm, f"cinv{cin.pk}")
            cin.end_form = form_for("cin-plan-end", cin, forms.EndForm, f"cine{cin.pk}")
    error_forms = [bound[2]] if bound else []
    return render_person_page(
        request, person, "protection/child_protection.html", error_forms=error_forms, **context
    )


@person_page()
def child_protection(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    return _page(request, person)


def _get(model: Any, person: Person, object_id: Any) -> Any:
    found = (
        model.objects.filter(person=person, pk=object_id).first()
        if parsing.is_ascii_number(str(object_id)) and len(str(object_id)) <= 18
        else None
    )
    if found is None:
        raise Http404("No such record for this child")
    return found


def _open_referral(person: Person) -> Referral:
    referral = (
        Referral.objects.filter(person=person, closure_date__isnull=True)
        .order_by("-referral_date")
        .first()
    )
    if referral is None:
        raise Http404("This child has no open child in need episode")
    return referral


# action -> (form class, prefix, model of the object acted on or None, what to do, message)
def _actions(request: AuthenticatedRequest, person: Person) -> dict[str, Any]:
    by = request.user
    return {
        "strategy-discussion": (
            forms.StrategyDiscussionForm,
            lambda o: "sd",
            None,
            lambda o, d: services.strategy_discussion_record(
                referral=_open_referral(person), by=by, **d
            ),
            "Strategy discussion recorded",
        ),
        "s47-complete": (
            forms.S47CompleteForm,
            lambda o: f"s47{o.pk}",
            S47Enquiry,
            lambda o, d: services.s47_complete(s47=o, by=by, **d),
            "Section 47 enquiry completed",
        ),
        "conference": (
            forms.ConferenceForm,
            lambda o: f"conf{o.pk}",
            Conference,
            lambda o, d: services.conference_hold(conference=o, by=by, **d),
            "Conference recorded",
        ),
        "core-group": (
            forms.CoreGroupForm,
            lambda o: f"cg{o.pk}",
            CoreGroup,
            lambda o, d: services.core_group_hold(core_group=o, by=by, **d),
            "Core group recorded",
        ),
        "cp-visit": (
            forms.VisitForm,
            lambda o: f"cpv{o.pk}",
            ChildProtectionPlan,
            lambda o, d: services.visit_record(kind=VisitKind.CP, plan=o, by=by, **d),
            "Visit recorded",
        ),
        "cp-plan-end": (
            forms.PlanEndForm,
            lambda o: f"cpe{o.pk}",
            ChildProtectionPlan,
            lambda o, d: services.cp_plan_end(plan=o, by=by, **d),
            "Child protection plan ended",
        ),
        "cin-plan-start": (
            forms.StartForm,
            lambda o: "cin",
            None,
            lambda o, d: services.cin_plan_start(referral=_open_referral(person), by=by, **d),
            "Child in need plan started",
        ),
        "cin-visit": (
            forms.VisitForm,
            lambda o: f"cinv{o.pk}",
            CINPlan,
            lambda o, d: services.visit_record(kind=VisitKind.CIN, plan=o, by=by, **d),
            "Visit recorded",
        ),
        "cin-plan-end": (
            forms.EndForm,
            lambda o: f"cine{o.pk}",
            CINPlan,
            lambda o, d: services.cin_plan_end(plan=o, by=by, **d),
            "Child in need plan ended",
        ),
        "close": (
            forms.CloseForm,
            lambda o: "close",
            None,
            lambda o, d: services.episode_close(referral=_open_referral(person), by=by, **d),
            "Case closed",
        ),
    }


@person_page(Capability.WRITE_RECORDS)
@require_POST
def protection_action(request: AuthenticatedRequest, person: Person, action: str) -> HttpResponse:
    actions = _actions(request, person)
    if action not in actions:
        raise Http404("No such action")
    form_class, prefix, model, do, message = actions[action]
    target = _get(model, person, request.POST.get("object_id")) if model else None
    extra = {"initial_conference": target.is_initial} if action == "conference" and target else {}
    form = form_class(request.POST, prefix=prefix(target), **extra)
    if form.is_valid():
        try:
            do(target, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("protection:child_protection", person_id=person.pk)
    return _page(request, person, bound=(action, target.pk if target else None, form))
