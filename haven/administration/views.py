"""User and team administration: thin views over ``services`` and ``selectors``, every page
for MANAGE_USERS only, every form through ``haven.ui.actions.run_action``."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.models import Team, User
from haven.accounts.permissions import Capability, requires
from haven.administration import forms, selectors, services
from haven.ui.actions import Action, Bound, action_form, error_forms, run_action
from haven.ui.forms import apply_errors

# The one-time password of a new or reset account, kept in the administrator's session only
# until the next page shows it once.
ONE_TIME = "administration_one_time_password"

manages = requires(Capability.MANAGE_USERS)


def _remember_password(request: AuthenticatedRequest, user: User, password: str) -> None:
    request.session[ONE_TIME] = {"user_id": user.pk, "password": password}


def _shown_password(request: AuthenticatedRequest, user: User) -> str:
    kept = request.session.get(ONE_TIME)
    if kept and kept.get("user_id") == user.pk:
        del request.session[ONE_TIME]
        return str(kept.get("password", ""))
    return ""


@manages
def users(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.UserFilterForm(request.GET or None)
    chosen: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        chosen = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    found = selectors.users_for_admin(by=request.user, **chosen)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "administration/users.html",
        {"form": form, "page_obj": page, "users": page.object_list, "filtered": bool(chosen)},
    )


def _user_fields(data: dict[str, Any]) -> dict[str, Any]:
    keep = ("username", "first_name", "last_name", "email", "job_title", "role", "teams")
    return {k: data[k] for k in keep}


@manages
def user_create(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_create(
                by=request.user,
                password=form.cleaned_data["password"],
                **_user_fields(form.cleaned_data),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            _remember_password(request, user, password)
            messages.success(request, f"Account created for {user.display_name}")
            return redirect("administration:user", user.pk)
    return render(request, "administration/user_form.html", {"form": form, "creating": True})


def _user_actions(request: AuthenticatedRequest) -> dict[str, Action]:
    by = request.user

    def reset_password(user: User, data: dict[str, Any]) -> None:
        password = services.user_password_reset(
            by=by, user=user, version=data["version"], password=data["password"]
        )
        _remember_password(request, user, password)

    return {
        "edit": Action(
            form=forms.UserForm,
            form_kwargs=lambda user: {"user": user},
            do=lambda user, data: services.user_update(
                by=by, user=user, version=data["version"], **_user_fields(data)
            ),
            success=lambda user: f"{user.display_name}'s account is saved",
        ),
        "disable": Action(
            form=forms.VersionForm,
            prefix="disable",
            do=lambda user, data: services.user_disable(by=by, user=user, version=data["version"]),
            success=lambda user: f"{user.display_name}'s account is disabled: they are signed out",
        ),
        "enable": Action(
            form=forms.VersionForm,
            prefix="enable",
            do=lambda user, data: services.user_enable(by=by, user=user, version=data["version"]),
            success=lambda user: f"{user.display_name}'s account is active again",
        ),
        "reset-password": Action(
            form=forms.PasswordResetForm,
            prefix="password",
            do=reset_password,
            success=lambda user: f"{user.display_name}'s password is reset",
        ),
        "reset-two-factor": Action(
            form=forms.VersionForm,
            prefix="twofactor",
            do=lambda user, data: services.user_second_factor_reset(
                by=by, user=user, version=data["version"]
            ),
            success=lambda user: (
                f"{user.display_name}'s two-factor authentication is reset: they set up their "
                "authenticator app again when they next sign in"
            ),
        ),
    }


def _fresh(actions: dict[str, Action], name: str, user: User) -> Any:
    form = actions[name].build(None, user)
    form.initial["version"] = user.version
    if name == "edit":
        form.initial.update(
            {f: getattr(user, f) for f in ("username", "first_name", "last_name", "email")}
            | {"job_title": user.job_title, "role": user.role, "teams": list(user.teams.all())}
        )
    return form


def _user_page(
    request: AuthenticatedRequest, user: User, actions: dict[str, Action], bound: Bound | None
) -> HttpResponse:
    status = 200
    if bound is not None:
        status = 409 if bound.conflict is not None else 400
        user = selectors.user_for_admin(by=request.user, user_id=user.pk)
    template = "administration/user_edit.html" if bound and bound.name == "edit" else None
    page_forms = {
        name.replace("-", "_"): action_form(
            actions, name, user, bound=bound, fresh=partial(_fresh, actions, name, user)
        )
        for name in actions
    }
    context = {
        "subject": user,
        "forms": page_forms,
        "error_forms": error_forms(bound),
        "conflict": bound.conflict if bound else None,
    }
    if template:
        return render(request, template, context, status=status)
    context |= {
        "one_time_password": _shown_password(request, user),
        "history": selectors.user_history(by=request.user, user=user),
        "has_authenticator": selectors.has_authenticator(user),
        "is_self": user.pk == request.user.pk,
    }
    return render(request, "administration/user_detail.html", context, status=status)


@manages
def user_detail(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    user = selectors.user_for_admin(by=request.user, user_id=user_id)
    return _user_page(request, user, _user_actions(request), None)


@manages
def user_edit(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    user = selectors.user_for_admin(by=request.user, user_id=user_id)
    actions = _user_actions(request)
    if request.method == "POST":
        return user_action(request, user_id, "edit")
    context = {
        "subject": user,
        "forms": {"edit": _fresh(actions, "edit", user)},
        "error_forms": [],
    }
    return render(request, "administration/user_edit.html", context)


@require_POST
@manages
def user_action(request: AuthenticatedRequest, user_id: int, action: str) -> HttpResponse:
    user = selectors.user_for_admin(by=request.user, user_id=user_id)
    actions = _user_actions(request)
    return run_action(
        request,
        actions,
        action,
        user,
        done=reverse("administration:user", args=[user.pk]),
        page=lambda bound: _user_page(request, user, actions, bound),
    )


# --------------------------------------------------------------------------------------------
# Teams


@manages
def teams(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request, "administration/teams.html", {"teams": selectors.teams_for_admin(by=request.user)}
    )


@manages
def team_create(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.TeamForm(request.POST or None)
    del form.fields["version"]
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                by=request.user,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                area=form.cleaned_data["area"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Team {team.name} created")
            return redirect("administration:teams")
    return render(request, "administration/team_form.html", {"form": form, "creating": True})


def _team_actions(request: AuthenticatedRequest) -> dict[str, Action]:
    by = request.user
    return {
        "edit": Action(
            form=forms.TeamForm,
            do=lambda team, data: services.team_update(
                by=by,
                team=team,
                version=data["version"],
                name=data["name"],
                kind=data["kind"],
                area=data["area"],
            ),
            success="Team saved",
        ),
        "deactivate": Action(
            form=forms.VersionForm,
            prefix="deactivate",
            do=lambda team, data: services.team_deactivate(
                by=by, team=team, version=data["version"]
            ),
            success=lambda team: f"{team.name} is no longer active",
        ),
        "reactivate": Action(
            form=forms.VersionForm,
            prefix="reactivate",
            do=lambda team, data: services.team_reactivate(
                by=by, team=team, version=data["version"]
            ),
            success=lambda team: f"{team.name} is active again",
        ),
    }


def _team_page(
    request: AuthenticatedRequest, team: Team, actions: dict[str, Action], bound: Bound | None
) -> HttpResponse:
    status = 200
    if bound is not None:
        status = 409 if bound.conflict is not None else 400
        team = selectors.team_for_admin(by=request.user, team_id=team.pk)

    def fresh(name: str) -> Any:
        form = actions[name].build(None, team)
        form.initial["version"] = team.version
        if name == "edit":
            form.initial |= {"name": team.name, "kind": team.kind, "area": team.area}
        return form

    page_forms = {
        name: action_form(actions, name, team, bound=bound, fresh=partial(fresh, name))
        for name in actions
    }
    members = team.members.order_by("last_name", "first_name")
    return render(
        request,
        "administration/team_form.html",
        {
            "team": team,
            "form": page_forms["edit"],
            "forms": page_forms,
            "error_forms": error_forms(bound),
            "conflict": bound.conflict if bound else None,
            "members": members,
        },
        status=status,
    )


@manages
def team_edit(request: AuthenticatedRequest, team_id: int) -> HttpResponse:
    team = selectors.team_for_admin(by=request.user, team_id=team_id)
    if request.method == "POST":
        return team_action(request, team_id, "edit")
    return _team_page(request, team, _team_actions(request), None)


@require_POST
@manages
def team_action(request: AuthenticatedRequest, team_id: int, action: str) -> HttpResponse:
    team = selectors.team_for_admin(by=request.user, team_id=team_id)
    actions = _team_actions(request)
    return run_action(
        request,
        actions,
        action,
        team,
        done=reverse("administration:teams"),
        page=lambda bound: _team_page(request, team, actions, bound),
    )
