"""Adoption timeliness, Annex A lists 10 and 11, and the manager's item for a plan with no
match, on hand-built plans."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from haven.adoption import selectors, services
from haven.adoption.annex_a import list_10_adoption, list_11_adopters
from haven.adoption.work import adoption_items
from haven.care.models import CarePeriod
from haven.work.items import Scope

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def placed(looked_after, adopters, worker):
    plan = services.adoption_plan_start(person=looked_after, by=worker, decided_on=D(2024, 3, 1))
    services.adoption_placement_order_record(plan=plan, by=worker, placement_order_on=D(2024, 5, 1))
    services.adoption_match_record(
        plan=plan, by=worker, matched_on=D(2024, 8, 1), adopters=adopters
    )
    services.adoption_placed_record(plan=plan, by=worker, placed_on=D(2024, 8, 20))
    return plan


def test_timeliness_counts_days_from_care_and_from_the_placement_order(placed):
    (row,) = selectors.adoption_timeliness(D(2024, 4, 1), D(2025, 3, 31))
    # In care from 10 January 2024; placed 20 August 2024; order 1 May, matched 1 August.
    assert row["days_care_to_placed"] == 223
    assert row["days_order_to_match"] == 92
    assert selectors.average_days([row["days_care_to_placed"], None, 100]) == 161.5
    assert not selectors.adoption_timeliness(D(2025, 4, 1), D(2026, 3, 31))
    assert not selectors.adoption_timeliness(D(2024, 4, 1), D(2025, 3, 31), [placed.person_id])


def test_list_10_shows_each_step_as_it_stood_at_the_windows_end(placed, worker):
    services.adoption_order_record(plan=placed, by=worker, adoption_order_on=D(2025, 2, 3))
    header, row = list(list_10_adoption(D(2024, 2, 1), D(2024, 12, 31), None))
    assert header[5] == "Date the child entered care"
    assert row[0] == str(placed.person_id)
    assert row[5:] == [
        "10/01/2024",
        "01/03/2024",
        "01/05/2024",
        "01/08/2024",
        "20/08/2024",
        "",  # the adoption order came after the window
        "",
        "",
        "",
    ]
    # A plan ended before the window is not listed.
    assert len(list(list_10_adoption(D(2025, 3, 1), D(2025, 12, 31), None))) == 1


def test_list_11_lists_households_with_their_matches_and_no_child(placed, adopters):
    header, row = list(list_11_adopters(D(2024, 1, 1), D(2024, 12, 31), None))
    assert header[0] == "Adopter household reference"
    assert row == [
        "AD-001",
        "05/01/2023",
        "01/02/2023",
        "01/05/2023",
        "01/06/2023",
        "01/09/2023",
        "01/08/2024",
        "20/08/2024",
        "1",
        "",
        "",
        "",
    ]
    assert str(placed.person_id) not in row


def test_a_plan_with_no_match_after_the_setting_is_on_the_managers_view(
    looked_after, worker, manager, settings
):
    from haven.people.models import Allocation

    Allocation.objects.filter(person=looked_after).update(worker=worker)
    settings.HAVEN_ADOPTION_MATCH_MONTHS = 6
    services.adoption_plan_start(person=looked_after, by=worker, decided_on=D(2024, 3, 1))
    with time_machine.travel(datetime.datetime(2024, 8, 30, 12, 0)):
        assert adoption_items(manager, Scope.TEAMS) == []
    with time_machine.travel(datetime.datetime(2024, 9, 2, 12, 0)):
        (item,) = adoption_items(manager, Scope.TEAMS)
        assert item.due == D(2024, 9, 1) and item.is_overdue
        assert item.title == "No match with adopters yet"
        assert adoption_items(worker, Scope.MINE) == []
    assert CarePeriod.objects.filter(person=looked_after).exists()


def test_the_printed_record_says_how_far_the_plan_has_come(placed, worker):
    from haven.adoption.status import adoption_status

    assert adoption_status(placed.person) == [
        "Plan for adoption since 1 March 2024, placed for adoption 20 August 2024"
    ]
    services.adoption_order_record(plan=placed, by=worker, adoption_order_on=D(2025, 2, 3))
    assert adoption_status(placed.person) == []
