from __future__ import annotations

import datetime
from typing import Any

import pytest

from haven.core.calendar import calendar
from haven.people.models import RestrictedAccess
from haven.performance import periods, selectors
from haven.performance.front_door import FRONT_DOOR
from haven.performance.measures import Span
from haven.performance.tests.conftest import FrontDoor, at

pytestmark = pytest.mark.django_db


def figures_2020(user: Any) -> dict[str, Any]:
    year = periods.dfe_year(2020)
    return selectors.figures_compute(page=FRONT_DOOR, periods=[year], user=user).values(year)


def test_a_year_runs_from_april_to_march() -> None:
    year = periods.dfe_year(2020)
    assert (year.first, year.last) == (datetime.date(2019, 4, 1), datetime.date(2020, 3, 31))
    assert [m.key for m in periods.months_of(year)][:2] == ["2019-04", "2019-05"]
    assert len(periods.months_of(year)) == 12


def test_front_door_figures_for_the_year(front_door: FrontDoor, analyst: Any) -> None:
    assert figures_2020(analyst) == {
        "contacts": 4,
        "children_contacted": 5,
        "conversion_to_referral_pct": 66.7,
        "referrals": 3,
        "re_referral_rate_pct": 33.3,
        "decisions_within_1wd_pct": 66.7,
        "assessments_authorised": 2,
        "assessments_within_45wd_pct": 50.0,
    }


def test_the_45th_working_day_is_in_time_and_the_46th_is_not(front_door: FrontDoor) -> None:
    start = datetime.date(2019, 4, 15)
    assert calendar().add_working_days(start, 45) == datetime.date(2019, 6, 21)
    rows = selectors.measure_rows(
        measure=FRONT_DOOR["assessments_within_45wd_pct"],
        period=periods.dfe_year(2020),
        user=None,
    )
    assert [r["row_id"] for r in rows] == [front_door.assessments["on_time"].pk]


def test_working_days_in_sql_match_the_calendar(front_door: FrontDoor) -> None:
    from haven.assessments.models import Assessment
    from haven.performance.expressions import WorkingDaysBetween

    span = Span(datetime.date(2019, 4, 1), datetime.date(2020, 3, 31))
    found = dict(
        Assessment.objects.filter(authorised_on__lte=span.last)
        .annotate(
            wd=WorkingDaysBetween("start_date", "authorised_on", first=span.first, last=span.last)
        )
        .values_list("pk", "wd")
    )
    assert sorted(found.values()) == [8, 45, 46]
    for pk, start, authorised in Assessment.objects.filter(pk__in=found).values_list(
        "pk", "start_date", "authorised_on"
    ):
        assert authorised is not None
        assert found[pk] == calendar().working_days_between(start, authorised)


def test_a_contact_late_on_31_march_counts_in_that_year(front_door: FrontDoor) -> None:
    rows = selectors.measure_rows(
        measure=FRONT_DOOR["contacts"],
        period=periods.parse_month("2020-03", periods.dfe_year(2020)),
        user=None,
    )
    assert [r["child_id"] for r in rows] == [front_door.children["eve"].pk]


def test_contacts_by_month_and_source(front_door: FrontDoor, analyst: Any) -> None:
    year = periods.dfe_year(2020)
    figures = selectors.figures_compute(page=FRONT_DOOR, periods=[year], user=analyst)
    contacts = FRONT_DOOR["contacts"]
    assert contacts is not None
    april = periods.parse_month("2019-04", year)
    assert figures.cell(contacts, april).value == 2
    source = contacts.records.splits[0]
    assert figures.cell(contacts, year, (source, "6")).value == 2  # friday and siblings
    assert figures.cell(contacts, year, (source, "2A")).value == 1


def test_restricted_children_are_counted_only_for_named_users(
    front_door: FrontDoor, analyst: Any, named_analyst: Any
) -> None:
    assert figures_2020(None)["referrals"] == 3
    named = figures_2020(named_analyst)
    assert named["contacts"] == 5
    assert named["referrals"] == 4
    assert named["assessments_authorised"] == 3


