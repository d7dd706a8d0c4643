"""The generated child protection and child in need pathway keeps the services' rules."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from haven.core.calendar import add_calendar_months, calendar
from haven.core.db_roles import owner_mode
from haven.synthetic.generator import GenerationReport
from haven.synthetic.tests.conftest import NOW
from haven.synthetic.tests.test_generate import _rows

# The generator bulk-loads as the schema owner; the tests read back through the same session.
pytestmark = pytest.mark.usefixtures("owner_db")


@pytest.fixture
def county(small_county: GenerationReport) -> GenerationReport:
    return small_county


@pytest.mark.django_db
def test_small_scenario_has_plans_and_live_work_for_the_demo_users(county: Any) -> None:
    assert county.counts["childprotectionplan"] > 0
    assert county.counts["cinplan"] > 0
    assert _rows("SELECT count(*) FROM protection_childprotectionplan WHERE end_date IS NULL")[0][0]
    # social.worker holds a child on an open plan with a core group still to be held (and,
    # as for every open plan, a visit due from the last one).
    held = _rows(
        "SELECT p.id, max(v.visited_on), p.start_date FROM protection_childprotectionplan p "
        "JOIN people_allocation a ON a.person_id = p.person_id AND a.end_date IS NULL "
        "JOIN accounts_user u ON u.id = a.worker_id "
        "JOIN protection_coregroup g ON g.plan_id = p.id AND g.held_on IS NULL "
        "LEFT JOIN protection_visit v ON v.cp_plan_id = p.id "
        "WHERE u.username = 'social.worker' AND p.end_date IS NULL GROUP BY p.id"
    )
    assert held
    cal = calendar()
    today = NOW.date()
    assert any(
        cal.add_working_days(last or start, 10) <= cal.add_working_days(today, 10)
        for _, last, start in held
    )
    chaired = _rows(
        "SELECT count(*) FROM protection_conference c JOIN accounts_user u ON u.id = c.chair_id "
        "WHERE u.username = 'chair'"
    )[0][0]
    assert chaired > 0
    assert _rows("SELECT count(*) FROM protection_s47enquiry WHERE end_date IS NULL")[0][0] >= 0
    # Every child on an open plan is allocated to a worker.
    assert not _rows(
        "SELECT p.id FROM protection_childprotectionplan p WHERE p.end_date IS NULL AND NOT "
        "EXISTS (SELECT 1 FROM people_allocation a WHERE a.person_id = p.person_id "
        "AND a.end_date IS NULL AND a.worker_id IS NOT NULL)"
    )


@pytest.mark.django_db
def test_no_child_has_two_open_or_overlapping_plans(county: Any) -> None:
    assert not _rows(
        "SELECT person_id FROM protection_childprotectionplan WHERE end_date IS NULL "
        "GROUP BY person_id HAVING count(*) > 1"
    )
    assert not _rows(
        "SELECT a.id FROM protection_childprotectionplan a JOIN protection_childprotectionplan b "
        "ON a.person_id = b.person_id AND a.id < b.id AND a.period && b.period"
    )
    # previous_plans counts the child's earlier plans.
    assert not _rows(
        "SELECT p.id FROM protection_childprotectionplan p WHERE p.previous_plans <> (SELECT "
        "count(*) FROM protection_childprotectionplan q WHERE q.person_id = p.person_id "
        "AND q.start_date < p.start_date)"
    )


@pytest.mark.django_db
def test_bulk_load_mode_still_enforces_the_no_overlap_constraint(county: Any) -> None:
    # session_replication_role = replica skips triggers (foreign keys, audit), not CHECK,
    # UNIQUE or EXCLUDE constraints.
    plan = _rows(
        "SELECT id, person_id, referral_id, conference_id, start_date, initial_category "
        "FROM protection_childprotectionplan ORDER BY id LIMIT 1"
    )[0]
    with (
        owner_mode(),
        pytest.raises(IntegrityError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "INSERT INTO protection_childprotectionplan (created_at, updated_at, version, "
            "person_id, referral_id, conference_id, start_date, initial_category, "
            "latest_category, end_reason, previous_plans) VALUES (now(), now(), 1, %s, %s, "
            "%s, %s, %s, %s, '', 0)",
            [plan[1], plan[2], plan[3], plan[4] + datetime.timedelta(days=1), plan[5], plan[5]],
        )


@pytest.mark.django_db
def test_icpcs_are_due_15_working_days_from_the_s47_start(county: Any) -> None:
    cal = calendar()
    rows = _rows(
        "SELECT s.start_date, s.icpc_target, c.due_date, c.due_rule, d.held_on "
        "FROM protection_s47enquiry s "
        "JOIN protection_strategydiscussion d ON d.id = s.strategy_discussion_id "
        "LEFT JOIN protection_conference c ON c.s47_id = s.id AND c.kind = 'initial'"
    )
    assert any(r[2] is not None for r in rows)
    for start, target, due, due_rule, discussed in rows:
        assert start == discussed
        assert target == cal.add_working_days(start, 15)
        if due is not None:
            assert (due, due_rule) == (target, "icpc")
    # Plans start at the initial conference that decided them.
    assert not _rows(
        "SELECT p.id FROM protection_childprotectionplan p JOIN protection_conference c "
        "ON c.id = p.conference_id WHERE c.held_on <> p.start_date OR c.decision <> 'plan' "
        "OR c.category <> p.initial_category"
    )


@pytest.mark.django_db
def test_no_episode_closes_while_its_work_is_open(county: Any) -> None:
    open_work = _rows(
        """
        SELECT r.id FROM frontdoor_referral r WHERE r.closure_date IS NOT NULL AND (
          EXISTS (SELECT 1 FROM protection_s47enquiry s WHERE s.referral_id = r.id
                  AND (s.end_date IS NULL OR s.end_date > r.closure_date))
          OR EXISTS (SELECT 1 FROM protection_childprotectionplan p WHERE p.referral_id = r.id
                  AND (p.end_date IS NULL OR p.end_date > r.closure_date))
          OR EXISTS (SELECT 1 FROM childinneed_cinplan c WHERE c.referral_id = r.id
                  AND (c.end_date IS NULL OR c.end_date > r.closure_date))
          OR EXISTS (SELECT 1 FROM protection_conference c WHERE c.referral_id = r.id
                  AND c.held_on IS NULL)
          OR EXISTS (SELECT 1 FROM assessments_assessment a WHERE a.referral_id = r.id
                  AND a.status <> 'authorised'))
        """
    )
    assert open_work == []
    reasons = dict(
        _rows("SELECT closure_reason, count(*) FROM frontdoor_referral GROUP BY closure_reason")
    )
    assert {"RC7", "RC8", "RC9"} <= set(reasons)
    closures = _rows("SELECT count(*) FROM frontdoor_referral WHERE closure_date IS NOT NULL")[0][0]
    entries = _rows("SELECT count(*) FROM chronology_chronologyevent WHERE kind = 'closure'")[0][0]
    assert closures == entries


@pytest.mark.django_db
def test_reviews_follow_3_then_6_months_and_the_last_ends_the_plan(county: Any) -> None:
    plans = _rows("SELECT id, start_date, end_date, end_reason FROM protection_childprotectionplan")
    reviews: dict[int, list[tuple[Any, ...]]] = {}
    for row in _rows(
        "SELECT plan_id, due_date, due_rule, held_on, decision FROM protection_conference "
        "WHERE kind = 'review' ORDER BY plan_id, due_date"
    ):
        reviews.setdefault(row[0], []).append(row[1:])
    checked = 0
    for pid, start, end, reason in plans:
        previous = start
        for i, (due, due_rule, held, _decision) in enumerate(reviews.get(pid, [])):
            months = 3 if i == 0 else 6
            assert due == add_calendar_months(previous, months)
            assert due_rule == ("first_cp_review" if i == 0 else "later_cp_review")
            if held is None:
                assert end is None and i == len(reviews[pid]) - 1
                break
            assert held > previous
            previous = held
            checked += 1
        if end is not None and reason == "no_longer_at_risk":
            last = reviews[pid][-1]
            assert last[2:] == (end, "end")
        if end is not None:
            assert all(r[2] is not None and r[2] <= end for r in reviews.get(pid, []))
    assert checked > 0
    # Core groups: the first 10 working days after the plan starts, then a month apart.
    cal = calendar()
    groups = _rows(
        "SELECT g.plan_id, p.start_date, g.due_date, g.due_rule, g.held_on "
        "FROM protection_coregroup g JOIN protection_childprotectionplan p ON p.id = g.plan_id "
        "ORDER BY g.plan_id, g.due_date"
    )
    last_plan: int | None = None
    last_held = datetime.date.min
    for plan_id, start, due, due_rule, held in groups:
        if plan_id != last_plan:
            assert (due, due_rule) == (cal.add_working_days(start, 10), "first_core_group")
        else:
            assert (due, due_rule) == (add_calendar_months(last_held, 1), "later_core_group")
        last_plan, last_held = plan_id, held or datetime.date.min


@pytest.mark.django_db
def test_visits_chain_by_the_calendar_and_chronology_is_worded_as_the_services(
    county: Any,
) -> None:
    cal = calendar()
    previous: dict[tuple[Any, Any], Any] = {}
    for cp_plan, cin_plan, visited, due, next_due, rule in _rows(
        "SELECT cp_plan_id, cin_plan_id, visited_on, due_date, next_due, due_rule "
        "FROM protection_visit ORDER BY cp_plan_id, cin_plan_id, visited_on"
    ):
        assert next_due == cal.add_working_days(visited, 10 if rule == "cp_visit" else 20)
        if (cp_plan, cin_plan) in previous:
            assert due == previous[cp_plan, cin_plan]
        previous[cp_plan, cin_plan] = next_due
    summaries = {s for (s,) in _rows("SELECT DISTINCT summary FROM chronology_chronologyevent")}
    assert "Strategy discussion: start a section 47 enquiry" in summaries
    assert "Section 47 enquiry started" in summaries
    assert "Child protection plan ended: no longer at risk of significant harm" in summaries
    assert "Core group held" in summaries
    assert "Child protection visit: child seen alone" in summaries
    assert any(
        s.startswith("Initial child protection conference: child protection plan (")
        for s in summaries
    )
    assert any(s.startswith("Decision authorised: ") for s in summaries)
    assert "Police responded to the MASH check" in summaries
    started = [s for s in summaries if s.startswith("Child and family assessment started (due ")]
    assert started
    assert not [s for s in started if s.split("(due ")[1].startswith("0")]
