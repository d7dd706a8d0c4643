"""The child protection page, figures, lists and Annex A lists 5, 6 and 7, from plans built with
the protection services across the 2019/20 year end and its bank holidays."""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from haven.accounts.models import Role, User
from haven.cli import main
from haven.core.calendar import calendar, rule
from haven.frontdoor.models import Referral
from haven.frontdoor.services import referral_create
from haven.people.models import Person, PersonKind, RestrictedAccess
from haven.performance import annex_a, periods, selectors
from haven.performance.protection import CHILD_PROTECTION
from haven.protection import services
from haven.protection.models import ChildProtectionPlan, Conference, S47Enquiry

pytestmark = pytest.mark.django_db
D = datetime.date
PAGE = reverse("performance:child_protection")
LIST = reverse("performance:measure_list")


@dataclass
class Protection:
    manager: User
    chair: User
    teams: dict[str, Any]
    children: dict[str, Person] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)
    plans: dict[str, ChildProtectionPlan] = field(default_factory=dict)

    def refer(self, child: str, on: datetime.date) -> Referral:
        referral = referral_create(
            person=self.children[child],
            by=self.manager,
            referral_date=on,
            source="6",
            team=self.teams["assessment"],
            primary_need="N1",
        )
        self.referrals[child] = referral
        return referral

    def icpc(
        self,
        child: str,
        s47_on: datetime.date,
        icpc_on: datetime.date,
        *,
        category: str = "NEG",
        plan: bool = True,
        key: str | None = None,
    ) -> Conference:
        referral = self.referrals[child]
        services.strategy_discussion_record(
            referral=referral,
            by=self.manager,
            held_on=s47_on,
            agencies=["police", "health"],
            decision="start_s47",
        )
        s47 = S47Enquiry.objects.get(referral=referral, start_date=s47_on)
        services.s47_complete(s47=s47, by=self.manager, end_date=icpc_on, outcome="conference")
        conference = Conference.objects.get(s47=s47)
        services.conference_hold(
            conference=conference,
            by=self.manager,
            held_on=icpc_on,
            chair=self.chair,
            decision="plan" if plan else "no_plan",
            category=category if plan else "",
        )
        if plan:
            self.plans[key or child] = ChildProtectionPlan.objects.get(conference=conference)
        return conference

    def review(
        self, key: str, held_on: datetime.date, decision: str = "continue", category: str = ""
    ) -> Conference:
        plan = self.plans[key]
        conference = plan.reviews.get(held_on__isnull=True)
        services.conference_hold(
            conference=conference,
            by=self.manager,
            held_on=held_on,
            chair=self.chair,
            decision=decision,
            category=category,
        )
        self.plans[key].refresh_from_db()
        return conference

    def end(self, key: str, on: datetime.date) -> None:
        services.cp_plan_end(
            plan=self.plans[key], by=self.manager, end_date=on, reason="no_longer_at_risk"
        )
        self.plans[key].refresh_from_db()


@pytest.fixture
def analyst(make_user: Any) -> User:
    return make_user(Role.PERFORMANCE_ANALYST, None, first_name="Ana", last_name="Lyst")