def test_restricted_children_are_not_listed(front_door: FrontDoor, analyst: Any) -> None:
    rows = selectors.measure_rows(
        measure=FRONT_DOOR["referrals"],
        period=periods.dfe_year(2020),
        user=analyst,
    )
    assert front_door.children["rex"].pk not in {r["child_id"] for r in rows}
    assert len(rows) == 3


def test_the_re_referral_list_is_the_numerator_and_can_show_the_denominator(
    front_door: FrontDoor,
) -> None:
    measure = FRONT_DOOR["re_referral_rate_pct"]
    year = periods.dfe_year(2020)
    numerator = selectors.measure_rows(measure=measure, period=year, user=None)
    everyone = selectors.measure_rows(
        measure=measure,
        period=year,
        user=None,
        denominator=True,
    )
    assert [r["row_id"] for r in numerator] == [front_door.referrals["amy_again"].pk]
    assert len(everyone) == 3


def test_parse_years_accepts_ranges_and_repeats() -> None:
    assert periods.parse_years(["2016-2018", "2020"]) == [2016, 2017, 2018, 2020]
    with pytest.raises(ValueError):
        periods.parse_years(["twenty"])
    with pytest.raises(ValueError):
        periods.parse_years(["2020-2016"])


def test_contacts_and_their_children_are_counted_in_one_pass_each_leaving_out_its_own(
    front_door: FrontDoor, analyst: Any, django_assert_num_queries: Any
) -> None:
    # Rex (restricted) and Dan on one contact: for the analyst, the contact is left out whole,
    # but Dan is still a child contacted; a user named on Rex's record counts both.
    front_door.contact(
        "mixed", at(2019, 7, 1), "6", {"rex": ("nfa", at(2019, 7, 1, 12)), "dan": ("", None)}
    )
    year = periods.dfe_year(2020)
    # The restricted records; contacts and their children in one scan; referrals; assessments.
    with django_assert_num_queries(4):
        figures = selectors.figures_compute(page=FRONT_DOOR, periods=[year], user=analyst)
    seen = figures.values(year)
    assert (seen["contacts"], seen["children_contacted"]) == (4, 6)
    rows = selectors.measure_rows(measure=FRONT_DOOR["contacts"], period=year, user=analyst)
    assert not {r["row_id"] for r in rows} & set(
        front_door.contacts["mixed"].children.values_list("pk", flat=True)
    )
    RestrictedAccess.objects.create(person=front_door.children["rex"], user=analyst)
    named = figures_2020(analyst)
    assert (named["contacts"], named["children_contacted"]) == (6, 8)


def test_months_and_decision_days_are_london_days(front_door: FrontDoor, analyst: Any) -> None:
    # Received 00:30 on 1 May (BST: 23:30 on 30 April in UTC), due 2 May; one child decided
    # 23:30 on 2 May (in time), one 00:30 on 3 May (late, though still 2 May in UTC).
    front_door.contact(
        "midnight",
        at(2019, 5, 1, 0, 30),
        "6",
        {"amy": ("nfa", at(2019, 5, 2, 23, 30)), "ben": ("nfa", at(2019, 5, 3, 0, 30))},
    )
    year = periods.dfe_year(2020)
    figures = selectors.figures_compute(page=FRONT_DOOR, periods=[year], user=analyst)
    april, may = (periods.parse_month(m, year) for m in ("2019-04", "2019-05"))
    assert figures.cell(FRONT_DOOR["children_contacted"], april).value == 2
    assert figures.cell(FRONT_DOOR["children_contacted"], may).value == 2
    assert figures.cell(FRONT_DOOR["decisions_within_1wd_pct"], may).value == 50.0
    rows = selectors.measure_rows(
        measure=FRONT_DOOR["decisions_within_1wd_pct"], period=may, user=analyst
    )
    assert [r["child_id"] for r in rows] == [front_door.children["amy"].pk]
