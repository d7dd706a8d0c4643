"""Sufficiency: occupancy, vacancies, where children are placed and what it costs, on a day,
counted from hand-built placements; and the pages, whose lists name only children the reader
may open."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from haven.accounts.models import Role
from haven.care import sufficiency
from haven.care.tests.placing import D, home, household, place
from haven.carers import selectors as carers
from haven.core.models import AccessLog

pytestmark = pytest.mark.django_db

ON = D(2026, 1, 15)


@pytest.fixture
def county(make_child):
    h1 = household("FH1", places=3)
    connected = household("FH2", places=1, connected=True)
    household("FH3", approval_ended_on=D(2025, 6, 1))
    own = home("SC100001", places=4)
    external = home("SC200002", operator="PR4", places=6)
    kids = {k: make_child(given_names=k) for k in "ABCDEFGH"}
    place(kids["A"], D(2025, 5, 1), household=h1, weekly_cost=400)
    place(kids["B"], D(2025, 5, 1), place="U1", household=connected, weekly_cost=200)
    place(kids["C"], D(2025, 9, 1), place="U6", provider="PR4", weekly_cost=900)
    place(kids["D"], D(2025, 11, 1), place="K2", home=own, weekly_cost=4000)
    place(kids["E"], D(2026, 1, 15), place="K2", provider="PR4", home=external, weekly_cost=6000)
    place(kids["F"], D(2025, 1, 1), end=D(2026, 1, 15), household=h1, weekly_cost=400)
    place(kids["G"], D(2026, 1, 16), household=h1, weekly_cost=400)
    place(kids["H"], D(2025, 3, 1), place="P1", provider="PR0")
    return {"h1": h1, "connected": connected, "own": own, "external": external, **kids}


def test_figures_on_a_day_are_counted_from_the_placements(county, manager):
    f = sufficiency.figures(on=ON, user=manager)
    shares = {key: (s.count, s.percent) for key, s in f.shares.items()}
    # A, B, C, D, E and H live in placements on the day; F moved out that day, G comes after.
    assert shares["looked-after"] == (6, 100)
    assert shares["in-house"] == (3, 50)  # A and B with the council's carers, D in its home
    assert shares["agency"] == (1, 17)  # C, private foster care
    assert shares["residential"] == (2, 33)  # D and E
    assert shares["in-house-carers"] == (2, 33)
    assert shares["own-homes"] == (1, 17)
    assert shares["no-cost"] == (1, 17)  # H, placed with parents
    assert f.weekly_spend == Decimal("11500.00")
    assert f.annual_spend == Decimal("598000.00")


def test_vacancies_and_occupancy_leave_out_connected_carers_and_ended_approvals(county, manager):
    f = sufficiency.figures(on=ON, user=manager)
    assert (f.carers.number, f.carers.places, f.carers.placed, f.carers.vacancies) == (1, 3, 1, 2)
    assert (f.connected.placed, f.connected.vacancies) == (1, 0)
    own = f.own_homes
    assert (own.number, own.places, own.placed, own.vacancies, own.occupancy_percent) == (
        1,
        4,
        1,
        3,
        25,
    )
    # The day before, F was still with FH1, and E not yet in the external home.
    before = sufficiency.figures(on=D(2026, 1, 14), user=manager)
    assert (before.carers.placed, before.carers.vacancies) == (2, 1)
    assert before.looked_after == 6


def test_a_household_is_full_when_its_places_are_taken(county):
    rows = {h.reference: p for h, p in carers.households(on=D(2026, 1, 16))}
    assert (rows["FH1"].placed, rows["FH1"].vacancies) == (2, 1)  # A and G
    assert "FH3" not in rows  # approval ended
    everyone = {h.reference for h, _ in carers.households(on=ON, current=False)}
    assert everyone == {"FH1", "FH2", "FH3"}


def test_the_page_shows_the_figures_and_each_count_lists_its_children(county, make_user):
    analyst = client_for(make_user(Role.PERFORMANCE_ANALYST, team=None))
    page = analyst.get("/care/sufficiency/?on=2026-01-15")
    assert page.status_code == 200
    text = page.content.decode()
    assert "£11,500.00" in text and "£598,000.00" in text
    assert 'href="/care/sufficiency/in-house/?on=2026-01-15"' in text

    listing = analyst.get("/care/sufficiency/in-house/?on=2026-01-15")
    body = listing.content.decode()
    assert listing.status_code == 200
    # An analyst sees every child counted by Haven ID, never a name.
    for key in "ABD":
        assert f">{county[key].pk}<" in body
    assert f">{county['C'].pk}<" not in body
    assert "Smith" not in body and "Not shown: not a record you hold" in body
    assert AccessLog.objects.filter(action="listed", person_id=county["A"].pk).exists()


def test_a_manager_sees_the_names_of_children_they_may_open(county, as_manager):
    body = as_manager.get("/care/sufficiency/residential/?on=2026-01-15").content.decode()
    assert f'href="/people/{county["D"].pk}/"' in body
    assert "D Smith" in body


def _queries(client, url):
    with CaptureQueriesContext(connection) as done:
        assert client.get(url).status_code == 200
    return len(done)


def test_the_figures_page_runs_a_fixed_number_of_queries(county, as_manager, make_child):
    url = "/care/sufficiency/?on=2026-01-15"
    _queries(as_manager, url)  # the session's first page
    before = _queries(as_manager, url)
    for n in range(4):
        household(f"FX{n}")
        home(f"SC30000{n}", operator="PR5")
        place(make_child(given_names=f"More{n}"), D(2025, 6, 1), household=county["h1"])
    assert _queries(as_manager, url) == before


@pytest.mark.parametrize("on", ["2026-02-30", "yesterday", "1066-10-14", "<script>"])
def test_a_bad_date_is_a_field_error_not_a_crash(on, as_manager):
    page = as_manager.get("/care/sufficiency/", {"on": on})
    assert page.status_code == 200
    assert "govuk-error-summary" in page.content.decode()


def test_figures_are_for_those_who_may_see_figures(as_worker):
    assert as_worker.get("/care/sufficiency/").status_code == 403
    assert as_worker.get("/care/sufficiency/in-house/").status_code == 403


def test_an_unknown_figure_is_not_found(as_manager):
    assert as_manager.get("/care/sufficiency/nonsense/").status_code == 404


def test_a_restricted_child_is_counted_only_for_those_named_on_the_record(county, make_user):
    from haven.people.models import RestrictedAccess

    named, other = make_user(Role.TEAM_MANAGER), make_user(Role.PERFORMANCE_ANALYST, team=None)
    d = county["D"]
    d.is_restricted = True
    d.save(update_fields=["is_restricted"])
    RestrictedAccess.objects.create(person=d, user=named)
    assert sufficiency.figures(on=ON, user=named).shares["own-homes"].count == 1
    assert sufficiency.figures(on=ON, user=other).shares["own-homes"].count == 0
    body = client_for(other).get("/care/sufficiency/own-homes/?on=2026-01-15").content.decode()
    assert f">{d.pk}<" not in body
    # The home's places still count every child living there.
    assert sufficiency.figures(on=ON, user=other).own_homes.placed == 1
