"""My work and the manager's team lists, through the test client."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.assessments.services import assessment_allocate
from haven.frontdoor.services import referral_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def assess(manager, teams):
    """Refer a child for assessment (due 45 working days after ``days_ago``), optionally
    allocated to a worker."""

    def make(child, worker=None, days_ago=5):
        referral = referral_create(
            person=child,
            by=manager,
            referral_date=timezone.localdate() - datetime.timedelta(days=days_ago),
            source="6",
            team=teams["assessment"],
        )
        assessment = referral.assessments.get()
        if worker is not None:
            assessment_allocate(assessment=assessment, worker=worker, by=manager)
        return assessment

    return make


# My work's queries, the same for one child or a page of them: session, user, teams, the work
# providers' lists, the caseload, the access-log rows for the children shown, alerts.
# + assessment tasks, + closures, + oversight actions; the cases held (with their workers,
# read once for the list); child protection: their conferences, core groups, enquiries and
# plan actions in one query, CIN and CP plans; + looked-after children's periods (with their
# health and education), placements and review recommendations; + exploitation screenings due after return interviews, + MACE actions;
# + missing children's open episodes and interviews to offer, and their recent episodes (the
# strategy discussions only when there are any); + care leavers (the young people I hold or
# advise: their ids, then what is due).
MY_WORK_QUERIES = 31


@pytest.mark.parametrize("children", [1, 3])
def test_my_work_runs_the_same_queries_whatever_the_number_of_children(
    as_worker, worker, make_child, assess, children, django_assert_num_queries
):
    for n in range(children):
        assess(make_child(given_names=f"Child{n}"), worker)
    as_worker.get(reverse("work:home"))
    with django_assert_num_queries(MY_WORK_QUERIES):
        as_worker.get(reverse("work:home"))
    with django_assert_num_queries(MY_WORK_QUERIES):
        response = as_worker.get(reverse("work:mine"))
    page = response.content.decode()
    for n in range(children):
        assert f"Child{n} Smith" in page
    listed = page[
        page.index('data-testid="my-work"') : page.index(
            "</table>", page.index('data-testid="my-work"')
        )
    ]
    assert listed.count('<span class="govuk-body-s">Assessment</span>') == children


def test_my_work_shows_what_is_overdue_and_my_children(as_worker, worker, make_child, assess):
    assess(make_child(given_names="Late"), worker, days_ago=120)
    assess(make_child(given_names="Recent"), worker)
    page = as_worker.get(reverse("work:home")).content.decode()
    assert (
        '<strong class="govuk-tag govuk-tag--red" data-testid="overdue-count">1 overdue</strong>'
        in page
    )
    assert '<table class="govuk-table" data-testid="caseload">' in page
    assert "Late Smith" in page and "Recent Smith" in page
    # A practitioner sees their own work, not the team's lists.
    assert "Caseloads" not in page and 'data-testid="unallocated"' not in page


def test_a_manager_sees_the_teams_lists_and_caseloads(as_manager, worker, make_child, assess):
    assess(make_child(given_names="Held"), worker)
    assess(make_child(given_names="Waiting"))
    page = as_manager.get(reverse("work:home")).content.decode()
    assert "Unallocated work (1)" in page
    assert 'data-testid="caseloads"' in page
    assert "Sam Okafor" in page
    assert "Children with no named worker" in page and "Waiting Smith" in page


def test_a_team_list_is_for_managers(as_manager, as_worker, make_child, assess):
    assess(make_child(given_names="Waiting"))
    url = reverse("work:team_list", args=["unallocated"])
    page = as_manager.get(url).content.decode()
    assert "Unallocated work" in page and "Waiting Smith" in page
    assert as_worker.get(url).status_code == 403
    assert as_manager.get(reverse("work:team_list", args=["nothing"])).status_code == 404


def test_another_teams_work_is_not_in_my_list(as_outsider, make_child, assess, worker):
    assess(make_child(given_names="Private"), worker)
    page = as_outsider.get(reverse("work:home")).content.decode()
    assert "Private Smith" not in page
    assert "Nothing is due." in page
