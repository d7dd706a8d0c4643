from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from haven.core.calendar import calendar
from haven.synthetic.generator import GenerationError, GenerationReport, generate
from haven.synthetic.tests.conftest import NOW
from haven.synthetic.tests.conftest import generate_small as _small

# The generator bulk-loads as the schema owner; the tests read back through the same session.
# Most read the package's county (``small_county``); one that generates again does so inside
# its own transaction (rolled back, so the package's county is back for the next test).
pytestmark = pytest.mark.usefixtures("owner_db")


def _rows(sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _fingerprint() -> list[tuple[Any, ...]]:
    return _rows(
        "SELECT (SELECT count(*) FROM frontdoor_contact), "
        "(SELECT sum(referral_date - DATE '2020-01-01') FROM frontdoor_referral), "
        "(SELECT string_agg(family_name, ',' ORDER BY id) FROM people_person WHERE id < 50), "
        "(SELECT sum(coalesce(authorised_on, start_date) - DATE '2020-01-01') "
        " FROM assessments_assessment)"
    )


@pytest.mark.django_db
def test_small_scenario_is_deterministic_and_has_the_front_door_and_assessments(
    small_county: GenerationReport,
) -> None:
    first = small_county
    fingerprint = _fingerprint()
    second = _small()

    assert first.counts == second.counts
    assert _fingerprint() == fingerprint
    for table in ("contacts", "referrals", "assessments", "chronology_events", "mash_checks"):
        assert first.counts[table] > 0, table
    assert first.end_year == 2027  # the current collection year, up to NOW
    kinds = dict(_rows("SELECT kind, count(*) FROM chronology_chronologyevent GROUP BY kind"))
    assert {"contact", "decision", "referral", "assessment"} <= set(kinds)


@pytest.mark.django_db
def test_re_referrals_are_flagged_from_the_previous_12_months(
    small_county: GenerationReport,
) -> None:
    wrong = _rows(
        """
        SELECT r.id FROM frontdoor_referral r
        WHERE r.is_re_referral <> EXISTS (
            SELECT 1 FROM frontdoor_referral p
            WHERE p.person_id = r.person_id AND p.id <> r.id
              AND p.referral_date < r.referral_date
              AND p.referral_date >= (r.referral_date - INTERVAL '12 months')::date)
        """
    )
    assert wrong == []
    assert _rows("SELECT count(*) FROM frontdoor_referral WHERE is_re_referral")[0][0] > 0


@pytest.mark.django_db
def test_assessments_are_due_45_working_days_from_referral_and_never_authorised_early(
    small_county: GenerationReport,
) -> None:
    cal = calendar()
    rows = _rows(
        "SELECT r.referral_date, a.start_date, a.due_date, a.due_rule, a.authorised_on, "
        "a.status, r.closure_date FROM assessments_assessment a "
        "JOIN frontdoor_referral r ON r.id = a.referral_id"
    )
    assert rows
    for referral_date, start, due, due_rule, authorised_on, status, closed in rows:
        assert due == cal.add_working_days(referral_date, 45)
        assert due_rule == "assessment"
        assert start >= referral_date
        if authorised_on is not None:
            assert authorised_on >= start
        if status != "authorised":
            assert closed is None  # the referral stays open while its assessment is
    # Referral dates are the dates of the contact decisions that made them.
    assert not _rows(
        "SELECT r.id FROM frontdoor_referral r JOIN frontdoor_contactchild cc "
        "ON cc.id = r.contact_child_id "
        "WHERE (cc.decided_at AT TIME ZONE 'Europe/London')::date <> r.referral_date"
    )


@pytest.mark.django_db
def test_demo_users_have_live_work(small_county: GenerationReport) -> None:
    open_assessments = _rows(
        "SELECT count(*) FROM assessments_assessment a JOIN accounts_user u ON u.id = a.worker_id "
        "WHERE u.username = 'social.worker' AND a.status <> 'authorised'"
    )[0][0]
    open_contacts = _rows(
        "SELECT count(*) FROM frontdoor_contact c JOIN accounts_user u ON u.id = c.worker_id "
        "WHERE u.username = 'mash' AND c.completed_at IS NULL"
    )[0][0]
    outstanding_checks = _rows(
        "SELECT count(*) FROM frontdoor_mashcheck WHERE responded_at IS NULL"
    )[0][0]
    to_authorise = _rows(
        "SELECT count(*) FROM assessments_assessment a JOIN accounts_membership m "
        "ON m.team_id = a.team_id JOIN accounts_user u ON u.id = m.user_id "
        "WHERE u.username = 'team.manager' AND a.status = 'submitted'"
    )[0][0]
    allocated = _rows(
        "SELECT count(*) FROM people_allocation a JOIN accounts_user u ON u.id = a.worker_id "
        "WHERE u.username = 'social.worker' AND a.end_date IS NULL"
    )[0][0]
    assert open_assessments >= 5
    assert allocated >= open_assessments
    assert open_contacts >= 1
    assert outstanding_checks >= 1
    assert to_authorise >= 1
    # Every person has their primary name row, from the trigger that fires during bulk loads.
    assert (
        _rows(
            "SELECT count(*) FROM people_person p WHERE NOT EXISTS (SELECT 1 FROM people_personname "
            "n WHERE n.person_id = p.id AND n.name_type = 'primary')"
        )[0][0]
        == 0
    )


@pytest.mark.django_db
def test_bad_input_is_refused_clearly(small_county: GenerationReport) -> None:
    with pytest.raises(GenerationError, match="unknown scenario"):
        generate("atlantis", now=NOW, stdout=lambda line: None)
    with pytest.raises(GenerationError, match="at least 1"):
        _small(years=0)
    with pytest.raises(GenerationError, match="future"):
        _small(end_year=2031)
    with pytest.raises(GenerationError, match="before the working-day calendar"):
        _small(end_year=1991)
    with pytest.raises(GenerationError, match="--replace"):
        _small(replace=False)