@pytest.fixture
def cp(teams: Any, manager: User, make_user: Any, make_child: Any) -> Protection:
    chair = make_user(Role.REVIEWING_OFFICER, None, first_name="Chloe", last_name="Chair")
    p = Protection(manager=manager, chair=chair, teams=teams)
    for key, born in [
        ("ann", D(2012, 5, 1)),
        ("ben", D(2010, 4, 13)),
        ("cat", D(2016, 1, 2)),
        ("dan", D(2017, 7, 7)),
        ("eve", D(2009, 9, 9)),
        ("rex", D(2011, 11, 11)),
        # 18 on 31 March 2020: a child on the 30th, not on the 31st.
        ("old", D(2002, 3, 31)),
        ("gone", D(2014, 2, 2)),
        ("twin", D(2012, 5, 1)),
    ]:
        p.children[key] = make_child(
            given_names=key.title(), family_name="Test", date_of_birth=born
        )
    Person.objects.filter(pk=p.children["rex"].pk).update(is_restricted=True)
    Person.objects.filter(pk=p.children["gone"].pk).update(date_of_death=D(2019, 12, 1))
    Person.objects.filter(pk=p.children["twin"].pk).update(merged_into=p.children["ann"])

    # Ann: a plan of exactly 2 years, ended 15 March 2020; a second plan from 31 March 2020.
    p.refer("ann", D(2018, 3, 1))
    p.icpc("ann", D(2018, 3, 1), D(2018, 3, 15), key="ann1")
    p.end("ann1", D(2020, 3, 15))
    p.icpc("ann", D(2020, 3, 20), D(2020, 3, 31), category="SAB", key="ann2")
    # Cat: one day short of 2 years.
    p.refer("cat", D(2018, 3, 1))
    p.icpc("cat", D(2018, 3, 5), D(2018, 3, 20))
    p.end("cat", D(2020, 3, 19))
    # Ben: plan from 1 May 2019, ended at a (late) review on 31 March 2020.
    p.refer("ben", D(2019, 4, 15))
    p.icpc("ben", D(2019, 4, 24), D(2019, 5, 1))
    p.review("ben", D(2020, 3, 31), decision="end")
    # Dan: S47 Monday 15 April 2019; Easter and May Day make 9 May the 15th working day.
    p.refer("dan", D(2019, 4, 15))
    p.icpc("dan", D(2019, 4, 15), D(2019, 5, 9), category="PHY")
    p.review("dan", D(2019, 8, 9), category="EMO")  # in time, and now emotional abuse
    p.review("dan", D(2020, 2, 20))  # due 9 February: late
    services.visit_record(
        kind="cp", plan=p.plans["dan"], by=manager, visited_on=D(2019, 5, 23), child_seen=True
    )
    services.visit_record(
        kind="cp",
        plan=p.plans["dan"],
        by=manager,
        visited_on=D(2019, 6, 10),
        child_seen=True,
        seen_alone=True,
    )
    # Eve: conference on the 16th working day, no plan.
    p.refer("eve", D(2019, 4, 15))
    p.icpc("eve", D(2019, 4, 15), D(2019, 5, 10), plan=False)
    # Rex: restricted, on a plan.
    p.refer("rex", D(2019, 5, 20))
    p.icpc("rex", D(2019, 5, 20), D(2019, 6, 3))
    return p


def figures(year: int, user: Any = None, days: list[datetime.date] | None = None) -> Any:
    period = periods.dfe_year(year)
    return selectors.figures_compute(
        page=CHILD_PROTECTION, periods=[period], user=user, days=days or []
    )


def test_the_15th_working_day_after_the_s47_is_9_may_2019() -> None:
    assert rule("icpc").due_date(D(2019, 4, 15)) == D(2019, 5, 9)
    assert calendar().working_days_between(D(2019, 4, 15), D(2019, 5, 10)) == 16


def test_child_protection_figures_for_the_year(cp: Protection, analyst: User) -> None:
    values = figures(2020, analyst).values(periods.dfe_year(2020))
    assert values == {
        # Ann (started 31 March) and Dan; Ben's plan ended on 31 March; Rex is restricted.
        "children_on_cpp_at_year_end": 2,
        # Children 0-17 alive on 31 March 2020: Ann, Ben, Cat, Dan, Eve (not Rex, restricted;
        # not Old, 18 that day; not Gone, died; not Twin, merged).
        "children_on_cpp_per_10000": 4000.0,
        "cpp_started": 3,  # Ben, Dan, Ann's second
        "cpp_second_or_subsequent_pct": 33.3,
        "cpp_repeat_within_2y_pct": 33.3,
        "cpp_ended": 3,  # Ann's first, Cat, Ben
        "cpp_ended_lasting_2y_plus_pct": 33.3,  # Ann's first: exactly 2 years
        "icpc_held": 4,  # Ben, Dan, Eve, Ann's second
        "icpc_within_15wd_pct": 75.0,  # Eve's was on the 16th working day
        "cp_reviews_held": 3,
        "cp_reviews_in_time_pct": 33.3,
        "cp_visits": 2,
        "cp_visits_in_time_pct": 50.0,
    }


