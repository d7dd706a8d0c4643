"""A child's episodes (contact, referral, assessments) and closing the case with sign-off."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability
from haven.childinneed import selectors, services
from haven.childinneed.forms import ClosureDecisionForm, ClosureProposeForm
from haven.frontdoor.models import Referral
from haven.people.models import Person
from haven.ui.actions import Action, Bound, action_form, error_forms, run_action
from haven.ui.pages import person_page, render_person_page


@person_page()
def episodes(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    return render_person_page(
        request,
        person,
        "childinneed/episodes.html",
        episodes=selectors.episodes(person=person, user=request.user),
    )


def _open_episode(person: Person) -> Referral | None:
    return Referral.objects.filter(person=person, closure_date__isnull=True).first()


def _actions(request: AuthenticatedRequest, person: Person) -> dict[str, Action]:
    by = request.user

    def pending() -> Any:
        referral = _open_episode(person)
        return selectors.pending_closure(referral=referral) if referral else None

    def sign_off(_: Any, data: dict[str, Any]) -> Any:
        proposal = pending()
        if proposal is None:
            from haven.core.errors import ConflictError

            raise ConflictError({"manager_comments": "There is no closure awaiting sign-off"})
        return services.closure_sign_off(
            proposal=proposal, by=by, comments=data["manager_comments"]
        )

    def return_(_: Any, data: dict[str, Any]) -> Any:
        proposal = pending()
        if proposal is None:
            from haven.core.errors import ConflictError

            raise ConflictError({"manager_comments": "There is no closure awaiting sign-off"})
        return services.closure_return(proposal=proposal, by=by, comments=data["manager_comments"])

    def propose(_: Any, data: dict[str, Any]) -> Any:
        referral = _open_episode(person)
        if referral is None:
            from haven.core.errors import ConflictError

            raise ConflictError({"summary": "This child has no open case to close"})
        return services.closure_propose(referral=referral, by=by, **data)

    return {
        "propose": Action(
            form=ClosureProposeForm,
            prefix="close",
            do=propose,
            success="Closure proposed: it now needs a manager's sign-off",
        ),
        "sign-off": Action(
            form=ClosureDecisionForm,
            prefix="decide",
            needs=(Capability.AUTHORISE,),
            do=sign_off,
            success="Closure signed off: the case is closed",
        ),
        "return": Action(
            form=ClosureDecisionForm,
            prefix="decide",
            needs=(Capability.AUTHORISE,),
            do=return_,
            success="Closure returned to the worker",
        ),
    }


def _page(request: AuthenticatedRequest, person: Person, bound: Bound | None) -> HttpResponse:
    actions = _actions(request, person)
    referral = _open_episode(person)
    pending = selectors.pending_closure(referral=referral) if referral else None
    decision = bound.name if bound and bound.name in ("sign-off", "return") else "sign-off"
    return render_person_page(
        request,
        person,
        "childinneed/closure.html",
        referral=referral,
        pending=pending,
        blocking=services.open_work_blocking_closure(referral) if referral else [],
        history=(
            list(
                referral.closure_proposals.select_related("proposed_by", "decided_by").order_by(
                    "-proposed_at"
                )
            )
            if referral
            else []
        ),
        propose_form=action_form(actions, "propose", bound=bound),
        decision_form=action_form(actions, decision, bound=bound),
        error_forms=error_forms(bound),
    )


@person_page()
def closure(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    """The worker proposes closing the case; a manager signs it off or returns it. After
    sign-off the child leaves the caseload (and, usually, the user's need-to-know), so the
    manager goes back to their work."""
    actions = _actions(request, person)
    action = next((a for a in actions if a in request.POST), "")
    if request.method == "POST" and not action:
        return _page(request, person, None)
    done = (
        reverse("work:home")
        if action == "sign-off"
        else reverse("childinneed:closure", args=[person.pk])
    )
    return run_action(
        request, actions, action, done=done, page=lambda bound: _page(request, person, bound)
    )
