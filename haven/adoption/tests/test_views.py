"""The adoption tab and the adopter households' pages through the test client."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import client_for
from haven.accounts.models import Role
from haven.adoption import services
from haven.adoption.models import AdoptionPlan
from haven.carers.models import AdopterHousehold

pytestmark = pytest.mark.django_db
D = datetime.date


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def act(client, child, action, data):
    return client.post(reverse("adoption:adoption_action", args=[child.pk, action]), data)


def test_a_worker_records_the_decision_match_placement_and_order_ending_care(
    as_worker, looked_after, adopters
):
    assert (
        act(
            as_worker, looked_after, "start", date_fields("start-decided_on", D(2024, 3, 1))
        ).status_code
        == 302
    )
    act(
        as_worker,
        looked_after,
        "placement-order",
        date_fields("placementorder-placement_order_on", D(2024, 5, 1)),
    )
    act(
        as_worker,
        looked_after,
        "match",
        {**date_fields("match-matched_on", D(2024, 8, 1)), "match-adopters": str(adopters.pk)},
    )
    act(as_worker, looked_after, "placed", date_fields("placed-placed_on", D(2024, 8, 20)))
    response = act(
        as_worker,
        looked_after,
        "adoption-order",
        {
            **date_fields("adoptionorder-adoption_order_on", D(2025, 2, 3)),
            "adoptionorder-end_care_reason": "E11",
        },
    )
    assert response.status_code == 302
    plan = AdoptionPlan.objects.get(person=looked_after)
    assert plan.adoption_order_on == D(2025, 2, 3)
    period = looked_after.care_periods.get()
    assert (period.end_date, period.end_reason) == (D(2025, 2, 3), "E11")
    html = as_worker.get(reverse("adoption:adoption", args=[looked_after.pk])).content.decode()
    assert "Sam and Alex Carter (AD-001)" in html and "Adopted" in html


def test_a_placement_before_the_match_shows_beside_the_field(
    as_worker, looked_after, adopters, worker
):
    plan = services.adoption_plan_start(person=looked_after, by=worker, decided_on=D(2024, 3, 1))
    services.adoption_match_record(
        plan=plan, by=worker, matched_on=D(2024, 8, 1), adopters=adopters
    )
    response = act(
        as_worker, looked_after, "placed", date_fields("placed-placed_on", D(2024, 7, 1))
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "before the match" in html
    plan.refresh_from_db()
    assert plan.placed_on is None


def test_steps_without_an_open_plan_are_not_found(as_worker, looked_after):
    response = act(
        as_worker, looked_after, "placed", date_fields("placed-placed_on", D(2024, 7, 1))
    )
    assert response.status_code == 404


def test_adopter_households_are_listed_added_and_edited(as_worker, adopters):
    page = as_worker.get(reverse("adopters:adopters"))
    assert "Sam and Alex Carter" in page.content.decode()
    response = as_worker.post(
        reverse("adopters:adopters"),
        {
            "reference": "AD-002",
            "name": "Jo Patel",
            "number_of_adopters": "1",
            **date_fields("enquiry_on", D(2024, 1, 5)),
        },
    )
    assert response.status_code == 302
    household = AdopterHousehold.objects.get(reference="AD-002")
    edit = reverse("adopters:adopters_edit", args=[household.pk])
    bad = as_worker.post(
        edit,
        {
            "reference": "AD-002",
            "name": "Jo Patel",
            "number_of_adopters": "1",
            "version": str(household.version),
            **date_fields("enquiry_on", D(2024, 1, 5)),
            **date_fields("stage1_on", D(2023, 1, 5)),
        },
    )
    assert bad.status_code == 200 and "before the enquiry" in bad.content.decode()
    good = as_worker.post(
        edit,
        {
            "reference": "AD-002",
            "name": "Jo Patel",
            "number_of_adopters": "1",
            "version": str(household.version),
            **date_fields("enquiry_on", D(2024, 1, 5)),
            **date_fields("stage1_on", D(2024, 2, 5)),
        },
    )
    assert good.status_code == 302
    household.refresh_from_db()
    assert household.stage1_on == D(2024, 2, 5)


def test_an_analyst_cannot_open_the_adopters(make_user):
    analyst = make_user(Role.PERFORMANCE_ANALYST, None)
    assert client_for(analyst).get(reverse("adopters:adopters")).status_code == 403


def test_the_adoption_tab_is_for_looked_after_children(as_worker, child, looked_after):
    html = as_worker.get(reverse("adoption:adoption", args=[looked_after.pk])).content.decode()
    assert reverse("adoption:adoption", args=[looked_after.pk]) in html