def test_a_plan_ending_on_31_march_is_not_counted_and_one_starting_that_day_is(
    cp: Protection,
) -> None:
    rows = selectors.measure_rows(
        measure=CHILD_PROTECTION["children_on_cpp_at_year_end"],
        period=periods.dfe_year(2020),
        user=None,
    )
    assert [r["row_id"] for r in rows] == [cp.plans["dan"].pk, cp.plans["ann2"].pk]


def test_a_plan_lasting_two_years_to_the_day_counts_and_a_day_short_does_not(
    cp: Protection,
) -> None:
    rows = selectors.measure_rows(
        measure=CHILD_PROTECTION["cpp_ended_lasting_2y_plus_pct"],
        period=periods.dfe_year(2020),
        user=None,
    )
    assert [r["row_id"] for r in rows] == [cp.plans["ann1"].pk]


def test_the_icpc_on_the_15th_working_day_is_in_time_and_the_16th_is_not(
    cp: Protection,
) -> None:
    rows = selectors.measure_rows(
        measure=CHILD_PROTECTION["icpc_within_15wd_pct"], period=periods.dfe_year(2020), user=None
    )
    children = {r["child_id"] for r in rows}
    assert cp.children["dan"].pk in children
    assert cp.children["eve"].pk not in children


def test_a_second_plan_is_found_from_the_records_even_if_not_recorded_on_the_plan(
    cp: Protection,
) -> None:
    assert cp.plans["ann2"].previous_plans == 1
    ChildProtectionPlan.objects.filter(pk=cp.plans["ann2"].pk).update(previous_plans=0)
    values = figures(2020).values(periods.dfe_year(2020))
    assert values["cpp_second_or_subsequent_pct"] == 33.3


def test_children_on_a_plan_on_a_chosen_day_and_their_rate(cp: Protection) -> None:
    day = D(2020, 3, 30)
    found = figures(2020, days=[day])
    on = periods.Period(key=day.isoformat(), label="30 March 2020", first=day, last=day)
    assert found.cell(CHILD_PROTECTION["children_on_cpp_at_year_end"], on).value == 2  # Ben, Dan
    # Old is still 17 on the 30th: six children.
    rate = found.cell(CHILD_PROTECTION["children_on_cpp_per_10000"], on)
    assert (rate.numerator, rate.denominator, rate.value) == (2, 6, 3333.3)


def test_the_child_population_is_counted_from_the_records(cp: Protection) -> None:
    before = figures(2020).cell(
        CHILD_PROTECTION["children_on_cpp_per_10000"], periods.dfe_year(2020)
    )
    Person.objects.create(
        kind=PersonKind.CHILD, given_names="New", family_name="Born", date_of_birth=D(2020, 1, 1)
    )
    Person.objects.create(
        kind=PersonKind.ADULT, given_names="A", family_name="Parent", date_of_birth=D(1990, 1, 1)
    )
    after = figures(2020).cell(
        CHILD_PROTECTION["children_on_cpp_per_10000"], periods.dfe_year(2020)
    )
    assert (before.denominator, after.denominator) == (5, 6)
    rows = selectors.measure_rows(
        measure=CHILD_PROTECTION["children_on_cpp_per_10000"],
        period=periods.dfe_year(2020),
        user=None,
        denominator=True,
    )
    assert len(rows) == 6


def test_by_month_and_by_category(cp: Protection) -> None:
    year = periods.dfe_year(2020)
    found = figures(2020)
    on_plan = CHILD_PROTECTION["children_on_cpp_at_year_end"]
    may = periods.parse_month("2019-05", year)
    assert found.cell(on_plan, may).value == 4  # Ann, Cat, Ben, Dan on 31 May 2019
    category = on_plan.records.splits[0]
    assert found.cell(on_plan, year, (category, "EMO")).value == 1  # Dan's latest
    assert found.cell(on_plan, year, (category, "PHY")).value == 0
    started = CHILD_PROTECTION["cpp_started"]
    initial = started.records.splits[0]
    assert found.cell(started, year, (initial, "PHY")).value == 1  # Dan's initial
    assert found.cell(started, periods.parse_month("2020-03", year)).value == 1


