"""The child's Care tab: the period of care as it happened, the episodes derived from it, and
the forms to record what happens next or correct what was recorded."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, requires
from haven.care import forms, selectors, services
from haven.care.models import (
    CarePeriod,
    CareReview,
    LegalStatusChange,
    Placement,
    ReviewRecommendation,
)
from haven.care.selectors import iro_children, statutory_record, with_next_review
from haven.core.errors import ConflictError
from haven.core.services import access_log_listed
from haven.people.models import Person
from haven.ui import parsing
from haven.ui.actions import Action, Bound, action_form, error_forms, run_action
from haven.ui.pages import person_page, render_person_page

_PLACEMENT_FIELDS = [name for name in forms.PlacementFields.base_fields]


def _placement_initial(placement: Placement) -> dict[str, Any]:
    initial = {
        name: getattr(placement, name)
        for name in _PLACEMENT_FIELDS
        if name not in ("household", "home")
    }
    return initial | {
        "household": placement.household_id,
        "home": placement.home_id,
        "start_date": placement.start_date,
        "change_reason": placement.change_reason,
        "version": placement.version,
    }


def _actions(request: AuthenticatedRequest, person: Person) -> dict[str, Action]:
    by = request.user

    def period() -> CarePeriod:
        found = selectors.open_period(person)
        if found is None:
            raise ConflictError({"start_date": "This child is not looked after now"})
        return found

    return {
        "start": Action(
            form=forms.PeriodStartForm,
            prefix="start",
            do=lambda _, d: services.period_start(
                person=person,
                by=by,
                start_date=d["start_date"],
                legal_status=d["legal_status"],
                category_of_need=d["category_of_need"],
                home_postcode=d["home_postcode"],
                previous_permanence=d["previous_permanence"],
                previous_permanence_la=d["previous_permanence_la"],
                previous_permanence_on=d["previous_permanence_on"],
                placement=services.PlacementDetails.from_data(d),
            ),
            success="The child is now looked after",
        ),
        "previous-permanence": Action(
            form=forms.PreviousPermanenceForm,
            prefix="pp",
            do=lambda _, d: services.previous_permanence_record(period=period(), by=by, **d),
            success="Previous permanence recorded",
        ),
        "legal-status": Action(
            form=forms.LegalStatusForm,
            prefix="ls",
            do=lambda _, d: services.legal_status_record(period=period(), by=by, **d),
            success="Legal status recorded",
        ),
        "move": Action(
            form=forms.MoveForm,
            prefix="move",
            do=lambda _, d: services.placement_move(
                period=period(),
                by=by,
                start_date=d["start_date"],
                change_reason=d["change_reason"],
                placement=services.PlacementDetails.from_data(d),
            ),
            success="Move recorded",
        ),
        "end": Action(
            form=forms.EndForm,
            prefix="end",
            do=lambda _, d: services.period_end(period=period(), by=by, **d),
            success="The child has ceased to be looked after",
        ),
        "iro": Action(
            form=forms.IROForm,
            prefix="iro",
            needs=(Capability.ALLOCATE,),
            do=lambda _, d: services.iro_allocate(period=period(), by=by, iro=d["iro"]),
            success="Independent reviewing officer allocated",
        ),
        "ls-correct": Action(
            form=forms.LegalStatusCorrectForm,
            prefix=lambda s: f"lsc{s.pk}",
            form_kwargs=lambda s: {"initial": {"code": s.code, "start_date": s.start_date}},
            do=lambda s, d: services.legal_status_correct(status=s, by=by, **d),
            success="Legal status corrected: the episodes have been worked out again",
        ),
        "ls-remove": Action(
            form=forms.ConfirmForm,
            prefix=lambda s: f"lsr{s.pk}",
            do=lambda s, d: services.legal_status_remove(status=s, by=by),
            success="Legal status removed: the episodes have been worked out again",
        ),
        "placement-correct": Action(
            form=forms.PlacementCorrectForm,
            prefix=lambda p: f"plc{p.pk}",
            form_kwargs=lambda p: {"initial": _placement_initial(p)},
            do=lambda p, d: services.placement_correct(
                placement=p,
                by=by,
                version=d["version"],
                start_date=d["start_date"],
                change_reason=d["change_reason"],
                details=services.PlacementDetails.from_data(d),
            ),
            success="Placement corrected: the episodes have been worked out again",
        ),
    }


def _child_record(model: Any, person: Person, object_id: str | None) -> Any:
    """The child's record of ``model`` named by a posted id, or 404 (whatever was posted)."""
    object_id = str(object_id or "")
    if not (parsing.is_ascii_number(object_id) and len(object_id) <= 18):
        raise Http404("No such record for this child")
    return get_object_or_404(model, person=person, pk=int(object_id))


def _target(person: Person, action: str, object_id: str | None) -> Any:
    # A posted id that is not a plain number names no record (and must not reach the query).
    if not (object_id and parsing.is_ascii_number(object_id) and len(object_id) <= 18):
        object_id = None
    if action in ("ls-correct", "ls-remove"):
        return _child_record(LegalStatusChange, person, object_id)
    if action == "placement-correct":
        return _child_record(Placement, person, object_id)
    return None


def _page(request: AuthenticatedRequest, person: Person, bound: Bound | None) -> HttpResponse:
    actions = _actions(request, person)
    periods = selectors.periods(person)
    current = next((p for p in periods if p.is_open), None)
    for period in periods:
        for status in period.legal_statuses.all():
            status.correct_form = action_form(actions, "ls-correct", status, bound=bound)  # type: ignore[attr-defined]
            status.remove_form = action_form(actions, "ls-remove", status, bound=bound)  # type: ignore[attr-defined]
        for placement in period.placements.all():
            form = action_form(actions, "placement-correct", placement, bound=bound)
            placement.correct_form = form  # type: ignore[attr-defined]
    return render_person_page(
        request,
        person,
        "care/tab.html",
        periods=periods,
        current=current,
        placement=next((p for p in current.placements.all() if p.end_date is None), None)
        if current
        else None,
        legal_status=list(current.legal_statuses.all())[-1] if current else None,
        start_form=action_form(actions, "start", bound=bound),
        legal_status_form=action_form(actions, "legal-status", bound=bound),
        move_form=action_form(actions, "move", bound=bound),
        end_form=action_form(actions, "end", bound=bound),
        iro_form=action_form(actions, "iro", bound=bound),
        previous_permanence_form=action_form(actions, "previous-permanence", bound=bound),
        error_forms=error_forms(bound),
    )


@person_page()
def tab(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    actions = _actions(request, person)
    action = next((a for a in actions if a in request.POST), "")
    if request.method == "POST" and not action:
        return _page(request, person, None)
    target = _target(person, action, request.POST.get("object_id"))
    return run_action(
        request,
        actions,
        action,
        target,
        done=reverse("care:tab", args=[person.pk]),
        page=lambda bound: _page(request, person, bound),
    )


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
            form_kwargs=lambda review: {"person_id": review.person_id},
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
        # Recommendations are added to the latest review (newest first), by its chair.
        latest = review is record.reviews[0]
        if latest and period is not None and request.user.pk in (review.chair_id, period.iro_id):
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
    target = _child_record(model, person, request.POST.get("object_id"))
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
