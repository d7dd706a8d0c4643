from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, require, user_can
from haven.assessments import services
from haven.assessments.forms import AllocateForm, AssessmentForm, AuthoriseForm
from haven.assessments.models import Assessment, AssessmentStatus
from haven.assessments.selectors import assessment_get_for_user
from haven.people.views import apply_errors, bound_form, person_tabs

ACTION_NEEDS = {
    "authorise": Capability.AUTHORISE,
    "return": Capability.AUTHORISE,
    "allocate": Capability.ALLOCATE,
}


def _get(request: AuthenticatedRequest, assessment_id: int) -> Assessment | None:
    return assessment_get_for_user(user=request.user, assessment_id=assessment_id, request=request)


def assessment_detail(request: AuthenticatedRequest, assessment_id: int) -> HttpResponse:
    assessment = _get(request, assessment_id)
    if assessment is None:
        return render(
            request, "people/not_found.html", {"person_id": 0}, status=404
        )
    user = request.user
    if request.method == "POST":
        require(user, Capability.WRITE_RECORDS)
    action = next((a for a in ("save", "authorise", "return", "allocate") if a in request.POST), "")
    require(user, ACTION_NEEDS.get(action, Capability.VIEW_RECORDS))
    initial = AssessmentForm.initial_for(assessment)
    form = (
        AssessmentForm(request.POST, initial=initial)
        if action == "save"
        else bound_form(AssessmentForm, request, initial=initial)
        if request.method == "GET"
        else AssessmentForm(initial=initial)
    )
    authorise_form = AuthoriseForm(request.POST if action in ("authorise", "return") else None)
    allocate_form = AllocateForm(
        request.POST if action == "allocate" else None, team=assessment.team
    )
    conflict = None
    try:
        if action == "save" and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                assessment = services.assessment_update(
                    assessment_id=assessment.pk,
                    by=user,
                    expected_version=data.pop("version"),
                    values=data,
                )
            except services.ConcurrentEditError as exc:
                conflict = exc.current
                form.add_error(
                    None,
                    "Someone else saved this assessment while you were editing. Your "
                    "changes are below, not saved: check and save again.",
                )
                data_copy = request.POST.copy()
                data_copy["version"] = str(conflict.version)
                form.data = data_copy
            else:
                if request.POST.get("save") == "submit":
                    services.assessment_submit(assessment=assessment, by=user)
                    messages.success(request, "Assessment submitted to your manager")
                else:
                    messages.success(request, "Assessment saved")
                return redirect("assessments:assessment_detail", assessment_id=assessment.pk)
        elif action == "authorise" and authorise_form.is_valid():
            services.assessment_authorise(
                assessment=assessment,
                by=user,
                authorised_on=authorise_form.cleaned_data["authorised_on"],
                comments=authorise_form.cleaned_data["manager_comments"],
            )
            messages.success(request, "Assessment authorised")
            return redirect("assessments:assessment_detail", assessment_id=assessment.pk)
        elif action == "return" and authorise_form.is_valid():
            services.assessment_return(
                assessment=assessment,
                by=user,
                comments=authorise_form.cleaned_data["manager_comments"],
            )
            messages.success(request, "Assessment returned to the worker")
            return redirect("assessments:assessment_detail", assessment_id=assessment.pk)
        elif action == "allocate" and allocate_form.is_valid():
            services.assessment_allocate(
                assessment=assessment, worker=allocate_form.cleaned_data["worker"], by=user
            )
            messages.success(request, "Assessment allocated")
            return redirect("assessments:assessment_detail", assessment_id=assessment.pk)
    except ValidationError as exc:
        targets = {"authorise": authorise_form, "return": authorise_form, "allocate": allocate_form}
        apply_errors(targets.get(action, form), exc)
    editable = (
        assessment.status in (AssessmentStatus.IN_PROGRESS, AssessmentStatus.RETURNED)
        and user_can(user, Capability.WRITE_RECORDS)
    )
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "person": assessment.person,
            "tabs": person_tabs(assessment.person, user),
            "form": form,
            "authorise_form": authorise_form,
            "allocate_form": allocate_form,
            "editable": editable,
            "conflict": conflict,
            "late": services.is_late(assessment, assessment.authorised_on),
            "working_days_taken": services.working_days_taken(assessment),
        },
    )
