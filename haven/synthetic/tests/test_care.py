"""The generated children looked after keep the service's rules: episodes derived from the
periods' legal statuses and placements, placements end to end, codes valid for their dates, the
statutory work there, the demo logins with children to work with."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from haven.accounts.models import User
from haven.care import codes, timescales
from haven.care.episodes import episodes_for, period_facts
from haven.care.models import CarePeriod, Episode
from haven.synthetic.generator import GenerationReport
from haven.synthetic.tests.conftest import NOW
from haven.synthetic.tests.conftest import generate_small as _small
from haven.synthetic.tests.test_generate import _rows

pytestmark = pytest.mark.usefixtures("owner_db")

CARE_TABLES = {
    "care_careperiod": "person_id, start_date, end_date, end_reason, category_of_need, "
    "home_postcode, iro_id, referral_id",
    "care_legalstatuschange": "period_id, code, start_date",
    "care_placement": "period_id, start_date, end_date, place, provider, household_id, home_id, "
    "carer_name, postcode, urn, distance_miles, change_reason, weekly_cost, intended_until_18",
    "care_episode": "period_id, decom, rne, ls, cin, place, place_provider, dec, rec, "
    "reason_place_change, home_post, pl_post, urn, placement_id",
    "care_careplan": "period_id, agreed_on, permanence_plan",
    "care_carevisit": "placement_id, visited_on, child_seen, seen_alone, due_date, worker_id",
    "care_carereview": "period_id, held_on, due_date, participation, chair_id",
    "care_healthrecord": 'period_id, kind, "on", up_to_date, sdq_score, sdq_reason',
    "care_personaleducationplan": "period_id, held_on, due_date",
    "carers_fosteringhousehold": "reference, name, postcode, connected, approved_on",
    "carers_childrenshome": "name, operator, urn, postcode, weekly_cost",
    "carers_adopterhousehold": "reference, enquiry_on, approved_on",
    "uasc_uascstatus": "person_id, arrived_on, age_assessed_on, age_assessment_outcome, ceased_on",
    "uasc_ntstransfer": "person_id, direction, referred_on, status, transferred_on",
    "adoption_adoptionplan": "person_id, decided_on, placement_order_on, matched_on, placed_on, "
    "adoption_order_on, reversed_on, reversal_reason",
}


def _care_fingerprint() -> dict[str, tuple[Any, ...]]:
    return {
        table: _rows(
            f"SELECT count(*), md5(string_agg(({columns})::text, '|' ORDER BY id)) FROM {table}"
        )[0]
        for table, columns in CARE_TABLES.items()
    }


def _looked_after_on(day: datetime.date) -> int:
    """Children looked after at the end of ``day``: an episode open then, short breaks aside."""
    return _rows(
        "SELECT count(DISTINCT person_id) FROM care_episode WHERE decom <= %s "
        "AND (dec IS NULL OR dec > %s) AND ls NOT IN ('V3', 'V4')",
        [day, day],
    )[0][0]


@pytest.mark.django_db
def test_the_care_tables_are_filled(small_county: GenerationReport) -> None:
    counts = small_county.counts
    for name in (
        "careperiod",
        "legalstatuschange",
        "placement",
        "episode",
        "careplan",
        "carevisit",
        "carereview",
        "healthrecord",
        "personaleducationplan",
        "fosteringhousehold",
        "childrenshome",
        "uascstatus",
    ):
        assert counts[name] > 0, name
    fingerprint = _care_fingerprint()
    for table in CARE_TABLES:
        assert fingerprint[table][0] == _rows(f"SELECT count(*) FROM {table}")[0][0]
    # Each period has its statutory work: a care plan and, once 20 working days have passed,
    # a review chaired by the child's IRO.
    assert not _rows(
        "SELECT p.id FROM care_careperiod p WHERE p.start_date >= %s AND "
        "(p.end_date IS NULL OR p.end_date > p.start_date + 10) AND NOT EXISTS "
        "(SELECT 1 FROM care_careplan c WHERE c.period_id = p.id)",
        [NOW.date() - datetime.timedelta(days=365)],
    )
    assert not _rows(
        "SELECT r.id FROM care_carereview r JOIN care_careperiod p ON p.id = r.period_id "
        "WHERE r.chair_id IS DISTINCT FROM p.iro_id"
    )
    # The chronology has the services' own entries, typed so the page words them.
    entries = dict(_rows("SELECT event, count(*) FROM chronology_chronologyevent GROUP BY event"))
    assert entries["care_started"] == counts["careperiod"]
    assert entries["placement_started"] == counts["placement"]
    assert (
        entries["care_ended"]
        == _rows("SELECT count(*) FROM care_careperiod WHERE end_date IS NOT NULL")[0][0]
    )
    assert entries["legal_status_changed"] == counts["legalstatuschange"] - counts["careperiod"]
    assert entries["care_visit_recorded"] == counts["carevisit"]
    assert entries["care_review_held"] == counts["carereview"]
    assert entries["care_plan_agreed"] == counts["careplan"]
    assert (
        entries["placement_plan_agreed"]
        == _rows("SELECT count(*) FROM care_placement WHERE plan_agreed_on IS NOT NULL")[0][0]
    )


@pytest.mark.django_db
def test_episodes_are_derived_from_the_periods_and_never_overlap(
    small_county: GenerationReport,
) -> None:
    periods = CarePeriod.objects.prefetch_related("legal_statuses", "placements")
    stored: dict[int, list[Episode]] = {}
    for e in Episode.objects.order_by("decom"):
        stored.setdefault(e.period_id, []).append(e)
    assert periods
    for period in periods:
        derived = episodes_for(*period_facts(period))
        episodes = stored[period.pk]
        assert [
            (e.decom, e.rne, e.ls, e.place, e.dec, e.rec, e.reason_place_change, e.placement_id)
            for e in episodes
        ] == [
            (d.decom, d.rne, d.ls, d.place, d.dec, d.rec, d.reason_place_change, d.placement_key)
            for d in derived
        ]
        assert episodes[0].rne == "S" and episodes[0].decom == period.start_date
        for earlier, later in itertools.pairwise(episodes):
            assert (earlier.dec, earlier.rec) == (later.decom, "X1")
            assert later.rne != "S"
        assert episodes[-1].dec == period.end_date
        assert episodes[-1].rec == period.end_reason
    # A child's periods, placements and episodes never overlap.
    for table, span in (
        ("care_careperiod", "period"),
        ("care_placement", "span"),
        ("care_episode", "span"),
    ):
        assert not _rows(
            f"SELECT a.id FROM {table} a JOIN {table} b ON a.person_id = b.person_id "
            f"AND a.id < b.id AND a.{span} && b.{span}"
        ), table


@pytest.mark.django_db
def test_placements_are_end_to_end_and_their_codes_fit_their_dates(
    small_county: GenerationReport,
) -> None:
    rows = _rows(
        "SELECT p.period_id, p.start_date, p.end_date, p.place, p.provider, p.urn, "
        "p.household_id, p.home_id, p.carer_name, c.start_date, c.end_date, per.date_of_birth "
        "FROM care_placement p JOIN care_careperiod c ON c.id = p.period_id "
        "JOIN people_person per ON per.id = p.person_id ORDER BY p.period_id, p.start_date"
    )
    by_period: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_period.setdefault(row[0], []).append(row)
    for placements in by_period.values():
        assert placements[0][1] == placements[0][9]
        for earlier, later in itertools.pairwise(placements):
            assert earlier[2] == later[1]
        assert placements[-1][2] == placements[-1][10]
    for _, start, _, place, provider, urn, household, home, carer, _, _, dob in rows:
        year = start.year + 1 if start.month >= 4 else start.year
        assert codes.RETIRED.get(place, 9999) > year, (place, start)
        assert codes.INTRODUCED.get(place, 0) <= year, (place, start)
        if place == "K3":
            assert (start - dob).days >= 16 * 365
        assert not (urn and place in codes.NO_URN)
        assert provider in codes.PlacementProvider.values
        assert household or home or carer
        if place in codes.RESIDENTIAL_PLACEMENTS:
            assert home is not None
    # Weekly costs are in the right range for the kind of placement.
    costs = dict(
        _rows(
            "SELECT CASE WHEN home_id IS NOT NULL THEN 'home' WHEN provider = 'PR1' AND "
            "place IN ('U4', 'U5', 'U6') THEN 'in-house' WHEN provider IN ('PR4', 'PR5') AND "
            "place IN ('U4', 'U5', 'U6') THEN 'agency' END, avg(weekly_cost) FROM care_placement "
            "GROUP BY 1"
        )
    )
    assert 400 <= costs["in-house"] <= 600
    assert 3500 <= costs["home"] <= 9000
    if "agency" in costs:
        assert 800 <= costs["agency"] <= 1100


@pytest.mark.django_db
def test_children_looked_after_at_31_march_are_plausible(small_county: GenerationReport) -> None:
    # About 2,000 children: a county rate of 50 to 150 per 10,000 is 10 to 30 children.
    for year in range(small_county.first_year - 1, small_county.end_year):
        looked_after = _looked_after_on(datetime.date(year, 3, 31))
        assert 5 <= looked_after <= 60, (year, looked_after)
    # Every child looked after now is allocated to a worker in the looked-after team, and
    # has an IRO; the demo logins have some of them.
    open_periods = _rows(
        "SELECT p.person_id, u.username, t.kind, iro.username FROM care_careperiod p "
        "LEFT JOIN people_allocation a ON a.person_id = p.person_id AND a.end_date IS NULL "
        "LEFT JOIN accounts_user u ON u.id = a.worker_id "
        "LEFT JOIN accounts_team t ON t.id = a.team_id "
        "LEFT JOIN accounts_user iro ON iro.id = p.iro_id WHERE p.end_date IS NULL"
    )
    assert open_periods
    assert all(kind == "looked_after" and worker for _, worker, kind, _ in open_periods)
    assert any(worker == "cla.worker" for _, worker, _, _ in open_periods)
    assert sum(1 for *_, iro in open_periods if iro == "chair") >= 3


@pytest.mark.django_db
def test_legal_statuses_and_endings_follow_the_routes_into_care(
    small_county: GenerationReport,
) -> None:
    # The first legal status is one a period can start with; later ones are inside it.
    firsts = dict(
        _rows(
            "SELECT code, count(*) FROM care_legalstatuschange s JOIN care_careperiod p "
            "ON p.id = s.period_id WHERE s.start_date = p.start_date GROUP BY code"
        )
    )
    assert set(firsts) <= {"C1", "V2", "L1", "L2", "J1"}
    assert not _rows(
        "SELECT s.id FROM care_legalstatuschange s JOIN care_careperiod p ON p.id = s.period_id "
        "WHERE s.start_date < p.start_date OR s.start_date >= p.end_date"
    )
    # Police protection is short: it becomes an order or accommodation, or the child goes home.
    assert not _rows(
        "SELECT p.id FROM care_careperiod p JOIN care_legalstatuschange s ON s.period_id = p.id "
        "AND s.code = 'L1' WHERE coalesce(p.end_date, %s) > s.start_date + 10 AND NOT EXISTS "
        "(SELECT 1 FROM care_legalstatuschange t WHERE t.period_id = p.id "
        "AND t.start_date > s.start_date)",
        [NOW.date()],
    )
    # An adoption ends with an adoption order, after a placement for adoption (A5/A6).
    assert not _rows(
        "SELECT p.id FROM care_careperiod p WHERE p.end_reason IN ('E11', 'E12') AND NOT EXISTS "
        "(SELECT 1 FROM care_placement x WHERE x.period_id = p.id AND x.place IN ('A5', 'A6'))"
    )
    # UASC are looked after under section 20 with category of need N8.
    assert not _rows(
        "SELECT p.id FROM care_careperiod p JOIN uasc_uascstatus u ON u.person_id = p.person_id "
        "JOIN care_legalstatuschange s ON s.period_id = p.id WHERE s.code <> 'V2' "
        "OR p.category_of_need <> 'N8'"
    )


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_children_looked_after(
    small_county: GenerationReport,
) -> None:
    before = _care_fingerprint()
    again = _small()
    assert _care_fingerprint() == before
    assert again.counts == small_county.counts


@pytest.mark.django_db
def test_cla_worker_opens_the_care_tab_of_a_child_they_hold(
    small_county: GenerationReport, client: Any
) -> None:
    person, carer = _rows(
        "SELECT p.person_id, coalesce(h.name, c.name, x.carer_name) FROM care_careperiod p "
        "JOIN people_allocation a ON a.person_id = p.person_id AND a.end_date IS NULL "
        "JOIN accounts_user u ON u.id = a.worker_id AND u.username = 'cla.worker' "
        "JOIN care_placement x ON x.period_id = p.id AND x.end_date IS NULL "
        "LEFT JOIN carers_fosteringhousehold h ON h.id = x.household_id "
        "LEFT JOIN carers_childrenshome c ON c.id = x.home_id "
        "WHERE p.end_date IS NULL ORDER BY p.id LIMIT 1"
    )[0]
    client.force_login(User.objects.get(username="cla.worker"))
    response = client.get(reverse("care:tab", args=[person]))
    assert response.status_code == 200
    assert escape(carer) in response.content.decode()


@pytest.mark.django_db
def test_visits_and_reviews_are_due_as_the_service_works_them_out(
    small_county: GenerationReport,
) -> None:
    reviews: dict[int, list[datetime.date]] = {}
    for period_id, held, due, following in _rows(
        "SELECT period_id, held_on, due_date, next_due FROM care_carereview ORDER BY held_on"
    ):
        start = _rows("SELECT start_date FROM care_careperiod WHERE id = %s", [period_id])[0][0]
        before = reviews.setdefault(period_id, [])
        assert due == timescales.review_due(start, len(before), max(before, default=None)).date
        assert following == timescales.review_due(start, len(before) + 1, held).date
        before.append(held)
    visits = _rows(
        "SELECT v.period_id, v.visited_on, v.due_date, v.due_rule, v.next_due, p.start_date, "
        "p.place, p.intended_until_18, (SELECT s.code FROM care_legalstatuschange s WHERE "
        "s.period_id = v.period_id AND s.start_date <= v.visited_on ORDER BY s.start_date DESC "
        "LIMIT 1), (SELECT max(w.visited_on) FROM care_carevisit w WHERE w.placement_id = "
        "v.placement_id AND w.visited_on < v.visited_on), (SELECT min(r.held_on) FROM "
        "care_carereview r WHERE r.period_id = v.period_id) "
        "FROM care_carevisit v JOIN care_placement p ON p.id = v.placement_id"
    )
    assert visits
    for _, on, due, rule, following, start, place, until_18, ls, last, first in visits:
        facts = timescales.VisitPlacement(start, place, until_18, ls)
        assert (due, rule) == tuple(timescales.visit_due(facts, last, first, on).__dict__.values())
        assert following == timescales.visit_due(facts, on, first, on).date


@pytest.mark.django_db
def test_health_assessments_and_peps_carry_the_day_they_were_due(
    small_county: GenerationReport,
) -> None:
    from haven.care import health

    initial = _rows(
        "SELECT h.due_date, p.start_date FROM care_healthrecord h JOIN care_careperiod p "
        "ON p.id = h.period_id WHERE h.kind = 'initial_assessment'"
    )
    assert initial
    assert all(due == health.initial_health_assessment_due(start) for due, start in initial)
    assert not _rows(
        "SELECT 1 FROM care_healthrecord WHERE due_date IS NULL AND kind IN "
        "('initial_assessment', 'review_assessment', 'dental_check')"
    )
    peps = _rows("SELECT held_on, next_due FROM care_personaleducationplan")
    assert all(following == health.pep_next_due(held) for held, following in peps)
