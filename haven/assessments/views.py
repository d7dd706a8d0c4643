from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, require, user_can
from haven.assessments import services
from haven.assessments.forms import AllocateForm, AssessmentForm, AuthoriseForm
from haven.assessments.models import Assessment, AssessmentStatus
from haven.assessments.selectors import assessment_get_for_user, what_happens_next
from haven.ui.actions import Action, Bound, action_form, run_action
from haven.ui.forms import bound_form
from haven.ui.pages import person_tabs


def _get(request: AuthenticatedRequest, assessment_id: int) -> Assessment | None:
    return assessment_get_for_user(user=request.user, assessment_id=assessment_id, request=request)


def _actions(request: AuthenticatedRequest, assessment: Assessment) -> dict[str, Action]:
    """The assessment page's actions, named by the button posted."""
    by = request.user

    def save(_: Any, data: dict[str, Any]) -> Assessment:
        data = dict(data)
        saved = services.assessment_update(
            assessment_id=assessment.pk, by=by, expected_version=data.pop("version"), values=data
        )
        if request.POST.get("save") == "submit":
            services.assessment_submit(assessment=saved, by=by)
        return saved

    return {
        "save": Action(
            form=AssessmentForm,
            form_kwargs=lambda _: {"initial": AssessmentForm.initial_for(assessment)},
            do=save,
            success=lambda _: (
                "Assessment submitted to your manager"
                if request.POST.get("save") == "submit"
                else "Assessment saved"
            ),
        ),
        "authorise": Action(
            form=AuthoriseForm,
            needs=(Capability.AUTHORISE,),
            do=lambda _, d: services.assessment_authorise(
                assessment=assessment,
                by=by,
                authorised_on=d["authorised_on"],
                comments=d["manager_comments"],
            ),
            success="Assessment authorised",
        ),
        "return": Action(
            form=AuthoriseForm,
            needs=(Capability.AUTHORISE,),
            do=lambda _, d: services.assessment_return(
                assessment=assessment, by=by, comments=d["manager_comments"]
            ),
            success="Assessment returned to the worker",
        ),
        "allocate": Action(
            form=AllocateForm,
            needs=(Capability.ALLOCATE,),
            form_kwargs=lambda _: {"team": assessment.team},
            do=lambda _, d: services.assessment_allocate(
                assessment=assessment, worker=d["worker"], by=by
            ),
            success="Assessment allocated",
        ),
    }


def _page(
    request: AuthenticatedRequest,
    assessment: Assessment,
    actions: dict[str, Action],
    bound: Bound | None,
) -> HttpResponse:
    user = request.user
    initial = AssessmentForm.initial_for(assessment)
    form = action_form(
        actions,
        "save",
        bound=bound,
        fresh=lambda: (
            bound_form(AssessmentForm, request, initial=initial)
            if request.method == "GET"
            else AssessmentForm(initial=initial)
        ),
    )
    # Authorising and returning share one form.
    manager_action = bound.name if bound and bound.name in ("authorise", "return") else "authorise"
    editable = assessment.status in (
        AssessmentStatus.IN_PROGRESS,
        AssessmentStatus.RETURNED,
    ) and user_can(user, Capability.WRITE_RECORDS)
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "person": assessment.person,
            "tabs": person_tabs(assessment.person, user),
            "form": form,
            "authorise_form": action_form(actions, manager_action, bound=bound),
            "allocate_form": action_form(actions, "allocate", bound=bound),
            "editable": editable,
            "conflict": bound.conflict if bound else None,
            "late": services.is_late(assessment, assessment.authorised_on),
            "working_days_taken": services.working_days_taken(assessment),
            "next": what_happens_next(assessment=assessment)
            if assessment.status in (AssessmentStatus.SUBMITTED, AssessmentStatus.AUTHORISED)
            else None,
        },
    )


def assessment_detail(request: AuthenticatedRequest, assessment_id: int) -> HttpResponse:
    assessment = _get(request, assessment_id)
    if assessment is None:
        return render(request, "people/not_found.html", {"person_id": 0}, status=404)
    require(request.user, Capability.VIEW_RECORDS)
    if request.method == "POST":
        require(request.user, Capability.WRITE_RECORDS)
    actions = _actions(request, assessment)
    action = next((a for a in actions if a in request.POST), "")
    if request.method == "POST" and not action:
        return _page(request, assessment, actions, None)
    return run_action(
        request,
        actions,
        action,
        done=reverse("assessments:assessment_detail", args=[assessment.pk]),
        page=lambda bound: _page(request, assessment, actions, bound),
    )
