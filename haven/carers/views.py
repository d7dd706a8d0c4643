"""The register of carers and homes: lists with places and vacancies (SEE_CARERS), adding and
editing (MANAGE_PLACEMENTS). Thin views over ``services`` and ``selectors``."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, requires
from haven.carers import forms, selectors, services
from haven.carers.models import ChildrensHome, FosteringHousehold
from haven.ui.actions import Action, Bound, action_form, error_forms, run_action
from haven.ui.forms import apply_errors

reads = requires(Capability.SEE_CARERS)
manages = requires(Capability.SEE_CARERS, Capability.MANAGE_PLACEMENTS)

HOUSEHOLD_FIELDS = (
    "reference",
    "name",
    "address",
    "postcode",
    "connected",
    "approved_adopters",
    "approved_on",
    "age_from",
    "age_to",
    "places",
)
HOME_FIELDS = (
    "name",
    "operator",
    "secure",
    "urn",
    "address",
    "postcode",
    "places",
    "weekly_cost",
    "opened_on",
    "closed_on",
)


def _fields(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: data[name] for name in names}


def _today() -> Any:
    return timezone.localdate()


def _show_all(request: AuthenticatedRequest) -> bool:
    return request.GET.get("show") == "all"


@reads
def households(request: AuthenticatedRequest) -> HttpResponse:
    show_all = _show_all(request)
    return render(
        request,
        "carers/households.html",
        {
            "rows": selectors.households(on=_today(), current=not show_all),
            "show_all": show_all,
        },
    )


@reads
def homes(request: AuthenticatedRequest) -> HttpResponse:
    show_all = _show_all(request)
    return render(
        request,
        "carers/homes.html",
        {"rows": selectors.homes(on=_today(), current=not show_all), "show_all": show_all},
    )


def _create(
    request: AuthenticatedRequest,
    form_class: Any,
    create: Any,
    names: tuple[str, ...],
    template: str,
    done: str,
) -> HttpResponse:
    form = form_class(request.POST or None)
    del form.fields["version"]
    if request.method == "POST" and form.is_valid():
        try:
            made = create(by=request.user, **_fields(form.cleaned_data, names))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{made.name} added")
            return redirect(done, made.pk)
    return render(request, template, {"form": form, "creating": True})


@manages
def household_create(request: AuthenticatedRequest) -> HttpResponse:
    return _create(
        request,
        forms.HouseholdForm,
        services.household_create,
        HOUSEHOLD_FIELDS,
        "carers/household.html",
        "carers:household",
    )


@manages
def home_create(request: AuthenticatedRequest) -> HttpResponse:
    return _create(
        request,
        forms.HomeForm,
        services.home_create,
        HOME_FIELDS,
        "carers/home.html",
        "carers:home",
    )


def _household_actions(request: AuthenticatedRequest) -> dict[str, Action]:
    by = request.user
    return {
        "edit": Action(
            form=forms.HouseholdForm,
            do=lambda h, data: services.household_update(
                by=by, household=h, version=data["version"], **_fields(data, HOUSEHOLD_FIELDS)
            ),
            success="Household saved",
        ),
        "end-approval": Action(
            form=forms.ApprovalEndForm,
            prefix="end",
            do=lambda h, data: services.household_approval_end(
                by=by, household=h, version=data["version"], ended_on=data["ended_on"]
            ),
            success=lambda h: f"{h.name}'s approval has ended",
        ),
    }


def _home_actions(request: AuthenticatedRequest) -> dict[str, Action]:
    by = request.user
    return {
        "edit": Action(
            form=forms.HomeForm,
            do=lambda home, data: services.home_update(
                by=by, home=home, version=data["version"], **_fields(data, HOME_FIELDS)
            ),
            success="Home saved",
        ),
    }


def _record_page(
    request: AuthenticatedRequest,
    record: FosteringHousehold | ChildrensHome,
    actions: dict[str, Action],
    bound: Bound | None,
    *,
    names: tuple[str, ...],
    template: str,
    places: Any,
) -> HttpResponse:
    status = 200
    if bound is not None:
        status = 409 if bound.conflict is not None else 400
        record = type(record).objects.get(pk=record.pk)

    def fresh(name: str) -> Any:
        form = actions[name].build(None, record)
        form.initial["version"] = record.version
        if name == "edit":
            form.initial |= {f: getattr(record, f) for f in names}
        return form

    page_forms = {
        name.replace("-", "_"): action_form(
            actions, name, record, bound=bound, fresh=partial(fresh, name)
        )
        for name in actions
    }
    today = _today()
    return render(
        request,
        template,
        {
            "record": record,
            "form": page_forms["edit"],
            "forms": page_forms,
            "error_forms": error_forms(bound),
            "conflict": bound.conflict if bound else None,
            "places": places(record, today),
            "today": today,
        },
        status=status,
    )


def _household_places(household: FosteringHousehold, on: Any) -> selectors.Places:
    placed = selectors.occupancy(on).households.get(household.pk, 0)
    return selectors.household_places(household, on, placed)


def _home_places(home: ChildrensHome, on: Any) -> selectors.Places:
    return selectors.home_places(home, on, selectors.occupancy(on).homes.get(home.pk, 0))


def _household_page(
    request: AuthenticatedRequest, household: FosteringHousehold, bound: Bound | None
) -> HttpResponse:
    return _record_page(
        request,
        household,
        _household_actions(request),
        bound,
        names=HOUSEHOLD_FIELDS,
        template="carers/household.html",
        places=_household_places,
    )


def _home_page(
    request: AuthenticatedRequest, home: ChildrensHome, bound: Bound | None
) -> HttpResponse:
    return _record_page(
        request,
        home,
        _home_actions(request),
        bound,
        names=HOME_FIELDS,
        template="carers/home.html",
        places=_home_places,
    )


@reads
def household(request: AuthenticatedRequest, household_id: int) -> HttpResponse:
    found = selectors.household_get(household_id)
    if request.method == "POST":
        return household_action(request, household_id, "edit")
    return _household_page(request, found, None)


@require_POST
@manages
def household_action(
    request: AuthenticatedRequest, household_id: int, action: str
) -> HttpResponse:
    found = selectors.household_get(household_id)
    return run_action(
        request,
        _household_actions(request),
        action,
        found,
        done=reverse("carers:household", args=[found.pk]),
        page=lambda bound: _household_page(request, found, bound),
    )


@reads
def home(request: AuthenticatedRequest, home_id: int) -> HttpResponse:
    found = selectors.home_get(home_id)
    if request.method == "POST":
        return home_action(request, home_id, "edit")
    return _home_page(request, found, None)


@require_POST
@manages
def home_action(request: AuthenticatedRequest, home_id: int, action: str) -> HttpResponse:
    found = selectors.home_get(home_id)
    return run_action(
        request,
        _home_actions(request),
        action,
        found,
        done=reverse("carers:home", args=[found.pk]),
        page=lambda bound: _home_page(request, found, bound),
    )
