"""The child's Oversight tab, workers' supervision pages and the oversight figures."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.models import User
from haven.accounts.permissions import Capability, requires, user_can
from haven.core.services import access_log_listed
from haven.oversight import figures, selectors, services
from haven.oversight.forms import (
    CompleteForm,
    OversightForm,
    SupervisionForm,
    SupervisionProfileForm,
)
from haven.oversight.models import OversightAction
from haven.people.models import Person
from haven.ui.actions import Action, Bound, action_form, error_forms, run_action
from haven.ui.pages import person_page, render_person_page


def _posted_action(request: AuthenticatedRequest, actions: dict[str, Action]) -> str:
    return next((name for name in actions if name in request.POST), "")


def _complete_action(by: User) -> Action:
    return Action(
        form=CompleteForm,
        prefix=lambda action: f"done{action.pk}",
        do=lambda action, data: services.oversight_action_complete(action=action, by=by),
        success=lambda action: f"Action marked as done: {action.description[:80]}",
    )


# -- the child's Oversight tab ---------------------------------------------------------------


def _person_actions(request: AuthenticatedRequest, person: Person) -> dict[str, Action]:
    by = request.user
    owners: list[User] = []

    def owner_choices(_: Any) -> dict[str, Any]:
        if not owners and user_can(by, Capability.RECORD_OVERSIGHT):
            owners.extend(selectors.action_owner_choices(person=person, manager=by))
        return {"owners": owners}

    def record(_: Any, data: dict[str, Any]) -> Any:
        specs = [
            services.ActionSpec(
                owner=owner, description=what, due_date=due, field=f"action_{n}_owner"
            )
            for n, owner, what, due in data["actions"]
        ]
        return services.oversight_record(
            person=person,
            by=by,
            direction=data["direction"],
            next_review_date=data["next_review_date"],
            actions=specs,
        )

    return {
        "record": Action(
            form=OversightForm,
            prefix="oversight",
            form_kwargs=owner_choices,
            do=record,
            needs=(Capability.RECORD_OVERSIGHT,),
            success="Management oversight recorded",
        ),
        "complete": _complete_action(by),
    }


def _person_page(
    request: AuthenticatedRequest, person: Person, bound: Bound | None
) -> HttpResponse:
    actions = _person_actions(request, person)
    oversights = selectors.oversights_for_person(person=person, user=request.user)
    for oversight in oversights:
        for action in oversight.actions.all():
            action.may_complete = not action.is_done and request.user.pk in (  # type: ignore[attr-defined]
                action.owner_id,
                oversight.recorded_by_id,
            )
            action.form_errors = (  # type: ignore[attr-defined]
                bound.form.errors if bound and bound.is_for("complete", action) else None
            )
    case = selectors.open_cases_with_oversight().filter(person=person).first()
    return render_person_page(
        request,
        person,
        "oversight/person.html",
        oversights=oversights,
        case=case,
        due=selectors.oversight_due(case) if case else None,
        today=timezone.localdate(),
        form=(
            action_form(actions, "record", bound=bound)
            if user_can(request.user, Capability.RECORD_OVERSIGHT)
            else None
        ),
        error_forms=error_forms(bound),
    )


@person_page()
def person_oversight(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    """The child's oversight: managers' directions and case discussions from supervision, with
    their actions; a manager records a new direction here, an action's owner marks it done."""
    actions = _person_actions(request, person)
    name = _posted_action(request, actions)
    if request.method == "POST" and not name:
        return _person_page(request, person, None)
    target: OversightAction | None = None
    if name == "complete":
        target = selectors.action_for_person(person=person, action_id=request.POST.get("object_id"))
    return run_action(
        request,
        actions,
        name,
        target,
        done=reverse("oversight:person", args=[person.pk]),
        page=lambda bound: _person_page(request, person, bound),
    )


# -- supervision -------------------------------------------------------------------------------


@requires(Capability.HOLD_CASES)
def supervision_home(request: AuthenticatedRequest) -> HttpResponse:
    """A manager's workers and when each is next due supervision; a worker goes to their own."""
    if not user_can(request.user, Capability.RECORD_OVERSIGHT):
        return redirect("oversight:supervision_worker", user_id=request.user.pk)
    statuses = selectors.supervision_statuses(selectors.supervisees(manager=request.user))
    return render(
        request,
        "oversight/supervision_home.html",
        {"statuses": statuses, "overdue": sum(1 for s in statuses if s.is_overdue)},
    )


