"""Closing a case: the worker proposes with a summary and reason, a manager signs it off or
returns it; after sign-off the child leaves the worker's caseload."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from haven.childinneed import services
from haven.childinneed.models import ClosureStatus
from haven.core.errors import ConflictError
from haven.frontdoor.models import Referral
from haven.frontdoor.services import referral_create
from haven.people.services import case_allocate
from haven.work.items import Scope, work_for
from haven.work.selectors import caseload_for_worker

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def referral(child, manager, worker, teams):
    referral = referral_create(
        person=child,
        by=manager,
        referral_date=TODAY - datetime.timedelta(days=20),
        source="6",
        team=teams["assessment"],
    )
    case_allocate(person=child, by=manager, team=teams["assessment"], worker=worker)
    referral.assessments.update(
        status="authorised", authorised_on=TODAY, authorised_by=manager, outcome="nfa"
    )
    return referral


def propose(referral, worker, **values):
    data = {"closure_date": TODAY, "reason": "RC8", "summary": "Family supported; no concerns."}
    return services.closure_propose(referral=referral, by=worker, **{**data, **values})


def test_signing_off_closes_the_episode_and_the_child_leaves_the_workers_caseload(
    referral, child, worker, manager
):
    proposal = propose(referral, worker)
    assert Referral.objects.get(pk=referral.pk).closure_date is None  # nothing closes yet
    assert [i.title for i in work_for(manager, Scope.TEAMS) if i.awaiting_authorisation] == [
        "Sign off closing the case"
    ]

    services.closure_sign_off(proposal=proposal, by=manager)

    closed = Referral.objects.get(pk=referral.pk)
    assert (closed.closure_date, closed.closure_reason) == (TODAY, "RC8")
    assert list(caseload_for_worker(user=worker)) == []
    assert child.allocations.filter(end_date__isnull=True).count() == 0
    assert work_for(worker, Scope.MINE) == []
    assert child.chronology_events.filter(kind="closure").exists()


def test_a_worker_cannot_sign_off_or_close_directly(referral, worker):
    proposal = propose(referral, worker)
    with pytest.raises(ValidationError, match="Only a team manager"):
        services.closure_sign_off(proposal=proposal, by=worker)
    with pytest.raises(ValidationError, match="Only a team manager"):
        services.episode_close(referral=referral, by=worker, closure_date=TODAY, reason="RC8")


def test_a_returned_closure_goes_back_to_the_worker_with_the_comments(referral, worker, manager):
    proposal = propose(referral, worker)
    with pytest.raises(ValidationError, match="Say why"):
        services.closure_return(proposal=proposal, by=manager, comments=" ")
    services.closure_return(proposal=proposal, by=manager, comments="Visit once more first")

    assert Referral.objects.get(pk=referral.pk).closure_date is None
    assert [i.title for i in work_for(worker, Scope.MINE)] == ["Closure returned for changes"]
    with pytest.raises(ConflictError, match="already returned"):
        services.closure_sign_off(proposal=proposal, by=manager)
    propose(referral, worker)  # the worker may propose again
    assert [i.title for i in work_for(worker, Scope.MINE)] == []


def test_one_proposal_at_a_time_and_a_summary_is_needed(referral, worker):
    with pytest.raises(ValidationError, match="Write the closure summary"):
        propose(referral, worker, summary="  ")
    propose(referral, worker)
    with pytest.raises(ConflictError, match="already awaiting"):
        propose(referral, worker)


def test_closure_cannot_be_proposed_while_work_is_open(referral, worker):
    referral.assessments.update(status="in_progress")
    with pytest.raises(ValidationError, match="the assessment started"):
        propose(referral, worker)


def test_the_page_offers_only_what_the_role_may_do_now(referral, child, as_worker, as_manager):
    url = reverse("childinneed:closure", args=[child.pk])
    page = as_worker.get(url).content.decode()
    assert 'name="propose"' in page and 'name="sign-off"' not in page

    response = as_worker.post(url, {"propose": "1", "close-reason": "RC8", "close-summary": ""})
    assert response.status_code == 200
    assert "Write the closure summary" in response.content.decode()
    assert "Error: " in response.content.decode()

    response = as_worker.post(
        url,
        {
            "propose": "1",
            "close-closure_date_day": str(TODAY.day),
            "close-closure_date_month": str(TODAY.month),
            "close-closure_date_year": str(TODAY.year),
            "close-reason": "RC8",
            "close-summary": "Done",
        },
    )
    assert response.status_code == 302
    page = as_worker.get(url).content.decode()
    assert "Awaiting a manager" in page and "s sign-off" in page and 'name="propose"' not in page
    assert 'name="sign-off"' not in page
    # A worker posting the manager's button by hand is refused.
    assert as_worker.post(url, {"sign-off": "1"}).status_code == 403

    page = as_manager.get(url).content.decode()
    assert 'name="sign-off"' in page
    response = as_manager.post(url, {"sign-off": "1", "decide-manager_comments": ""})
    assert response.status_code == 302 and response["Location"] == reverse("work:home")
    assert referral.closure_proposals.get().status == ClosureStatus.SIGNED_OFF
    # The child is no longer the worker's: their record is out of the worker's need-to-know.
    assert as_worker.get(url).status_code == 404
