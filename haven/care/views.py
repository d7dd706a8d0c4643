"""A looked-after child's pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, requires
from haven.care import forms, services
from haven.care.models import CarePeriod, CareReview, Placement, ReviewRecommendation
from haven.care.selectors import iro_children, statutory_record, with_next_review
from haven.core.services import access_log_listed
from haven.people.models import Person
from haven.ui import parsing
from haven.ui.actions import Action, Bound, action_form, error_forms, run_action
from haven.ui.pages import person_page, render_person_page

# -- The statutory work of a period: care and placement plans, visits, reviews ------------------


def _statutory_actions(request: AuthenticatedRequest) -> dict[str, Action]:
    by = request.user
    return {
        "care-plan": Action(
            form=forms.CarePlanForm,
            prefix=lambda period: f"cp{period.pk}",
            do=lambda period, d: services.care_plan_agree(period=period, by=by, **d),
            success="Care plan recorded",
        ),
        "placement-plan": Action(
            form=forms.PlacementPlanForm,
            prefix=lambda placement: f"pp{placement.pk}",
            do=lambda placement, d: services.placement_plan_agree(placement=placement, by=by, **d),
            success="Placement plan recorded",
        ),
        "visit": Action(
            form=forms.CareVisitForm,
            prefix=lambda period: f"v{period.pk}",
            do=lambda period, d: services.care_visit_record(period=period, by=by, **d),
            success="Visit recorded",
        ),
        "review": Action(
            form=forms.CareReviewForm,
            prefix=lambda period: f"r{period.pk}",
            do=lambda period, d: services.care_review_record(period=period, by=by, **d),
            success="Review recorded",
        ),
        "recommendation": Action(
            form=forms.RecommendationForm,
            prefix=lambda review: f"rec{review.pk}",
            do=lambda review, d: services.review_recommendation_add(review=review, by=by, **d),
            success="Recommendation added",
        ),
        "recommendation-done": Action(
            form=forms.RecommendationDoneForm,
            prefix=lambda rec: f"done{rec.pk}",
            do=lambda rec, d: services.review_recommendation_done(recommendation=rec, by=by, **d),
            success="Recommendation marked as done",
        ),
    }


STATUTORY_TARGETS: dict[str, Any] = {
    "care-plan": CarePeriod,
    "placement-plan": Placement,
    "visit": CarePeriod,
    "review": CarePeriod,
    "recommendation": CareReview,
    "recommendation-done": ReviewRecommendation,
}


def _statutory_page(
    request: AuthenticatedRequest, person: Person, bound: Bound | None = None
) -> HttpResponse:
    """The tab, each record with its own form (the one posted, if it failed, with its errors)."""
    record = statutory_record(user=request.user, person=person)
    actions = _statutory_actions(request)
    period = record.period
    page_forms: dict[str, Any] = {}
    if period is not None and period.is_open:
        for name in ("care-plan", "visit"):
            page_forms[name.replace("-", "_")] = action_form(actions, name, period, bound=bound)
        if period.iro_id == request.user.pk:
            page_forms["review"] = action_form(actions, "review", period, bound=bound)
    placement: Any
    review: Any
    rec: Any
    for placement in record.placements:
        if placement.plan_agreed_on is None:
            placement.plan_form = action_form(actions, "placement-plan", placement, bound=bound)
    for review in record.reviews:
        if period is not None and request.user.pk in (review.chair_id, period.iro_id):
            review.recommendation_form = action_form(actions, "recommendation", review, bound=bound)
        for rec in review.recommendations.all():
            if rec.done_on is None:
                rec.done_form = action_form(actions, "recommendation-done", rec, bound=bound)
    return render_person_page(
        request,
        person,
        "care/statutory.html",
        record=record,
        period=period,
        forms=page_forms,
        error_forms=error_forms(bound),
    )


@person_page()
def statutory(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    return _statutory_page(request, person)


@person_page(Capability.WRITE_RECORDS)
@require_POST
def statutory_action(request: AuthenticatedRequest, person: Person, action: str) -> HttpResponse:
    actions = _statutory_actions(request)
    model = STATUTORY_TARGETS.get(action)
    if model is None:
        raise Http404("No such action")
    object_id = str(request.POST.get("object_id", ""))
    target = (
        model.objects.filter(person=person, pk=int(object_id)).first()
        if parsing.is_ascii_number(object_id) and len(object_id) <= 18
        else None
    )
    if target is None:
        raise Http404("No such record for this child")
    return run_action(
        request,
        actions,
        action,
        target,
        done=reverse("care:statutory", args=[person.pk]),
        page=lambda bound: _statutory_page(request, person, bound),
    )


@requires(Capability.CHAIR_CONFERENCES)
def iro_reviews(request: AuthenticatedRequest) -> HttpResponse:
    """An IRO's children: each open period of care they review, with its next review."""
    periods = with_next_review(iro_children(user=request.user))
    access_log_listed(
        user=request.user,
        person_ids=[p.person_id for p in periods],
        request=request,
        detail="looked-after reviews",
    )
    return render(request, "care/iro_reviews.html", {"periods": periods})
