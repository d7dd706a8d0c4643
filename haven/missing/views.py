"""The Missing tab of every child's page (looked after or not): the episodes newest first with
their return home interviews, the repeat count, and the forms to record what happens."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from haven.accounts.http import AuthenticatedRequest
from haven.accounts.permissions import Capability, user_can
from haven.missing import forms, selectors, services
from haven.missing.models import MissingEpisode, ReturnInterview
from haven.people.models import Person
from haven.ui import parsing
from haven.ui.actions import Action, Bound, action_form, error_forms, run_action
from haven.ui.pages import person_page, render_person_page

EPISODE_ACTIONS = ("return", "correct", "remove", "notify", "offer")
INTERVIEW_ACTIONS = ("decline", "held")


def _correct_initial(episode: MissingEpisode) -> dict[str, Any]:
    return {
        "kind": episode.kind,
        **forms.moment_initial("started_at", episode.started_at),
        **forms.moment_initial("ended_at", episode.ended_at),
        **forms.moment_initial("reported_to_police_at", episode.reported_to_police_at),
        "last_seen": episode.last_seen,
        "police_reference": episode.police_reference,
        "risk": episode.risk,
        "where_found": episode.where_found,
        "found_by": episode.found_by,
        "placing_council": episode.placing_council,
        "version": episode.version,
    }


def _actions(request: AuthenticatedRequest, person: Person) -> dict[str, Action]:
    by = request.user
    return {
        "record": Action(
            form=forms.EpisodeForm,
            prefix="episode",
            do=lambda _, d: services.episode_record(person=person, by=by, **d),
            success="Missing episode recorded",
        ),
        "return": Action(
            form=forms.ReturnForm,
            prefix=lambda e: f"return{e.pk}",
            do=lambda e, d: services.episode_return(episode=e, by=by, **d),
            success="Return recorded: offer a return home interview within 72 hours",
        ),
        "correct": Action(
            form=forms.CorrectForm,
            prefix=lambda e: f"correct{e.pk}",
            form_kwargs=lambda e: {"initial": _correct_initial(e)},
            do=lambda e, d: services.episode_correct(episode=e, by=by, **d),
            success="Episode corrected",
        ),
        "remove": Action(
            form=forms.RemoveForm,
            prefix=lambda e: f"remove{e.pk}",
            do=lambda e, d: services.episode_remove(episode=e, by=by, **d),
            success="Episode removed",
        ),
        "notify": Action(
            form=forms.NotifyForm,
            prefix=lambda e: f"notify{e.pk}",
            do=lambda e, d: services.placing_council_notify(episode=e, by=by, **d),
            success="Placing council's notification recorded",
        ),
        "offer": Action(
            form=forms.OfferForm,
            prefix=lambda e: f"offer{e.pk}",
            do=lambda e, d: services.rhi_offer(episode=e, by=by, **d),
            success="Return home interview offered",
        ),
        "decline": Action(
            form=forms.DeclineForm,
            prefix=lambda i: f"decline{i.pk}",
            do=lambda i, d: services.rhi_decline(interview=i, by=by, **d),
            success="Return home interview declined",
        ),
        "held": Action(
            form=forms.HeldForm,
            prefix=lambda i: f"held{i.pk}",
            do=lambda i, d: services.rhi_hold(interview=i, by=by, **d),
            success="Return home interview recorded",
        ),
        "strategy-discussion": Action(
            form=forms.DiscussionForm,
            prefix="discussion",
            do=lambda _, d: services.repeat_discussion_record(person=person, by=by, **d),
            success="Strategy discussion recorded",
        ),
    }


def _page(request: AuthenticatedRequest, person: Person, bound: Bound | None) -> HttpResponse:
    actions = _actions(request, person)
    record = selectors.missing_record(person=person)
    now = timezone.now()
    writes = user_can(request.user, Capability.WRITE_RECORDS)
    for episode in record["episodes"]:
        interview = getattr(episode, "return_interview", None)
        episode.interview = interview
        episode.offered_in_time = episode.interview_offered_in_time(interview)
        due = episode.interview_due_at
        episode.interview_overdue = interview is None and due is not None and due < now
        if not writes:
            continue
        names = ["correct", "remove"]
        if episode.ended_at is None:
            names.append("return")
        elif interview is None:
            names.append("offer")
        if episode.placing_council_notified_at is None:
            names.append("notify")
        episode.forms = {n: action_form(actions, n, episode, bound=bound) for n in names}
        if interview is not None and interview.completed_at is None and interview.accepted is None:
            interview.forms = {
                n: action_form(actions, n, interview, bound=bound) for n in INTERVIEW_ACTIONS
            }
    return render_person_page(
        request,
        person,
        "missing/tab.html",
        **record,
        recent_label=f"Episodes in the last {record['rule'].days} days",
        record_form=action_form(actions, "record", None, bound=bound),
        discussion_form=action_form(actions, "strategy-discussion", None, bound=bound),
        error_forms=error_forms(bound),
    )


@person_page()
def tab(request: AuthenticatedRequest, person: Person) -> HttpResponse:
    return _page(request, person, None)


def _object(model: Any, person: Person, object_id: Any) -> Any:
    text = str(object_id or "")
    found = (
        model.objects.filter(person=person, pk=int(text)).first()
        if parsing.is_ascii_number(text) and len(text) <= 18
        else None
    )
    if found is None:
        raise Http404("No such record for this child")
    return found


@person_page(Capability.WRITE_RECORDS)
@require_POST
def action(request: AuthenticatedRequest, person: Person, action: str) -> HttpResponse:
    actions = _actions(request, person)
    if action not in actions:
        raise Http404("No such action")
    target: Any = None
    if action in EPISODE_ACTIONS:
        target = _object(MissingEpisode, person, request.POST.get("object_id"))
    elif action in INTERVIEW_ACTIONS:
        target = _object(ReturnInterview, person, request.POST.get("object_id"))
    return run_action(
        request,
        actions,
        action,
        target,
        done=reverse("missing:tab", args=[person.pk]),
        page=lambda bound: _page(request, person, bound),
    )
