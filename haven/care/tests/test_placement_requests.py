"""Placement requests: the search (in-house carers with room and a fitting age range, nearest
first; own homes with vacancies; then external homes), the match and withdrawal, and the pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import client_for
from haven.accounts.models import Role
from haven.care import placement_requests as requests
from haven.care.models import PlacementRequest, RequestStatus
from haven.care.tests.placing import D, home, household, place
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.people.models import Relationship

pytestmark = pytest.mark.django_db


def _soon() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=7)


@pytest.fixture
def register(make_child):
    """Carers and homes around Winchester (the child's home, SO23 8UJ)."""
    r: dict[str, Any] = {
        "near": household("NEAR", postcode="SO23 8UJ", age_from=5, age_to=12, places=2),
        "far": household("FAR", postcode="PO1 3AX", places=1),  # Portsmouth, 20.7 miles
        "farnborough": household("GU", postcode="GU14 6AA", places=3),  # 28.7 miles
        "unplaced": household("UNKNOWN", postcode="ZZ9 9ZZ", places=2),  # distance not known
        "babies": household("BABIES", age_from=0, age_to=4),
        "full": household("FULL", places=1),
        "connected": household("KIN", connected=True),
        "ended": household("ENDED", approval_ended_on=D(2025, 1, 1)),
        "own_far": home("SC100001", postcode="BH1 1AA", places=2),
        "own_near": home("SC100002", postcode="PO1 3AX", places=2),
        "own_full": home("SC100003", places=1),
        "external": home("SC200001", operator="PR4", postcode="GU14 6AA"),
    }
    place(make_child(given_names="Placed"), D(2025, 1, 1), household=r["full"])
    place(make_child(given_names="Resident"), D(2025, 1, 1), place="K2", home=r["own_full"])
    return r


def _request(child, by, **kw):
    values: dict[str, Any] = {
        "needed_by": _soon(),
        "needs": "A calm home near school",
        "placement_kind": "any",
        "near_postcode": "SO23 8UJ",
    }
    return requests.placement_request_create(person=child, by=by, **(values | kw))


def _names(offers):
    return [o.record.name for o in offers]


def test_search_offers_in_house_carers_nearest_first_then_own_homes_then_external(
    register, child, worker
):
    found = requests.search(request=_request(child, worker))
    # The child is 11: BABIES is out of range; FULL, KIN and ENDED have no room for them.
    assert _names(found.households) == ["Carers NEAR", "Carers FAR", "Carers GU", "Carers UNKNOWN"]
    assert [str(o.miles) for o in found.households] == ["0.0", "20.7", "28.7", "None"]
    assert _names(found.own_homes) == ["Home SC100002", "Home SC100001"]  # 20.7, 33.2 miles
    assert _names(found.external_homes) == ["Home SC200001"]


def test_siblings_kept_together_need_room_for_all_and_an_age_range_for_each(
    register, child, make_child, worker
):
    sister = make_child(given_names="Amy", date_of_birth=D(2023, 5, 1))
    Relationship.objects.create(person=sister, relative_of=child, relationship_type="sibling")
    req = _request(child, worker, siblings=[sister])
    found = requests.search(request=req)
    # NEAR takes 5 to 12 (not Amy, 3); FAR has one place; the others take both.
    assert _names(found.households) == ["Carers GU", "Carers UNKNOWN"]
    assert _names(found.own_homes) == ["Home SC100002", "Home SC100001"]
    assert found.children == 2


def test_the_kind_of_placement_narrows_the_search(register, child, make_child, worker):
    fostering = requests.search(request=_request(child, worker, placement_kind="fostering"))
    assert fostering.households and not fostering.own_homes and not fostering.external_homes
    other = make_child(given_names="Other")
    residential = requests.search(request=_request(other, worker, placement_kind="residential"))
    assert not residential.households and residential.own_homes and residential.external_homes


def test_distances_are_from_the_home_the_child_came_from_when_no_postcode_is_given(
    register, child, worker
):
    place(child, D(2025, 1, 1), place="U6", provider="PR4", home_postcode="PO1 3AX")
    found = requests.search(request=_request(child, worker, near_postcode=""))
    assert found.near == "PO1 3AX"
    assert _names(found.households)[0] == "Carers FAR"


def test_matching_a_household_closes_the_request(register, child, worker):
    req = _request(child, worker)
    done = requests.placement_request_match(request=req, by=worker, household=register["near"])
    assert done.status == RequestStatus.MATCHED
    assert done.matched_household == register["near"] and done.matched_on == timezone.localdate()
    with pytest.raises(ConflictError):
        requests.placement_request_match(request=req, by=worker, external="Agency")
    with pytest.raises(ConflictError):
        requests.placement_request_withdraw(request=req, by=worker)


def test_a_match_must_be_one_the_search_offers(register, child, worker):
    req = _request(child, worker)
    for bad in (
        {"household": register["babies"]},
        {"household": register["full"]},
        {"home": register["own_full"]},
        {},
        {"external": "   "},
        {"household": register["near"], "external": "Agency"},
    ):
        with pytest.raises(ValidationError) as exc:
            requests.placement_request_match(request=req, by=worker, **bad)
        assert "match" in exc.value.message_dict
    assert PlacementRequest.objects.get(pk=req.pk).status == RequestStatus.OPEN


def test_an_external_provider_can_be_matched_by_name(child, worker):
    req = _request(child, worker)
    done = requests.placement_request_match(request=req, by=worker, external="  Acme Fostering ")
    assert (done.status, done.matched_external) == (RequestStatus.MATCHED, "Acme Fostering")


def test_a_withdrawn_request_cannot_be_matched(register, child, worker):
    req = _request(child, worker)
    requests.placement_request_withdraw(request=req, by=worker)
    with pytest.raises(ConflictError):
        requests.placement_request_match(request=req, by=worker, household=register["near"])


def test_one_open_request_per_child(child, worker):
    _request(child, worker)
    with pytest.raises(ConflictError):
        _request(child, worker)


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("needed_by", {"needed_by": D(2020, 1, 1)}),
        ("needs", {"needs": "   "}),
        ("placement_kind", {"placement_kind": "castle"}),
        ("near_postcode", {"near_postcode": "NOT A POSTCODE"}),
    ],
)
def test_bad_requests_are_refused_beside_the_field_and_nothing_is_saved(child, worker, field, kw):
    with pytest.raises(ValidationError) as exc:
        _request(child, worker, **kw)
    assert field in exc.value.message_dict
    assert not PlacementRequest.objects.exists()


