"""The "Leaving care" tab, the young person's own view of their plan, the health passport, and a
personal adviser's caseload."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, requires
from haven.core.models import AccessAction
from haven.leavingcare import codes, forms, passport, selectors, services
from haven.leavingcare.models import PlanAction
from haven.people.models import Person
from haven.ui.actions import Action, Bound, action_form, error_forms, run_action
from haven.ui.pages import person_page, render_person_page


def _person_action(
    form: Any, service: Any, success: str, prefix: str, by: Any, person: Person
) -> Action:
    return Action(
        form=form,
        prefix=prefix,
        do=lambda _, d: service(person=person, by=by, **d),
        success=success,
    )


def _actions(request: AuthenticatedRequest, person: Person) -> dict[str, Action]:
    by = request.user
    simple = {
        "adviser": (forms.AdviserForm, services.adviser_allocate, "Personal adviser allocated"),
        "contact": (forms.ContactForm, services.adviser_contact_record, "Contact recorded"),
        "assessment": (
            forms.NeedsAssessmentForm,
            services.needs_assessment_record,
            "Needs assessment recorded",
        ),
        "plan": (forms.PathwayPlanForm, services.pathway_plan_agree, "Pathway plan agreed"),
        "review": (forms.ReviewForm, services.plan_review_record, "Pathway plan review recorded"),
        "accommodation": (
            forms.AccommodationForm,
            services.accommodation_record,
            "Accommodation recorded",
        ),
        "activity": (forms.ActivityForm, services.activity_record, "Activity recorded"),
        "staying-put": (
            forms.StayingPutForm,
            services.staying_put_record,
            "Staying put recorded",
        ),
        "in-touch": (forms.InTouchForm, services.in_touch_record, "In touch recorded"),
        "support-to-25": (
            forms.SupportTo25Form,
            services.support_to_25_record,
            "Support to 25 recorded",
        ),
        "health": (forms.HealthDetailForm, services.health_detail_add, "Health detail recorded"),
    }
    actions = {
        name: _person_action(form, service, success, name.replace("-", ""), by, person)
        for name, (form, service, success) in simple.items()
    }
    actions["action"] = Action(
        form=forms.ActionForm,
        prefix="action",
        do=lambda plan, d: services.plan_action_add(plan=plan, by=by, **d),
        success="Action added to the plan",
    )
    actions["action-done"] = Action(
        form=forms.ActionDoneForm,
        prefix=lambda a: f"done{a.pk}",
        do=lambda a, d: services.plan_action_done(action=a, by=by, **d),
        success="Action marked done",
    )
    return actions


# The forms offered on the tab, with their headings, in order.
FORMS = (
    ("adviser", "Allocate a personal adviser", "Allocate"),
    ("contact", "Record a contact", "Record the contact"),
    ("assessment", "Record the needs assessment", "Save the needs assessment"),
    ("plan", "Agree a pathway plan", "Save the pathway plan"),
    ("review", "Record a pathway plan review", "Save the review"),
    ("accommodation", "Record where they live", "Save where they live"),
    ("activity", "Record what they do", "Save what they do"),
    ("staying-put", "Record staying put", "Save staying put"),
    ("in-touch", "Record whether in touch", "Save whether in touch"),
    ("support-to-25", "Record a request for support to 25", "Save the request"),
    ("health", "Add a health detail for the passport", "Add the health detail"),
)


def _page(request: AuthenticatedRequest, person: Person, bound: Bound | None) -> HttpResponse:
    actions = _actions(request, person)
    record = selectors.leaving_care_record(person=person)
    offered = [
        {
            "action": name,
            "title": title,
            "button": button,
            "form": action_form(actions, name, bound=bound),
        }
        for name, title, button in FORMS
    ]
    for a in record.actions:
        if a.done_on is None:
            a.done_form = action_form(actions, "action-done", a, bound=bound)  # type: ignore[attr-defined]
    return render_person_page(
        request,
        person,
        "leavingcare/tab.html",
        record=record,
        offered=offered,
        action_form=action_form(actions, "action", record.plan, bound=bound)
        if record.plan
        else None,
        areas=[(area.label, getattr(record.plan, f)) for area, f in codes.PLAN_FIELDS.items()]
        if record.plan
        else [],
        error_forms=error_forms(bound),
        today=timezone.localdate(),
        passport_offered=passport.offered(person, record),
    )


@person_page()
def tab(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    return _page(request, person, None)


@person_page(Capability.WRITE_RECORDS)
@require_POST
def tab_action(request: AuthenticatedRequest, person: Person, action: str) -> HttpResponse:
    actions = _actions(request, person)
    if action not in actions:
        raise Http404("No such action")
    target: Any = None
    if action == "action":
        target = selectors.leaving_care_record(person=person).plan
        if target is None:
            raise Http404("No pathway plan")
    elif action == "action-done":
        target = get_object_or_404(PlanAction, person=person, pk=request.POST.get("object_id"))
    return run_action(
        request,
        actions,
        action,
        target,
        done=reverse("leavingcare:tab", args=[person.pk]),
        page=lambda bound: _page(request, person, bound),
    )


@person_page(action=AccessAction.PRINT, detail="Pathway plan printed for the young person")
def my_plan(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    """The young person's own summary of their plan, written to them, for printing."""
    record = selectors.leaving_care_record(person=person)
    return render_person_page(
        request,
        person,
        "leavingcare/my_plan.html",
        record=record,
        areas=[(area.label, getattr(record.plan, f)) for area, f in codes.PLAN_FIELDS.items()]
        if record.plan
        else [],
        printed_on=timezone.localdate(),
    )


@person_page(Capability.WRITE_RECORDS)
@require_POST
def health_passport(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    """Produce the health passport as a PDF on the young person's documents."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError

    try:
        document = passport.passport_generate(person=person, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("leavingcare:tab", person_id=person.pk)
    messages.success(request, f"Health passport saved to the documents ({document.description})")
    return redirect("leavingcare:tab", person_id=person.pk)


@requires(Capability.VIEW_RECORDS)
def caseload(request: AuthenticatedRequest) -> HttpResponse:
    """The young people the user is personal adviser of, with what is due."""
    rows = selectors.caseload(user=request.user, request=request)
    return render(request, "leavingcare/caseload.html", {"rows": rows})