def test_restricted_children_are_counted_only_for_named_users(
    cp: Protection, analyst: User
) -> None:
    assert figures(2020, analyst).values(periods.dfe_year(2020))["cpp_started"] == 3
    RestrictedAccess.objects.create(person=cp.children["rex"], user=analyst)
    named = figures(2020, analyst).values(periods.dfe_year(2020))
    assert named["cpp_started"] == 4
    assert named["children_on_cpp_at_year_end"] == 3


def test_the_page_links_each_number_to_its_children(cp: Protection, analyst: User) -> None:
    client = client_for(analyst)
    response = client.get(PAGE, {"year": "2020", "on": "2020-03-30"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{LIST}?measure=children_on_cpp_at_year_end&amp;year=2020"' in html
    assert f'href="{LIST}?measure=cpp_started&amp;year=2020&amp;month=2019-05"' in html
    assert f'href="{LIST}?measure=cpp_started&amp;year=2020&amp;category=PHY"' in html
    assert (
        f'href="{LIST}?measure=children_on_cpp_at_year_end&amp;year=2020&amp;on=2020-03-30"' in html
    )
    assert "75.0%" in html and "4,000.0" in html
    listing = client.get(
        LIST, {"measure": "children_on_cpp_at_year_end", "year": "2020", "on": "2020-03-30"}
    )
    text = listing.content.decode()
    ids = {key: f">{child.pk}</td>" for key, child in cp.children.items()}
    assert ids["ben"] in text and ids["dan"] in text and ids["ann"] not in text
    # An analyst checks a figure by Haven ID: names and dates of birth are not theirs to see.
    assert "Ben Test" not in text and "Not shown" in text
    population = client.get(
        LIST, {"measure": "children_on_cpp_per_10000", "year": "2020", "of": "all"}
    ).content.decode()
    assert "Children aged 0 to 17" in population and ids["eve"] in population
    assert ids["rex"] not in population and "Eve Test" not in population
    assert f'href="{PAGE}?year=2020' in text  # back to this page, not the front door


def test_the_front_door_page_links_to_this_one(analyst: User) -> None:
    html = client_for(analyst).get(reverse("performance:front_door")).content.decode()
    assert PAGE in html


def test_a_practitioner_may_not_see_the_page(worker: User) -> None:
    assert client_for(worker).get(PAGE).status_code == 403


def test_a_bad_day_is_not_found(analyst: User) -> None:
    client = client_for(analyst)
    assert client.get(PAGE, {"on": "2020-02-30"}).status_code == 404
    assert client.get(LIST, {"measure": "cpp_started", "on": "2020-01-01"}).status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(
    cp: Protection, analyst: User, make_child: Any
) -> None:
    client = client_for(analyst)
    client.get(PAGE, {"year": "2020"})
    with CaptureQueriesContext(connection) as before:
        client.get(PAGE, {"year": "2020"})
    for n in range(5):
        key = f"more{n}"
        cp.children[key] = make_child(given_names=key, date_of_birth=D(2015, 1, 1))
        cp.refer(key, D(2019, 6, 3 + n))
        cp.icpc(key, D(2019, 6, 3 + n), D(2019, 6, 17 + n))
    with CaptureQueriesContext(connection) as after:
        client.get(PAGE, {"year": "2020"})
    # Session, user, 2FA, audit context, alerts; restricted records; five kinds of record
    # counted (plans started, ended, ICPCs, reviews, visits); plans open; the population.
    assert len(after) == len(before) <= 17


def test_figures_on_the_command_line(cp: Protection, capsys: Any) -> None:
    assert main(["figures", "protection", "--year", "2019-2020", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["2020"]) >= {
        "children_on_cpp_at_year_end",
        "cpp_started",
        "cpp_ended",
        "cpp_ended_lasting_2y_plus_pct",
        "cpp_second_or_subsequent_pct",
        "icpc_held",
        "icpc_within_15wd_pct",
    }
    assert data["2020"]["children_on_cpp_at_year_end"] == 2
    assert data["2019"]["children_on_cpp_at_year_end"] == 2  # Ann and Cat on 31 March 2019
    assert data["2019"]["cpp_started"] == 0
    assert main(["figures", "protection", "--year", "2020", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["icpc_within_15wd_pct"] == "75.0"


def annex(number: int, first: datetime.date, last: datetime.date, user: Any = None) -> Any:
    return list(annex_a.lists()[number].rows(first, last, user))


def test_annex_a_list_5(cp: Protection) -> None:
    rows = annex(5, D(2019, 4, 1), D(2019, 9, 30))
    assert rows[0][5:] == [
        "Disability",
        "Strategy discussion date",
        "Initial child protection conference not required",
        "Initial child protection conference date",
        "Initial conference led to a child protection plan",
        "Number of section 47 enquiries in the last 12 months (including this one)",
        "Number of initial child protection conferences in the last 12 months",
        "Allocated team",
        "Allocated worker",
    ]
    by_child = {r[0]: r for r in rows[1:]}
    assert str(cp.children["rex"].pk) not in by_child
    assert len(rows) == 4  # Dan, Eve, Ben
    assert by_child[str(cp.children["eve"].pk)][5:12] == [
        "Not recorded",
        "15/04/2019",
        "No",
        "10/05/2019",
        "No",
        "1",
        "1",
    ]
    assert by_child[str(cp.children["dan"].pk)][9] == "Yes"
    assert by_child[str(cp.children["dan"].pk)][12] == "Winchester assessment"


def test_annex_a_list_6(cp: Protection) -> None:
    rows = annex(6, D(2019, 10, 1), D(2020, 3, 31))
    assert rows[0][5:] == [
        "Disability",
        "Child in need start date (referral date)",
        "Primary need",
        "Date child last seen",
        "Closure date",
        "Reason for closure",
        "Case status",
        "Allocated team",
        "Allocated worker",
    ]
    by_child = {r[0]: r for r in rows[1:]}
    assert str(cp.children["rex"].pk) not in by_child
    dan = by_child[str(cp.children["dan"].pk)]
    assert dan[6:12] == ["15/04/2019", "N1", "10/06/2019", "", "", "Child protection plan"]
    assert by_child[str(cp.children["ben"].pk)][11] == "Assessment"  # plan ended 31 March


def test_annex_a_list_7(cp: Protection) -> None:
    rows = annex(7, D(2019, 10, 1), D(2020, 3, 31))
    assert rows[0][5:] == [
        "Disability",
        "Child protection plan start date",
        "Initial category of abuse",
        "Latest category of abuse",
        "Date of last child protection visit",
        "Child seen alone at the last visit",
        "Date of latest review conference",
        "Child protection plan end date",
        "Emergency protection in the last 6 months",
        "Number of previous child protection plans",
        "Allocated team",
        "Allocated worker",
    ]
    assert [r[6] for r in rows[1:]] == [
        "15/03/2018",  # Ann's first
        "20/03/2018",  # Cat
        "01/05/2019",  # Ben
        "09/05/2019",  # Dan
        "31/03/2020",  # Ann's second
    ]
    dan = rows[4]
    assert dan[6:16] == [
        "09/05/2019",
        "PHY",
        "EMO",
        "10/06/2019",
        "Yes",
        "20/02/2020",
        "",
        "",
        "0",
        "Winchester assessment",
    ]
    assert rows[5][14] == "1"  # Ann's second plan: one before
    assert rows[3][12] == "31/03/2020"  # Ben's plan ended


def test_annex_a_lists_5_6_7_download(cp: Protection, analyst: User) -> None:
    response: Any = client_for(analyst).get(
        reverse("performance:annex_a"),
        {"list": "7", "date_from": "2019-10-01", "date_to": "2020-03-31"},
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 6


def test_the_population_by_day_agrees_with_the_list_filter(cp: Protection) -> None:
    for born in [D(2002, 2, 28), D(2002, 3, 1), D(2004, 2, 29), D(2019, 12, 31)]:
        Person.objects.create(
            kind=PersonKind.CHILD, given_names="Edge", family_name="Case", date_of_birth=born
        )
    days = [
        D(2019, 12, 1),
        D(2019, 12, 31),
        D(2020, 2, 27),
        D(2020, 2, 28),
        D(2020, 2, 29),
        D(2020, 3, 1),
        D(2022, 2, 28),
        D(2022, 3, 1),
    ]
    counted = selectors._population_on(days, [])
    for day in days:
        expected = selectors.children_living([]).filter(selectors.children_aged_0_17_on(day))
        assert counted[day] == expected.count(), day
