"""The register of fostering households and children's homes: adding and editing them (the
placements team), their vacancies from the children placed, and who may see and change it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import client_for
from haven.accounts.models import Role
from haven.care.tests.placing import D, home, household, place
from haven.carers import services
from haven.carers.models import ChildrensHome, FosteringHousehold

pytestmark = pytest.mark.django_db

HOUSEHOLD = {
    "reference": "fh-10", "name": "Ann and Bob Carer", "address": "3 Jewry Street",
    "postcode": "so23 8uj", "approved_on": "2024-04-01", "age_from": "0", "age_to": "11",
    "places": "2",
}
HOME = {
    "name": "Oak House", "operator": "PR1", "urn": "sc 123456", "address": "4 Oak Lane",
    "postcode": "PO1 3AX", "places": "4", "weekly_cost": "4250.50",
}


@pytest.fixture
def as_analyst(make_user):
    return client_for(make_user(Role.PERFORMANCE_ANALYST, team=None))


def test_a_manager_adds_a_household_and_sees_its_vacancies(as_manager, make_child):
    made = as_manager.post("/carers/households/new/", HOUSEHOLD)
    added = FosteringHousehold.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/carers/households/{added.pk}/"
    assert (added.reference, added.postcode, added.age_to) == ("FH-10", "SO23 8UJ", 11)
    place(make_child(), D(2025, 1, 1), household=added)
    listing = as_manager.get("/carers/").content.decode()
    assert "Ann and Bob Carer" in listing
    page = as_manager.get(f"/carers/households/{added.pk}/").content.decode()
    assert 'data-testid="vacancies">1<' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "nowhere", "Enter a real UK postcode"),
        ("age_to", "19", ""),
        ("places", "0", ""),
        ("places", "99999999999999999999", ""),
        ("approved_on", "2099-01-01", ""),
        ("reference", "\x00", ""),
    ],
)
def test_bad_household_details_are_field_errors_and_nothing_is_saved(
    as_manager, field, value, message
):
    page = as_manager.post("/carers/households/new/", HOUSEHOLD | {field: value})
    assert page.status_code == 200
    body = page.content.decode()
    assert "govuk-error-summary" in body and f"#id_{field}" in body
    assert message in body
    assert not FosteringHousehold.objects.exists()


def test_ages_the_wrong_way_round_and_a_duplicate_reference_are_refused(manager):
    fields = {**HOUSEHOLD, "approved_on": D(2024, 4, 1), "age_from": 10, "age_to": 5,
              "places": 2, "connected": False, "approved_adopters": False}
    with pytest.raises(ValidationError) as exc:
        services.household_create(by=manager, **fields)
    assert "age_to" in exc.value.message_dict
    services.household_create(by=manager, **(fields | {"age_to": 12}))
    with pytest.raises(ValidationError) as exc:
        services.household_create(by=manager, **(fields | {"age_to": 12}))
    assert exc.value.message_dict["reference"] == ["Another household has the reference FH-10"]


def test_approval_cannot_end_while_a_child_is_placed(as_manager, make_child):
    h = household("FH1")
    place(make_child(), D(2025, 1, 1), end=D(2025, 6, 1), household=h)
    url = f"/carers/households/{h.pk}/end-approval/"
    refused = as_manager.post(url, {"end-ended_on": "2025-03-01", "end-version": h.version})
    assert refused.status_code == 400
    assert "1 child is still placed with them" in refused.content.decode()
    done = as_manager.post(url, {"end-ended_on": "2025-06-01", "end-version": h.version})
    assert done.status_code == 302
    h.refresh_from_db()
    assert h.approval_ended_on == D(2025, 6, 1)
    # No vacancies once approval has ended, and the household leaves the current list.
    assert 'data-testid="household-' not in as_manager.get("/carers/").content.decode()
    assert f'data-testid="household-{h.pk}"' in as_manager.get("/carers/?show=all").content.decode()


def test_editing_a_household_saves_and_a_stale_edit_is_shown_as_a_conflict(as_manager):
    h = household("FH1")
    data = HOUSEHOLD | {"reference": "FH1", "version": h.version}
    assert as_manager.post(f"/carers/households/{h.pk}/", data).status_code == 302
    h.refresh_from_db()
    assert (h.name, h.version) == ("Ann and Bob Carer", 2)
    stale = as_manager.post(f"/carers/households/{h.pk}/", data | {"places": "3"})
    assert stale.status_code == 409
    assert FosteringHousehold.objects.get().places == 2


def test_a_manager_adds_and_edits_a_home(as_manager, make_child):
    made = as_manager.post("/carers/homes/new/", HOME)
    added = ChildrensHome.objects.get()
    assert made.status_code == 302
    assert (added.urn, str(added.weekly_cost)) == ("SC123456", "4250.50")
    place(make_child(), D(2025, 1, 1), place="K2", home=added)
    page = as_manager.get(f"/carers/homes/{added.pk}/").content.decode()
    assert 'data-testid="vacancies">3<' in page and "£4,250.50" in page
    closing = as_manager.post(
        f"/carers/homes/{added.pk}/", HOME | {"closed_on": "2025-06-01", "version": "1"}
    )
    assert closing.status_code == 400
    assert "still lives there" in closing.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [("urn", "12"), ("weekly_cost", "-5"), ("weekly_cost", "NaN"), ("weekly_cost", "1e400"),
     ("operator", "PR9"), ("places", "-1")],
)
def test_bad_home_details_are_field_errors(as_manager, field, value):
    page = as_manager.post("/carers/homes/new/", HOME | {field: value})
    assert page.status_code == 200 and "govuk-error-summary" in page.content.decode()
    assert not ChildrensHome.objects.exists()


def test_a_urn_is_one_homes(as_manager):
    home("SC123456")
    page = as_manager.post("/carers/homes/new/", HOME)
    assert "Another home has the URN SC123456" in page.content.decode()


def test_analysts_read_the_register_but_cannot_change_it(as_analyst):
    h = household("FH1")
    assert as_analyst.get("/carers/").status_code == 200
    page = as_analyst.get(f"/carers/households/{h.pk}/").content.decode()
    assert "Change the household's details" not in page
    assert as_analyst.get("/carers/households/new/").status_code == 403
    assert as_analyst.post(f"/carers/households/{h.pk}/", HOUSEHOLD).status_code == 403


def test_mash_practitioners_do_not_see_the_register(make_user):
    mash = client_for(make_user(Role.MASH_PRACTITIONER, "front_door"))
    assert mash.get("/carers/").status_code == 403
    assert mash.get("/carers/homes/").status_code == 403


def test_the_placements_section_is_highlighted_on_its_pages(as_manager):
    from haven.ui.tests.test_page_registries import _nav

    for url in ("/carers/", "/carers/homes/", "/care/requests/", "/care/sufficiency/"):
        page = as_manager.get(url).content.decode()
        assert [label for label, active in _nav(page) if active] == ["Placements"], url
