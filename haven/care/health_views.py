"""A looked-after child's health and education tab: what is due, the records, and forms to
record each kind (one POST, one action, through ``run_action``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse

from haven.accounts.http import AuthenticatedRequest
from haven.care import health_forms as forms
from haven.care import health_selectors, services
from haven.care.models import HealthKind
from haven.people.models import Person
from haven.ui.actions import Action, Bound, action_form, error_forms, run_action
from haven.ui.pages import person_page, render_person_page

# action name -> (form, the kind recorded, what the page says when done)
HEALTH_ACTIONS: dict[str, tuple[type, str, str]] = {
    "health-assessment": (
        forms.HealthAssessmentForm,
        services.HEALTH_ASSESSMENT,
        "Health assessment recorded",
    ),
    "dental-check": (forms.DentalCheckForm, HealthKind.DENTAL_CHECK, "Dental check recorded"),
    "immunisations": (
        forms.ImmunisationsForm,
        HealthKind.IMMUNISATIONS,
        "Immunisations check recorded",
    ),
    "sdq": (forms.SDQForm, HealthKind.SDQ, "Strengths and difficulties questionnaire recorded"),
    "substance-misuse": (
        forms.SubstanceMisuseForm,
        HealthKind.SUBSTANCE_MISUSE,
        "Substance misuse recorded",
    ),
    "conviction": (forms.ConvictionForm, HealthKind.CONVICTION, "Conviction recorded"),
}


def _actions(request: AuthenticatedRequest, person: Person) -> dict[str, Action]:
    by = request.user

    def health(kind: str) -> Any:
        return lambda _, data: services.health_record(person=person, by=by, kind=kind, **data)

    actions = {
        name: Action(form=form, prefix=name, do=health(kind), success=success)
        for name, (form, kind, success) in HEALTH_ACTIONS.items()
    }
    actions["school"] = Action(
        form=forms.SchoolForm,
        prefix="school",
        do=lambda _, data: services.school_placement_record(person=person, by=by, **data),
        success="School recorded",
    )
    actions["pep"] = Action(
        form=forms.PEPForm,
        prefix="pep",
        do=lambda _, data: services.pep_record(person=person, by=by, **data),
        success="Personal education plan meeting recorded",
    )
    return actions


def _page(request: AuthenticatedRequest, person: Person, bound: Bound | None) -> HttpResponse:
    actions = _actions(request, person)
    forms_ = {name.replace("-", "_"): action_form(actions, name, bound=bound) for name in actions}
    return render_person_page(
        request,
        person,
        "care/health_education.html",
        view=health_selectors.health_education(person=person, user=request.user),
        forms=forms_,
        error_forms=error_forms(bound),
    )


@person_page()
def tab(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    """Each form's button is named after its action."""
    actions = _actions(request, person)
    action = next((name for name in actions if name in request.POST), "")
    if request.method == "POST" and not action:
        return _page(request, person, None)
    return run_action(
        request,
        actions,
        action,
        done=reverse("care_health:tab", args=[person.pk]),
        page=lambda bound: _page(request, person, bound),
    )