def test_only_the_childs_own_visible_siblings_can_be_kept_together(child, make_child, worker):
    stranger = make_child(given_names="Stranger")
    with pytest.raises(ValidationError) as exc:
        _request(child, worker, siblings=[stranger])
    assert "siblings" in exc.value.message_dict


# --------------------------------------------------------------------------------------------
# Pages


def _post_request(client, child, **kw):
    soon = _soon()
    data = {
        "req-needed_by_day": soon.day,
        "req-needed_by_month": soon.month,
        "req-needed_by_year": soon.year,
        "req-placement_kind": "any",
        "req-needs": "Somewhere near school",
        "req-near_postcode": "so23 8uj",
        "request": "1",
    }
    return client.post(f"/people/{child.pk}/care/requests/", data | kw)


def test_a_worker_requests_a_placement_and_records_the_match(register, child, as_worker):
    made = _post_request(as_worker, child)
    req = PlacementRequest.objects.get(person=child)
    assert made.status_code == 302
    assert made["Location"] == f"/people/{child.pk}/care/requests/{req.pk}/"
    assert req.near_postcode == "SO23 8UJ"

    page = as_worker.get(made["Location"]).content.decode()
    assert page.index("Carers NEAR") < page.index("Carers FAR") < page.index("Home SC100002")
    assert "Carers BABIES" not in page and "20.7" in page

    matched = as_worker.post(
        f"/people/{child.pk}/care/requests/{req.pk}/match/",
        {"match-match": f"household-{register['near'].pk}"},
    )
    assert matched.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.matched_household) == (RequestStatus.MATCHED, register["near"])
    assert "Carers NEAR (NEAR)" in as_worker.get(matched["Location"]).content.decode()


