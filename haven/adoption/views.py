"""A child's plan for adoption, step by step; adopter households on pages of their own."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, requires
from haven.adoption import forms, selectors, services
from haven.people.models import Person
from haven.ui.actions import Action, Bound, action_form, error_forms, run_action
from haven.ui.pages import person_page, render_person_page

# The steps of an open plan: (action, form, service, message, what the page's link says).
STEPS: dict[str, tuple[Any, Any, str, str]] = {
    "placement-order": (
        forms.PlacementOrderForm,
        services.adoption_placement_order_record,
        "Placement order recorded",
        "Record the placement order",
    ),
    "fostering-for-adoption": (
        forms.FosteringForAdoptionForm,
        services.adoption_fostering_for_adoption_record,
        "Fostering for adoption recorded",
        "Record fostering for adoption or concurrent planning",
    ),
    "match": (
        forms.MatchForm,
        services.adoption_match_record,
        "Match with adopters recorded",
        "Record the match with adopters",
    ),
    "placed": (
        forms.PlacedForm,
        services.adoption_placed_record,
        "Placement for adoption recorded",
        "Record the placement for adoption",
    ),
    "adoption-order": (
        forms.OrderForm,
        services.adoption_order_record,
        "Adoption order recorded",
        "Record the adoption order",
    ),
    "reverse": (
        forms.ReverseForm,
        services.adoption_plan_reverse,
        "The plan for adoption is reversed",
        "The child should no longer be placed for adoption",
    ),
}
# The date each step records: a step already recorded offers no form.
STEP_FIELDS = {
    "placement-order": "placement_order_on",
    "fostering-for-adoption": "fostering_for_adoption_on",
    "match": "matched_on",
    "placed": "placed_on",
    "adoption-order": "adoption_order_on",
    "reverse": "reversed_on",
}


def _step_action(name: str, by: Any) -> Action:
    form, service, success, _ = STEPS[name]
    return Action(
        form=form,
        prefix=name.replace("-", ""),
        do=lambda plan, data: service(plan=plan, by=by, **data),
        success=success,
    )


def _actions(request: AuthenticatedRequest, person: Person) -> dict[str, Action]:
    by = request.user
    return {
        "start": Action(
            form=forms.StartForm,
            prefix="start",
            do=lambda _, d: services.adoption_plan_start(person=person, by=by, **d),
            success="Decision to place for adoption recorded",
        ),
        **{name: _step_action(name, by) for name in STEPS},
    }


def _page(request: AuthenticatedRequest, person: Person, bound: Bound | None) -> HttpResponse:
    actions = _actions(request, person)
    plans = selectors.adoption_plans(person=person)
    current = next((p for p in plans if p.is_open), None)
    steps = []
    if current is not None:
        steps = [
            {
                "action": name,
                "title": STEPS[name][3],
                "form": action_form(actions, name, current, bound=bound),
            }
            for name, field in STEP_FIELDS.items()
            if getattr(current, field) is None
        ]
    return render_person_page(
        request,
        person,
        "adoption/adoption.html",
        plans=plans,
        current=current,
        steps=steps,
        start_form=action_form(actions, "start", bound=bound),
        error_forms=error_forms(bound),
    )


@person_page()
def adoption(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    return _page(request, person, None)


@person_page(Capability.WRITE_RECORDS)
@require_POST
def adoption_action(request: AuthenticatedRequest, person: Person, action: str) -> HttpResponse:
    actions = _actions(request, person)
    if action not in actions:
        raise Http404("No such action")
    target = None
    if action != "start":
        target = selectors.open_plan(person=person)
        if target is None:
            raise Http404("This child has no open plan for adoption")
    return run_action(
        request,
        actions,
        action,
        target,
        done=reverse("adoption:adoption", args=[person.pk]),
        page=lambda bound: _page(request, person, bound),
    )


# -- adopter households ---------------------------------------------------------------------------


def _adopter_actions(request: AuthenticatedRequest) -> dict[str, Action]:
    by = request.user
    return {
        "create": Action(
            form=forms.AdoptersForm,
            do=lambda _, d: services.adopters_create(by=by, **d),
            success="Adopter household added",
        ),
        "update": Action(
            form=forms.AdoptersForm,
            form_kwargs=lambda h: {
                "initial": {
                    **{f: getattr(h, f) for f in services.ADOPTER_FIELDS},
                    "version": h.version,
                }
            },
            do=lambda h, d: services.adopters_update(household=h, by=by, **d),
            success="Adopter household saved",
        ),
    }


@requires(Capability.VIEW_RECORDS, on_post=Capability.WRITE_RECORDS)
def adopters(request: AuthenticatedRequest) -> HttpResponse:
    """Adopter households through their approval stages, and a form to add one."""
    actions = _adopter_actions(request)

    def page(bound: Bound | None) -> HttpResponse:
        return render(
            request,
            "adoption/adopters.html",
            {
                "households": selectors.adopters_list(),
                "form": action_form(actions, "create", bound=bound),
                "error_forms": error_forms(bound),
            },
        )

    return run_action(request, actions, "create", done=reverse("adopters:adopters"), page=page)


@requires(Capability.VIEW_RECORDS, on_post=Capability.WRITE_RECORDS)
def adopters_edit(request: AuthenticatedRequest, adopters_id: int) -> HttpResponse:
    household = get_object_or_404(selectors.adopters_list(), pk=adopters_id)
    actions = _adopter_actions(request)

    def page(bound: Bound | None) -> HttpResponse:
        return render(
            request,
            "adoption/adopters_edit.html",
            {
                "household": household,
                "form": action_form(actions, "update", household, bound=bound),
                "error_forms": error_forms(bound),
                "conflict": bound.conflict if bound else None,
            },
        )

    return run_action(
        request,
        actions,
        "update",
        household,
        done=reverse("adopters:adopters_edit", args=[household.pk]),
        page=page,
    )
