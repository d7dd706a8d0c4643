"""The child's Care tab: the period of care as it happened, the episodes derived from it, and
the forms to record what happens next or correct what was recorded."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability
from haven.care import forms, selectors, services
from haven.care.models import CarePeriod, LegalStatusChange, Placement
from haven.core.errors import ConflictError
from haven.people.models import Person
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
                placement=services.PlacementDetails.from_data(d),
            ),
            success="The child is now looked after",
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


def _target(person: Person, action: str, object_id: str | None) -> Any:
    if action in ("ls-correct", "ls-remove"):
        return get_object_or_404(LegalStatusChange, person=person, pk=object_id or 0)
    if action == "placement-correct":
        return get_object_or_404(Placement, person=person, pk=object_id or 0)
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