def test_a_bad_request_shows_errors_beside_the_fields(child, as_worker):
    page = _post_request(as_worker, child, **{"req-needed_by_year": "1999", "req-needs": ""})
    body = page.content.decode()
    assert page.status_code == 400
    assert "govuk-error-summary" in body and "Say what the child needs" in body
    assert not PlacementRequest.objects.exists()


def test_a_match_not_offered_is_a_field_error(register, child, worker, as_worker):
    req = _request(child, worker)
    page = as_worker.post(
        f"/people/{child.pk}/care/requests/{req.pk}/match/",
        {"match-match": f"household-{register['babies'].pk}"},
    )
    assert page.status_code == 400
    assert "Choose one of the carers or homes listed" in page.content.decode()
    page = as_worker.post(
        f"/people/{child.pk}/care/requests/{req.pk}/match/", {"match-match": "external"}
    )
    assert "Enter the external provider" in page.content.decode()
    assert PlacementRequest.objects.get(pk=req.pk).status == RequestStatus.OPEN


def test_withdrawing_from_the_page(child, worker, as_worker):
    req = _request(child, worker)
    done = as_worker.post(f"/people/{child.pk}/care/requests/{req.pk}/withdraw/", {})
    assert done.status_code == 302
    assert PlacementRequest.objects.get(pk=req.pk).status == RequestStatus.WITHDRAWN


def test_the_placements_team_lists_open_requests_naming_only_children_they_may_open(
    child, make_child, worker, as_manager, make_user
):
    _request(child, worker)
    elsewhere = make_child(team="other", given_names="Elsewhere", family_name="Jones")
    _request(elsewhere, worker)
    body = as_manager.get("/care/requests/").content.decode()
    assert "John Smith" in body and f">{child.pk}<" in body
    assert "Jones" not in body and f">{elsewhere.pk}<" in body
    admin = client_for(make_user(Role.ADMINISTRATOR, team=None))
    body = admin.get("/care/requests/").content.decode()
    assert "Smith" not in body and f">{child.pk}<" in body


def test_workers_do_not_get_the_placements_teams_list(as_worker):
    assert as_worker.get("/care/requests/").status_code == 403


def test_the_request_and_its_match_are_in_the_childs_chronology(register, child, worker):
    from haven.chronology.models import ChronologyEvent

    req = _request(child, worker, placement_kind="fostering")
    requests.placement_request_match(request=req, by=worker, household=register["near"])
    other = _request(child, worker)
    requests.placement_request_withdraw(request=other, by=worker)
    texts = [e.text for e in ChronologyEvent.objects.filter(person=child).order_by("pk")]
    needed = long_date(_soon())
    assert texts[-4:] == [
        f"Placement requested (foster care), needed by {needed}",
        "Placement request matched: Carers NEAR (NEAR)",
        f"Placement requested (any kind), needed by {needed}",
        "Placement request withdrawn",
    ]


def test_the_request_page_and_the_register_run_a_fixed_number_of_queries(
    register, child, worker, as_worker, make_child
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    req = _request(child, worker)
    urls = [f"/people/{child.pk}/care/requests/{req.pk}/", "/carers/", "/carers/homes/"]

    def count() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as done:
                assert as_worker.get(url).status_code == 200
            found.append(len(done))
        return found

    count()
    before = count()
    for n in range(3):
        h = household(f"MORE{n}", places=3)
        home(f"SC40000{n}")
        place(make_child(given_names=f"More{n}"), D(2025, 1, 1), household=h)
    assert count() == before