def _worker_actions(request: AuthenticatedRequest, worker: User) -> dict[str, Action]:
    by = request.user
    children: list[Person] = []

    def child_choices(_: Any) -> dict[str, Any]:
        if not children and selectors.may_supervise(by, worker):
            children.extend(selectors.case_discussion_children(worker=worker, manager=by))
        return {"children": children}

    def record(_: Any, data: dict[str, Any]) -> Any:
        today = timezone.localdate()
        discussions = [
            services.CaseDiscussion(
                person=child,
                direction=direction,
                actions=(
                    [
                        services.ActionSpec(
                            owner=worker,
                            description=action["what"],
                            due_date=action["due"],
                            field=f"case_{n}_what",
                        )
                    ]
                    if action
                    else []
                ),
                field=f"case_{n}_direction",
            )
            for n, child, direction, action in data["cases"]
        ]
        specs = [
            services.ActionSpec(
                owner=worker, description=what, due_date=due or today, field=f"action_{n}_what"
            )
            for n, what, due in data["actions"]
        ]
        return services.supervision_record(
            worker=worker,
            by=by,
            held_on=data["held_on"],
            reflection=data["reflection"],
            case_discussions=discussions,
            actions=specs,
        )

    def profile(_: Any, data: dict[str, Any]) -> Any:
        return services.supervision_profile_set(
            worker=worker,
            by=by,
            asye=data["asye"],
            employment_start=data["employment_start"],
            version=data["version"],
        )

    return {
        "record": Action(
            form=SupervisionForm,
            prefix="supervision",
            form_kwargs=child_choices,
            do=record,
            needs=(Capability.RECORD_OVERSIGHT,),
            success=f"Supervision with {worker.display_name} recorded",
        ),
        "profile": Action(
            form=SupervisionProfileForm,
            prefix="profile",
            do=profile,
            needs=(Capability.RECORD_OVERSIGHT,),
            success="Supervision schedule saved",
        ),
        "complete": _complete_action(by),
    }


def _worker_page(request: AuthenticatedRequest, worker: User, bound: Bound | None) -> HttpResponse:
    user = request.user
    actions = _worker_actions(request, worker)
    sessions, listed = selectors.supervision_history(worker=worker, user=user)
    access_log_listed(user=user, person_ids=listed, request=request, detail="supervision history")
    for view in sessions:
        for action in view.actions:
            action.may_complete = not action.is_done and user.pk in (  # type: ignore[attr-defined]
                action.owner_id,
                view.session.supervisor_id,
            )
            action.form_errors = (  # type: ignore[attr-defined]
                bound.form.errors if bound and bound.is_for("complete", action) else None
            )
    supervising = selectors.may_supervise(user, worker)
    status = selectors.supervision_status(worker)
    profile = getattr(worker, "supervision_profile", None) if supervising else None
    return render(
        request,
        "oversight/supervision_worker.html",
        {
            "worker": worker,
            "is_self": worker.pk == user.pk,
            "today": timezone.localdate(),
            "status": status,
            "sessions": sessions,
            "supervising": supervising,
            "form": action_form(actions, "record", bound=bound) if supervising else None,
            "profile_form": (
                action_form(
                    actions,
                    "profile",
                    bound=bound,
                    fresh=lambda: SupervisionProfileForm(
                        prefix="profile",
                        initial={
                            "asye": profile.asye if profile else False,
                            "employment_start": profile.employment_start if profile else None,
                            "version": profile.version if profile else 0,
                        },
                    ),
                )
                if supervising
                else None
            ),
            "error_forms": error_forms(bound),
        },
    )


@requires(Capability.HOLD_CASES)
def supervision_worker(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    """A worker's supervision: the schedule, the sessions (the reflective part only for the
    worker and the session's supervisor), and for their manager the forms to record one."""
    worker = selectors.worker_get_for_user(user=request.user, worker_id=user_id)
    actions = _worker_actions(request, worker)
    name = _posted_action(request, actions)
    if request.method == "POST" and not name:
        return _worker_page(request, worker, None)
    target: OversightAction | None = None
    if name == "complete":
        target = selectors.supervision_action_get(
            worker=worker, action_id=request.POST.get("object_id")
        )
    return run_action(
        request,
        actions,
        name,
        target,
        done=reverse("oversight:supervision_worker", args=[worker.pk]),
        page=lambda bound: _worker_page(request, worker, bound),
    )


# -- figures -------------------------------------------------------------------------------------


@requires(Capability.VIEW_FIGURES)
def figures_page(request: AuthenticatedRequest) -> HttpResponse:
    """Oversight on every open case within the interval, and supervision in time, counted from
    the records now; the children without oversight listed as far as the user may see them."""
    oversight = figures.oversight_in_time(user=request.user)
    access_log_listed(
        user=request.user,
        person_ids=[row["person_id"] for row in oversight["shown"]],
        request=request,
        detail="figures: cases without oversight",
    )
    return render(
        request,
        "oversight/figures.html",
        {"oversight": oversight, "supervision": figures.supervision_in_time()},
    )
