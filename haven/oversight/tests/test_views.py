"""The Oversight tab, supervision pages and figures through the test client."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from haven.accounts.models import Role
from haven.core.models import AccessLog
from haven.oversight.models import Oversight, OversightAction, Supervision

pytestmark = pytest.mark.django_db

REFLECTION = "I have been worrying about the Harlow visits at night"


def _date(prefix, days):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def _oversight_post(worker, **extra):
    return {
        "record": "1",
        "oversight-direction": "Hold a strategy discussion this week",
        "oversight-action_1_what": "Visit Jo at home",
        "oversight-action_1_owner": str(worker.pk),
        **_date("oversight-action_1_due", 3),
        **extra,
    }


def test_a_manager_records_oversight_and_the_worker_completes_the_action_from_my_work(
    child, as_manager, as_worker, worker
):
    url = reverse("oversight:person", args=[child.pk])
    page = as_manager.get(url).content.decode()
    assert 'data-testid="oversight-form"' in page
    assert worker.display_name in page  # offered as an action's owner
    response = as_manager.post(url, _oversight_post(worker))
    assert response.status_code == 302
    oversight = Oversight.objects.get(person=child)
    assert oversight.direction == "Hold a strategy discussion this week"

    mine = as_worker.get(reverse("work:mine")).content.decode()
    assert "Visit Jo at home" in mine
    assert reverse("oversight:person", args=[child.pk]) in mine
    tab = as_worker.get(url).content.decode()
    assert 'data-testid="oversight-form"' not in tab  # a practitioner records no oversight
    assert "Mark as done" in tab
    action = OversightAction.objects.get()
    response = as_worker.post(url, {"complete": "1", "object_id": action.pk})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_by == worker
    assert f"#action-{action.pk}" not in as_worker.get(reverse("work:mine")).content.decode()
    # A second click says who did it first, and changes nothing.
    again = as_worker.post(url, {"complete": "1", "object_id": action.pk})
    assert again.status_code == 200
    assert "already marked done by Sam Okafor" in again.content.decode()


def test_a_practitioner_cannot_post_oversight(child, as_worker, worker):
    url = reverse("oversight:person", args=[child.pk])
    assert as_worker.post(url, _oversight_post(worker)).status_code == 403
    assert not Oversight.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"oversight-action_1_owner": ""}, "Choose who will do action 1"),
        ({"oversight-action_1_what": ""}, "Say what action 1 is"),
        ({"oversight-action_1_due_day": ""}, "must include a day"),
        ({"oversight-action_1_due_day": "31", "oversight-action_1_due_month": "2"}, "real date"),
        ({"oversight-direction": "a\x00b"}, "Decision and direction"),
        ({"oversight-direction": "   "}, "Write the decision and direction"),
        ({"oversight-action_1_owner": "99999999999999999999"}, "Select a valid choice"),
        (_date("oversight-action_1_due", -3), "today or in the future"),
        (_date("oversight-next_review_date", -1), "today or in the future"),
    ],
)
def test_bad_input_says_what_is_wrong_and_saves_nothing(child, as_manager, worker, change, message):
    response = as_manager.post(
        reverse("oversight:person", args=[child.pk]), _oversight_post(worker, **change)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert not Oversight.objects.exists()


def test_an_action_on_another_child_is_not_found(child, make_child, as_manager, manager, worker):
    other = make_child(given_names="Mia")
    as_manager.post(reverse("oversight:person", args=[other.pk]), _oversight_post(worker))
    action = OversightAction.objects.get()
    response = as_manager.post(
        reverse("oversight:person", args=[child.pk]), {"complete": "1", "object_id": action.pk}
    )
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.done_at is None


def test_the_oversight_tab_is_need_to_know(child, as_outsider, outsider):
    assert as_outsider.get(reverse("oversight:person", args=[child.pk])).status_code == 404
    assert AccessLog.objects.filter(person_id=child.pk, user=outsider, action="refused").exists()


# -- supervision -------------------------------------------------------------------------------


def _supervision_post(child, **extra):
    return {
        "record": "1",
        **_date("supervision-held_on", 0),
        "supervision-case_1_child": str(child.pk),
        "supervision-case_1_direction": "Move to a child protection conference",
        "supervision-case_1_what": "Write the conference report",
        **_date("supervision-case_1_due", 5),
        "supervision-action_1_what": "Book the court skills course",
        **_date("supervision-action_1_due", 20),
        "supervision-reflection": REFLECTION,
        **extra,
    }


def test_a_supervision_discusses_cases_on_their_record_and_keeps_the_reflection_private(
    child, manager, worker, as_manager, as_worker, make_user
):
    url = reverse("oversight:supervision_worker", args=[worker.pk])
    page = as_manager.get(url).content.decode()
    assert 'data-testid="supervision-form"' in page and child.full_name in page
    response = as_manager.post(url, _supervision_post(child))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Supervision.objects.get().supervisor == manager

    # The child's record: the case discussion, never the reflection.
    for client in (as_manager, as_worker):
        tab = client.get(reverse("oversight:person", args=[child.pk])).content.decode()
        assert "Move to a child protection conference" in tab
        assert "Case discussion in supervision" in tab
        assert REFLECTION not in tab
        for name in ("chronology:person_chronology", "people:access_log", "people:person_detail"):
            assert REFLECTION not in client.get(reverse(name, args=[child.pk])).content.decode()
    # The worker sees it all on their own page, and the actions on their work.
    own = as_worker.get(url).content.decode()
    assert REFLECTION in own and "Move to a child protection conference" in own
    mine = as_worker.get(reverse("work:mine")).content.decode()
    assert "Book the court skills course" in mine and "Write the conference report" in mine
    assert REFLECTION not in mine
    # Another manager of the team sees the session, not the reflection.
    other_manager = client_for(make_user(Role.TEAM_MANAGER, "assessment"))
    theirs = other_manager.get(url).content.decode()
    assert "Move to a child protection conference" in theirs and REFLECTION not in theirs
    assert REFLECTION not in other_manager.get(reverse("work:home")).content.decode()
    # Another worker cannot open the worker's supervision at all.
    colleague = client_for(make_user(Role.PRACTITIONER, "assessment"))
    assert colleague.get(url).status_code == 404


def test_a_half_filled_case_discussion_says_what_is_missing(child, as_manager, worker):
    response = as_manager.post(
        reverse("oversight:supervision_worker", args=[worker.pk]),
        _supervision_post(child, **{"supervision-case_1_direction": ""}),
    )
    assert response.status_code == 200
    assert "Write the decision and direction of case discussion 1" in response.content.decode()
    assert not Supervision.objects.exists()


def test_a_worker_goes_to_their_own_supervision_and_a_manager_sees_the_team(
    as_worker, worker, as_manager
):
    response = as_worker.get(reverse("oversight:supervision_home"))
    assert response["Location"] == reverse("oversight:supervision_worker", args=[worker.pk])
    team = as_manager.get(reverse("oversight:supervision_home")).content.decode()
    assert worker.display_name in team


def test_the_manager_sets_a_newly_qualified_schedule(as_manager, worker):
    url = reverse("oversight:supervision_worker", args=[worker.pk])
    response = as_manager.post(url, {"profile": "1", "profile-asye": "on", "profile-version": "0"})
    assert "Enter the employment start date" in response.content.decode()
    response = as_manager.post(
        url,
        {
            "profile": "1",
            "profile-asye": "on",
            "profile-version": "0",
            **_date("profile-employment_start", -3),
        },
    )
    assert response.status_code == 302
    assert "Weekly" in as_manager.get(url).content.decode()


# -- figures -------------------------------------------------------------------------------------


def test_the_figures_page_counts_and_lists_only_children_the_user_may_open(
    child, make_child, make_user, as_manager
):
    make_child("other", given_names="Ottoline", family_name="Brackenbury")
    page = as_manager.get(reverse("oversight:figures")).content.decode()
    assert "0%" in page and "(0 of 2)" in page
    assert "John Smith" in page and "Brackenbury" not in page
    analyst = client_for(make_user(Role.PERFORMANCE_ANALYST, None))
    page = analyst.get(reverse("oversight:figures")).content.decode()
    assert "(0 of 2)" in page and "Smith" not in page
    assert (
        client_for(make_user(Role.PRACTITIONER)).get(reverse("oversight:figures")).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"supervision-reflection": "a\x00b"}, "Reflective discussion"),
        ({"supervision-held_on_year": "99999999999999999999"}, "Date of supervision"),
        ({"supervision-held_on_day": "²"}, "real date"),
        ({"supervision-case_1_child": "-1"}, "Select a valid choice"),
        (_date("supervision-held_on", 3), "today or in the past"),
        ({"supervision-action_1_due_day": ""}, "must include a day"),
        ({"supervision-case_1_what": ""}, "Say what the action of case discussion 1 is"),
    ],
)
def test_bad_supervision_input_says_what_is_wrong_and_saves_nothing(
    child, as_manager, worker, change, message
):
    response = as_manager.post(
        reverse("oversight:supervision_worker", args=[worker.pk]),
        _supervision_post(child, **change),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert not Supervision.objects.exists() and not Oversight.objects.exists()


def test_a_manager_cannot_open_the_supervision_of_a_worker_in_another_team(as_manager, outsider):
    url = reverse("oversight:supervision_worker", args=[outsider.pk])
    assert as_manager.get(url).status_code == 404
    assert as_manager.post(url, {"profile": "1", "profile-asye": "on"}).status_code == 404


# The child's page frame (session, user, teams, the child and its access-log row, ...), the
# oversight, their actions with owners, the open case, whether the child has been looked after
# (for the tabs): the same for one entry or many.
TAB_QUERIES = 17


@pytest.mark.parametrize("entries", [1, 4])
def test_the_oversight_tab_runs_the_same_queries_whatever_the_number_of_entries(
    child, manager, worker, as_worker, entries, django_assert_num_queries
):
    from haven.oversight import services

    for n in range(entries):
        services.oversight_record(
            person=child,
            by=manager,
            direction=f"Direction {n}",
            actions=[
                services.ActionSpec(
                    owner=worker, description=f"Action {n}", due_date=timezone.localdate()
                )
            ],
        )
    url = reverse("oversight:person", args=[child.pk])
    as_worker.get(url)
    with django_assert_num_queries(TAB_QUERIES):
        page = as_worker.get(url).content.decode()
    assert page.count("Mark as done") == entries


def test_a_case_discussion_about_a_child_the_reader_cannot_see_is_counted_not_named(
    manager, worker, make_child, teams, as_worker
):
    from haven.accounts.models import Membership
    from haven.oversight import services

    Membership.objects.create(user=manager, team=teams["other"])
    other = make_child("other", given_names="Ottoline", family_name="Brackenbury")
    services.supervision_record(
        worker=worker,
        by=manager,
        held_on=timezone.localdate(),
        case_discussions=[services.CaseDiscussion(person=other, direction="Secret direction")],
    )
    page = as_worker.get(reverse("oversight:supervision_worker", args=[worker.pk])).content.decode()
    assert "Brackenbury" not in page and "Secret direction" not in page
    assert "1 about children whose records you cannot open" in page
