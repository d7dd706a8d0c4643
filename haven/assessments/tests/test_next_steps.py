"""What an assessment sets in motion: the primary need reaches the census, an authorised
strategy discussion recommendation becomes a task, and urgent work sorts first."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from haven.assessments import services
from haven.assessments.models import NextStep
from haven.assessments.tests.test_services import fill
from haven.frontdoor.models import Referral
from haven.protection.services import strategy_discussion_record
from haven.work.items import Scope, work_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(child, manager, worker, teams):
    from haven.frontdoor.services import referral_create

    referral = referral_create(
        person=child,
        by=manager,
        referral_date=datetime.date(2024, 3, 28),
        source="6",
        team=teams["assessment"],
    )
    a = referral.assessments.get()
    services.assessment_allocate(assessment=a, worker=worker, by=manager)
    a.refresh_from_db()
    return a


def submitted(assessment, worker, **values):
    a = fill(assessment, worker, overdue_reason="Family moved twice", **values)
    return services.assessment_submit(assessment=a, by=worker)


def test_the_primary_need_is_needed_to_submit_and_reaches_the_census_when_authorised(
    assessment,
    worker,
    manager,
):
    draft = fill(assessment, worker, overdue_reason="Late", primary_need="")
    with pytest.raises(ValidationError, match="primary need"):
        services.assessment_submit(assessment=draft, by=worker)
    a = submitted(draft, worker, primary_need="N4")
    services.assessment_authorise(
        assessment=a, by=manager, authorised_on=datetime.date(2024, 4, 30)
    )

    assert Referral.objects.get(pk=a.referral_id).primary_need == "N4"
    from haven.returns.export import cin_census_build

    xml = cin_census_build(year=2024, person_ids=[a.person_id]).xml.decode()
    assert "<PrimaryNeedCode>N4</PrimaryNeedCode>" in xml


def test_an_authorised_strategy_discussion_recommendation_creates_the_workers_task_until_held(
    assessment,
    worker,
    manager,
):
    a = submitted(assessment, worker, outcome="strategy_discussion")
    services.assessment_authorise(
        assessment=a, by=manager, authorised_on=datetime.date(2024, 4, 30)
    )

    task = NextStep.objects.get(assessment=a)
    assert (task.worker, task.kind, task.due_date) == (
        worker,
        "strategy_discussion",
        datetime.date(2024, 5, 1),
    )
    mine = [i for i in work_for(worker, Scope.MINE) if i.title == "Hold a strategy discussion"]
    assert len(mine) == 1 and mine[0].urgent
    assert work_for(worker, Scope.MINE)[0] == mine[0]  # urgent first

    strategy_discussion_record(
        referral=a.referral,
        by=worker,
        held_on=datetime.date(2024, 5, 1),
        agencies=["police"],
        decision="start_s47",
    )
    assert not [i for i in work_for(worker, Scope.MINE) if i.title == "Hold a strategy discussion"]


def test_an_urgent_recommendation_awaiting_authorisation_sorts_before_the_45_day_clock(
    assessment,
    worker,
    manager,
    make_child,
    teams,
):
    from haven.frontdoor.services import referral_create

    other = make_child(given_names="Ben")
    calm = referral_create(
        person=other,
        by=manager,
        referral_date=datetime.date(2024, 3, 1),
        source="6",
        team=teams["assessment"],
    ).assessments.get()
    services.assessment_allocate(assessment=calm, worker=worker, by=manager)
    calm.refresh_from_db()
    submitted(calm, worker, outcome="cin_plan")
    submitted(assessment, worker, outcome="strategy_discussion")

    to_authorise = [i for i in work_for(manager, Scope.TEAMS) if i.awaiting_authorisation]
    assert [i.person_names for i in to_authorise] == ["John Smith", "Ben Smith"]
    assert to_authorise[0].urgent and not to_authorise[1].urgent
    # The calmer one was due first by the 45-day clock.
    assert calm.due_date < assessment.due_date


def test_the_assessment_page_says_what_was_created_with_a_link(
    assessment,
    worker,
    manager,
    as_manager,
):
    a = submitted(assessment, worker, outcome="strategy_discussion")
    url = reverse("assessments:assessment_detail", args=[a.pk])
    page = as_manager.get(url).content.decode()
    assert "What happens next" in page and "a task to hold one is created for Sam Okafor" in page

    as_manager.post(url, {"authorise": "1", "manager_comments": ""})
    page = as_manager.get(url).content.decode()
    assert "Task created: hold a strategy discussion, for Sam Okafor" in page
    assert reverse("protection:child_protection", args=[a.person_id]) in page
    assert 'name="authorise"' not in page  # not offered once authorised
