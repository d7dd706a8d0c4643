"""The statutory timescales of a period of care, as pure functions (CPPCR 2010 regs 4, 9, 28
and 33): visits across placement changes and a placement's first anniversary, reviews across
month ends, plans in working days."""

from __future__ import annotations

from datetime import date

import pytest

from haven.care.timescales import (
    VisitPlacement,
    care_plan_due,
    placement_plan_due,
    review_due,
    visit_due,
)

pytestmark = pytest.mark.django_db  # the calendar reads the council's closure days

D = date
JAN_6 = D(2025, 1, 6)


def _foster(start=JAN_6, until_18=False, ls="C2", place="U6"):
    return VisitPlacement(
        start_date=start, place=place, intended_until_18=until_18, legal_status=ls
    )


# -- Visits (reg 28) --------------------------------------------------------------------------


def test_first_visit_is_due_within_a_week_of_the_placement():
    due = visit_due(_foster(), None, None, D(2025, 1, 6))
    assert (due.date, due.rule) == (D(2025, 1, 13), "cla_first_visit")


def test_then_at_most_six_weeks_apart_in_the_first_year():
    due = visit_due(_foster(), D(2025, 1, 10), None, D(2025, 1, 10))
    assert (due.date, due.rule) == (D(2025, 2, 21), "cla_visit")


def test_a_move_restarts_the_one_week_clock_whatever_the_last_visit():
    # Visited in the old placement on 1 March; moved on 3 March: due 10 March, not 12 April.
    moved = _foster(start=D(2025, 3, 3))
    due = visit_due(moved, D(2025, 3, 1), D(2025, 2, 3), D(2025, 3, 4))
    assert (due.date, due.rule) == (D(2025, 3, 10), "cla_first_visit")
    # A visit in the new placement starts the ordinary interval from it.
    assert visit_due(moved, D(2025, 3, 7), D(2025, 2, 3), D(2025, 3, 7)).date == D(2025, 4, 18)


def test_long_term_placement_is_three_monthly_after_its_first_year():
    placement = _foster(start=D(2024, 1, 15), until_18=True, place="U4")
    # The day before the first anniversary: still 6-weekly.
    assert visit_due(placement, D(2025, 1, 14), D(2024, 2, 12), D(2025, 1, 14)).rule == "cla_visit"
    # From the anniversary: 3 months from the last visit, clamped at the month's end.
    due = visit_due(placement, D(2024, 11, 30), D(2024, 2, 12), D(2025, 1, 15))
    assert (due.date, due.rule) == (D(2025, 2, 28), "cla_visit_long_term")


def test_placement_not_meant_to_last_to_18_stays_six_weekly_after_a_year():
    placement = _foster(start=D(2023, 1, 15))
    due = visit_due(placement, D(2025, 6, 2), D(2023, 2, 10), D(2025, 6, 2))
    assert (due.date, due.rule) == (D(2025, 7, 14), "cla_visit")


def test_placed_with_parents_weekly_until_the_first_review_then_six_weekly():
    home = _foster(place="P1", ls="C2")
    before = visit_due(home, D(2025, 1, 10), None, D(2025, 1, 10))
    assert (before.date, before.rule) == (D(2025, 1, 17), "cla_visit_until_review")
    after = visit_due(home, D(2025, 2, 5), D(2025, 2, 3), D(2025, 2, 5))
    assert (after.date, after.rule) == (D(2025, 3, 19), "cla_visit")


@pytest.mark.parametrize(("place", "ls"), [("U1", "C2"), ("U2", "V2"), ("U3", "C1"), ("P1", "C1")])
def test_connected_person_or_home_on_an_interim_order_weekly_then_four_weekly(place, ls):
    placement = _foster(place=place, ls=ls)
    assert visit_due(placement, D(2025, 1, 10), None, D(2025, 1, 10)).date == D(2025, 1, 17)
    # A review not yet held (recorded for a later day) does not end the weekly visits.
    assert visit_due(placement, D(2025, 1, 10), D(2025, 2, 3), D(2025, 1, 20)).date == D(
        2025, 1, 17
    )
    after = visit_due(placement, D(2025, 2, 5), D(2025, 2, 3), D(2025, 2, 5))
    assert (after.date, after.rule) == (D(2025, 3, 5), "cla_visit_connected")


def test_other_foster_carers_are_not_weekly_before_the_first_review():
    assert visit_due(_foster(place="U4"), D(2025, 1, 10), None, D(2025, 1, 10)).date == D(
        2025, 2, 21
    )


def test_visit_interval_follows_its_setting(settings):
    settings.HAVEN_CLA_VISIT_DAYS = 28
    assert visit_due(_foster(), D(2025, 1, 10), None, D(2025, 1, 10)).date == D(2025, 2, 7)


# -- Reviews (reg 33) -------------------------------------------------------------------------


def test_first_review_within_20_working_days_of_becoming_looked_after():
    # 6 January 2025 + 20 working days (no bank holidays) = 3 February.
    due = review_due(D(2025, 1, 6), 0, None)
    assert (due.date, due.rule) == (D(2025, 2, 3), "cla_first_review")


def test_first_review_skips_bank_holidays():
    # Looked after from 14 April 2025: Good Friday, Easter Monday and the early May bank
    # holiday are not counted.
    assert review_due(D(2025, 4, 14), 0, None).date == D(2025, 5, 15)


def test_second_review_three_months_after_the_first_across_a_month_end():
    due = review_due(D(2025, 1, 2), 1, D(2025, 1, 31))
    assert (due.date, due.rule) == (D(2025, 4, 30), "cla_second_review")
    # 30 November + 3 months: 28 February (29 in a leap year).
    assert review_due(D(2023, 11, 1), 1, D(2023, 11, 30)).date == D(2024, 2, 29)


def test_later_reviews_at_most_six_months_apart():
    due = review_due(D(2024, 6, 3), 2, D(2024, 8, 31))
    assert (due.date, due.rule) == (D(2025, 2, 28), "cla_later_review")


# -- Plans (regs 4 and 9) ---------------------------------------------------------------------


def test_care_plan_within_10_and_placement_plan_within_5_working_days():
    assert care_plan_due(D(2025, 1, 6)) == D(2025, 1, 20)
    # Friday 19 December 2025: Christmas and Boxing Day are not working days.
    assert placement_plan_due(D(2025, 12, 19)) == D(2025, 12, 30)
