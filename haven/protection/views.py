"""The child protection and child in need tab of a child's record."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, requires, user_can
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
    PlanAction,
    PlanOutcome,
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
    context = protection_record(user=request.user, person=person)
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
            _content_forms(form_for, "cp", plan)
        for cin in referral.cin_plans.all():
            cin.visit_form = form_for("cin-visit", cin)
            cin.end_form = form_for("cin-plan-end", cin)
            cin.review_form = form_for("cin-review", cin)
            _content_forms(form_for, "cin", cin)
    return render_person_page(
        request,
        person,
        "protection/child_protection.html",
        error_forms=error_forms(bound),
        **context,
    )


def _content_forms(form_for: Any, kind: str, plan: Any) -> None:
    """The forms for an open plan's outcomes, actions, core group and contingency."""
    if plan.end_date is not None:
        return
    plan.outcome_form = form_for(f"{kind}-outcome", plan)
    plan.action_form = form_for(f"{kind}-action", plan)
    plan.member_form = form_for(f"{kind}-member", plan)
    plan.contingency_form = form_for(f"{kind}-contingency", plan)
    plan.written_form = form_for(f"{kind}-written", plan)
    if plan.written_to_child:
        # The text a child may one day read: the note form's script shows its reading age.
        for form, field in (
            (plan.outcome_form, "text"),
            (plan.action_form, "what"),
            (plan.contingency_form, "contingency"),
        ):
            form.fields[field].widget.attrs["data-readability"] = field
    for action in plan.actions:
        if not action.is_done:
            action.form = form_for("action-done", action)


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
    "cin-review": CINPlan,
    "action-done": PlanAction,
    **{
        f"cp-{part}": ChildProtectionPlan
        for part in ("outcome", "action", "member", "contingency", "written")
    },
    **{
        f"cin-{part}": CINPlan for part in ("outcome", "action", "member", "contingency", "written")
    },
}


def _outcomes(plan: Any) -> list[PlanOutcome]:
    """The plan's outcomes: as the page fetched them, or read for a posted form."""
    if hasattr(plan, "outcomes"):
        return list(plan.outcomes)
    field = "cp_plan" if isinstance(plan, ChildProtectionPlan) else "cin_plan"
    return list(PlanOutcome.objects.filter(**{field: plan}).order_by("pk"))


def _action_add(plan: Any, by: Any, data: dict[str, Any]) -> PlanAction:
    chosen = data.pop("outcome", None)
    outcome = next((o for o in _outcomes(plan) if o.pk == chosen), None)
    return services.plan_action_add(plan=plan, by=by, outcome=outcome, **data)


def _prefix(kind: str, part: str) -> Any:
    return lambda plan: f"{kind}{part}{plan.pk}"


def _content_actions(by: Any) -> dict[str, Action]:
    """Outcomes, actions, core group members and the contingency: the same for both plans."""
    actions: dict[str, Action] = {}
    for kind in ("cp", "cin"):
        actions |= {
            f"{kind}-outcome": Action(
                form=forms.OutcomeForm,
                prefix=_prefix(kind, "o"),
                do=lambda o, d: services.plan_outcome_add(plan=o, by=by, **d),
                success="Outcome added to the plan",
            ),
            f"{kind}-action": Action(
                form=forms.ActionForm,
                prefix=_prefix(kind, "a"),
                form_kwargs=lambda o: {"outcomes": _outcomes(o)},
                do=lambda o, d: _action_add(o, by, d),
                success="Action added to the plan",
            ),
            f"{kind}-member": Action(
                form=forms.MemberForm,
                prefix=_prefix(kind, "m"),
                do=lambda o, d: services.plan_member_add(plan=o, by=by, **d),
                success="Core group member added",
            ),
            f"{kind}-contingency": Action(
                form=forms.ContingencyForm,
                prefix=_prefix(kind, "c"),
                form_kwargs=lambda o: {
                    "initial": {"contingency": o.contingency, "version": o.version}
                },
                do=lambda o, d: services.plan_contingency_update(plan=o, by=by, **d),
                success="Contingency plan saved",
            ),
            f"{kind}-written": Action(
                form=forms.WrittenToChildForm,
                prefix=_prefix(kind, "w"),
                form_kwargs=lambda o: {
                    "initial": {"written_to_child": o.written_to_child, "version": o.version}
                },
                do=lambda o, d: services.plan_written_to_child_set(plan=o, by=by, **d),
                success=lambda o: (
                    "The plan is marked as written to the child"
                    if o.written_to_child
                    else "The plan is no longer marked as written to the child"
                ),
            ),
        }
    actions["action-done"] = Action(
        form=forms.ActionDoneForm,
        prefix=lambda o: f"done{o.pk}",
        do=lambda o, d: services.plan_action_done(action=o, by=by, **d),
        success="Action marked as done",
    )
    return actions


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
            form_kwargs=lambda o: {
                "initial_conference": o.is_initial,
                "chair": by,
                "may_end": user_can(by, Capability.CHAIR_CONFERENCES)
                or user_can(by, Capability.AUTHORISE),
            },
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
            needs=(Capability.AUTHORISE,),
        ),
        "cin-plan-start": Action(
            form=forms.StartForm,
            prefix="cin",
            do=lambda o, d: cin_services.cin_plan_start(
                referral=_open_referral(person), by=by, **d
            ),
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
        "cin-review": Action(
            form=forms.CINReviewForm,
            prefix=lambda o: f"cinr{o.pk}",
            do=lambda o, d: cin_services.cin_review_record(plan=o, by=by, **d),
            success="Child in need review recorded",
        ),
        **_content_actions(by),
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
