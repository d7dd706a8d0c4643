"""A manager allocates a child: the open work without a worker goes with it, only a manager
may do it, and only to a worker of the team who can hold cases."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import Role
from haven.assessments.models import Assessment
from haven.childinneed.services import cin_plan_start
from haven.frontdoor.services import referral_create
from haven.people import services
from haven.work.selectors import caseload_for_worker, team_unallocated_children

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(child, manager, teams):
    return referral_create(
        person=child,
        by=manager,
        referral_date=timezone.localdate() - datetime.timedelta(days=3),
        source="6",
        team=teams["assessment"],
    )


def test_allocating_a_child_from_no_named_worker_also_allocates_its_open_assessment(
    referral, child, manager, worker, teams
):
    assert [a.person for a in team_unallocated_children(user=manager)] == [child]
    services.case_allocate(person=child, by=manager, team=teams["assessment"], worker=worker)

    assert Assessment.objects.get(referral=referral).worker == worker
    assert [a.person for a in caseload_for_worker(user=worker)] == [child]
    assert list(team_unallocated_children(user=manager)) == []


def test_reallocating_moves_the_previous_workers_open_work_and_fills_a_plan_with_no_worker(
    referral, child, manager, worker, make_user, teams
):
    services.case_allocate(person=child, by=manager, team=teams["assessment"], worker=worker)
    plan = cin_plan_start(referral=referral, by=manager, start_date=referral.referral_date)
    second = make_user(Role.PRACTITIONER, "assessment", first_name="Priya", last_name="Shah")

    services.case_allocate(person=child, by=manager, team=teams["assessment"], worker=second)

    assert Assessment.objects.get(referral=referral).worker == second
    plan.refresh_from_db()
    assert plan.worker == second
    assert list(caseload_for_worker(user=worker)) == []


def test_nobody_but_a_manager_can_allocate_even_calling_the_service(child, worker, teams):
    with pytest.raises(ValidationError, match="Only a team manager can allocate"):
        services.case_allocate(person=child, by=worker, team=teams["assessment"], worker=worker)


def test_a_chair_cannot_hold_a_case(child, manager, make_user, teams):
    chair = make_user(Role.REVIEWING_OFFICER, "assessment", first_name="Chloe", last_name="Chair")
    with pytest.raises(ValidationError, match="cannot hold cases"):
        services.case_allocate(person=child, by=manager, team=teams["assessment"], worker=chair)


def test_the_form_shows_the_current_team_and_lists_only_its_case_holders(
    as_manager, child, worker, outsider, make_user
):
    make_user(Role.REVIEWING_OFFICER, "assessment", first_name="Chloe", last_name="Chair")
    gone = make_user(Role.PRACTITIONER, "assessment", first_name="Gone", last_name="Away")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    page = as_manager.get(reverse("people:allocation", args=[child.pk])).content.decode()
    start = page.index('name="worker"')
    worker_select = page[start : page.index("</select>", start)]
    assert "Sam Okafor" in worker_select
    assert "Tom Hughes" in worker_select  # a manager may hold cases
    for not_listed in ("Olive Outsider", "Chloe Chair", "Gone Away"):
        assert not_listed not in worker_select
    assert "Current team" in page and "Winchester assessment" in page
    team_id = child.allocations.get().team_id
    assert f'<option value="{team_id}" selected>Winchester assessment</option>' in page


def test_a_worker_of_another_team_posted_by_hand_is_refused_beside_the_field(
    as_manager, child, outsider, teams
):
    response = as_manager.post(
        reverse("people:allocation", args=[child.pk]),
        {"team": teams["assessment"].pk, "worker": outsider.pk},
    )
    assert response.status_code == 200
    assert "Choose a worker from the list" in response.content.decode()
    assert child.allocations.get(end_date__isnull=True).worker is None


def test_a_practitioner_is_not_offered_allocation(as_worker, child):
    assert as_worker.get(reverse("people:allocation", args=[child.pk])).status_code == 403
