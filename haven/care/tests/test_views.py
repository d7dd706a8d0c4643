"""The Care tab as a social worker and a manager use it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from haven.accounts.models import Role
from haven.care.models import CarePeriod, Episode
from haven.care.tests.factories import looked_after_child

D = datetime.date


def _date(name: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def _tab(child) -> str:
    return reverse("care:tab", args=[child.pk])


def test_a_worker_records_that_a_child_becomes_looked_after(as_worker, child):
    page = as_worker.get(_tab(child))
    assert "is not looked after now" in page.content.decode()
    data = {
        "start": "1",
        **_date("start-start_date", D(2025, 1, 6)),
        "start-legal_status": "C1",
        "start-category_of_need": "N1",
        "start-place": "U6",
        "start-carer_name": "Ann and Bob Carer",
        "start-provider": "PR4",
        "start-postcode": "so23 8uj",
        "start-previous_permanence": "Z1",
    }
    # An agency foster placement with no Ofsted URN would fail DfE rule 218 in the SSDA903:
    # the form says so beside the field, and nothing is saved.
    refused = as_worker.post(_tab(child), data).content.decode()
    assert "XXXXXXX if it is not registered with Ofsted: the SSDA903 needs it (DfE rule 218)" in (
        refused
    )
    assert not CarePeriod.objects.filter(person=child).exists()
    response = as_worker.post(_tab(child), {**data, "start-urn": "sc123456"}, follow=True)
    assert "The child is now looked after" in response.content.decode()
    period = CarePeriod.objects.get(person=child)
    assert period.previous_permanence == "Z1"
    placement = period.placements.get()
    assert placement.postcode == "SO23 8UJ" and placement.urn == "SC123456"
    assert list(Episode.objects.filter(period=period).values_list("rne", "ls", "place")) == [
        ("S", "C1", "U6")
    ]
    assert 'data-testid="episode"' in response.content.decode()


def test_a_bad_move_is_shown_beside_its_field_and_nothing_changes(as_worker, child, worker):
    period = looked_after_child(child, worker)
    response = as_worker.post(
        _tab(child),
        {
            "move": "1",
            **_date("move-start_date", D(2025, 2, 3)),
            "move-change_reason": "CHILD",
            "move-place": "K3",
            "move-carer_name": "Foyer",
            "move-provider": "PR4",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Error: " in body and "16 or over" in body
    assert period.placements.count() == 1


def test_only_a_manager_allocates_the_iro(as_worker, as_manager, child, worker, make_user):
    period = looked_after_child(child, worker)
    iro = make_user(Role.REVIEWING_OFFICER, None, first_name="Ida", last_name="Reviewer")
    assert as_worker.post(_tab(child), {"iro": "1", "iro-iro": iro.pk}).status_code == 403
    response = as_manager.post(_tab(child), {"iro": "1", "iro-iro": iro.pk}, follow=True)
    assert "Ida Reviewer" in response.content.decode()
    period.refresh_from_db()
    assert period.iro == iro


@pytest.mark.parametrize("action", ["ls-correct", "placement-correct"])
def test_a_correction_names_a_row_of_this_child(as_worker, child, make_child, worker, action):
    looked_after_child(child, worker)
    other = looked_after_child(make_child(given_names="Other"), worker)
    row = other.legal_statuses.get() if action == "ls-correct" else other.placements.get()
    assert as_worker.post(_tab(child), {action: "1", "object_id": row.pk}).status_code == 404
