"""The working-day calendar: bank holidays, year ends, closures, working hours, months, rules."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from haven.core import calendar as cal_module
from haven.core.calendar import (
    LONDON,
    RULE_KEYS,
    RULES,
    WorkingCalendar,
    add_calendar_months,
    calendar,
    clear_calendar_cache,
    rule,
)
from haven.core.models import ClosureDay

CAL = WorkingCalendar()


@pytest.fixture
def fresh_calendar() -> Iterator[None]:
    """A rolled-back test transaction sends no post_delete, so never leak a cached calendar."""
    clear_calendar_cache()
    yield
    clear_calendar_cache()


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


# -- bank holidays ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        # Easter 2024 and 2025.
        date(2024, 3, 29),
        date(2024, 4, 1),
        date(2025, 4, 18),
        date(2025, 4, 21),
        # 2022: spring bank holiday moved to Thursday, Platinum Jubilee, the State Funeral.
        date(2022, 6, 2),
        date(2022, 6, 3),
        date(2022, 9, 19),
        # 2023: the Coronation.
        date(2023, 5, 8),
        # Substitute days for Christmas, Boxing Day and New Year falling at weekends.
        date(2021, 12, 27),
        date(2021, 12, 28),
        date(2022, 1, 3),
        date(2022, 12, 26),
        date(2022, 12, 27),
        date(2023, 1, 2),
    ],
)
def test_bank_holidays_and_substitute_days_are_not_working_days(day: date) -> None:
    assert day.weekday() < 5  # a weekday, so only the bank holiday can make it non-working
    assert not CAL.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2022, 5, 30),  # the usual late-May Monday, not a holiday in 2022
        date(2022, 12, 28),
        date(2023, 1, 3),
        date(2024, 4, 2),
        date(2023, 5, 9),  # the day after the Coronation
        date(2024, 12, 27),
    ],
)
def test_ordinary_weekdays_are_working_days(day: date) -> None:
    assert CAL.is_working_day(day)


def test_weekends_are_not_working_days() -> None:
    assert not CAL.is_working_day(date(2024, 3, 2))
    assert not CAL.is_working_day(date(2024, 3, 3))
    assert CAL.is_working_day(date(2024, 3, 4))


# -- add_working_days -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2024, 3, 1), 1, date(2024, 3, 4)),  # Friday to Monday
        (date(2024, 3, 28), 1, date(2024, 4, 2)),  # over Easter 2024
        (date(2025, 4, 17), 1, date(2025, 4, 22)),  # over Easter 2025
        (date(2025, 4, 17), 3, date(2025, 4, 24)),
        (date(2022, 6, 1), 1, date(2022, 6, 6)),  # over the Jubilee weekend
        (date(2022, 9, 16), 1, date(2022, 9, 20)),  # over the State Funeral
        (date(2023, 5, 5), 1, date(2023, 5, 9)),  # over the Coronation
        (date(2021, 12, 24), 1, date(2021, 12, 29)),  # Christmas 2021: Mon and Tue substituted
        (date(2021, 12, 31), 1, date(2022, 1, 4)),  # New Year 2022: Monday substituted
        (date(2022, 12, 23), 1, date(2022, 12, 28)),  # Christmas 2022
        (date(2022, 12, 30), 1, date(2023, 1, 3)),  # New Year 2023: Monday substituted
        (date(2024, 12, 24), 1, date(2024, 12, 27)),  # Christmas on Wednesday
        (date(2024, 12, 31), 1, date(2025, 1, 2)),
        (date(2024, 12, 20), 10, date(2025, 1, 8)),  # across a year end
        (date(2024, 3, 1), 0, date(2024, 3, 1)),  # day 0 is the start when it is working
        (date(2024, 3, 2), 0, date(2024, 3, 4)),  # ...otherwise the next working day
        (date(2024, 3, 29), 0, date(2024, 4, 2)),
        (date(2024, 3, 2), 1, date(2024, 3, 4)),  # a Saturday start counts Monday as day 1
        (date(2024, 3, 4), -1, date(2024, 3, 1)),  # counting back
        (date(2024, 4, 2), -1, date(2024, 3, 28)),
        (date(2024, 3, 2), -1, date(2024, 3, 1)),
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert CAL.add_working_days(start, days) == expected


def test_45_working_days_across_easter_2024() -> None:
    # From Mon 4 Mar 2024, 45 weekdays would end on Mon 6 May; Good Friday, Easter Monday and
    # the early May bank holiday (6 May itself) push it three working days on to Thu 9 May.
    assert CAL.add_working_days(date(2024, 3, 4), 45) == date(2024, 5, 9)


def test_add_working_days_agrees_with_a_day_by_day_count() -> None:
    rng = random.Random(20240301)
    for _ in range(200):
        start = date(2019, 1, 1) + timedelta(days=rng.randrange(365 * 7))
        days = rng.randrange(1, 61)
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in cal_module.bank_holidays():
                counted += 1
        assert CAL.add_working_days(start, days) == day, (start, days)


def test_add_working_days_many_matches_single_calls() -> None:
    starts = [date(2021, 12, 20) + timedelta(days=i) for i in range(30)]
    for days in (-2, 0, 1, 15, 45):
        assert CAL.add_working_days_many(starts, days) == [
            CAL.add_working_days(s, days) for s in starts
        ]
    assert CAL.add_working_days_many([], 5) == []


def test_dates_outside_the_calendar_are_refused() -> None:
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        CAL.add_working_days(date(1980, 1, 1), 1)
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        CAL.add_working_days(date(2060, 12, 29), 10)
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        CAL.add_working_days_many([date(2024, 1, 1), date(1980, 1, 1)], 1)


# -- next_working_day and working_days_between ------------------------------------------------


def test_next_working_day_is_strictly_after() -> None:
    assert CAL.next_working_day(date(2024, 3, 4)) == date(2024, 3, 5)
    assert CAL.next_working_day(date(2024, 3, 1)) == date(2024, 3, 4)
    assert CAL.next_working_day(date(2024, 3, 28)) == date(2024, 4, 2)
    assert CAL.next_working_day(date(2022, 12, 23)) == date(2022, 12, 28)


def test_working_days_between() -> None:
    assert CAL.working_days_between(date(2024, 3, 1), date(2024, 3, 4)) == 1
    assert CAL.working_days_between(date(2024, 3, 28), date(2024, 4, 2)) == 1
    assert CAL.working_days_between(date(2024, 3, 4), date(2024, 3, 4)) == 0
    assert CAL.working_days_between(date(2024, 4, 2), date(2024, 3, 28)) == -1
    # 2022: 260 weekdays less 10 weekday bank holidays (the Jubilee, the Funeral, the moved
    # spring holiday and the substitutes for New Year, Christmas and Boxing Day among them).
    assert CAL.working_days_between(date(2021, 12, 31), date(2022, 12, 31)) == 250


def test_working_days_between_inverts_add_working_days() -> None:
    rng = random.Random(45)
    for _ in range(400):
        start = date(2000, 1, 1) + timedelta(days=rng.randrange(365 * 40))
        days = rng.randrange(1, 61)
        end = CAL.add_working_days(start, days)
        assert CAL.is_working_day(end)
        assert CAL.working_days_between(start, end) == days, (start, days)
        assert CAL.working_days_between(end, start) == -days
        # The day before the deadline is one working day short.
        assert CAL.working_days_between(start, end - timedelta(days=1)) == days - 1


# -- add_working_hours ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (london(2024, 3, 1, 16), 4, london(2024, 3, 4, 12)),  # Friday over the weekend
        (london(2024, 3, 1, 16), 1, london(2024, 3, 1, 17)),  # ends at close of the same day
        (london(2024, 3, 28, 15, 30), 4, london(2024, 4, 2, 11, 30)),  # over Easter
        (london(2024, 3, 4, 7), 4, london(2024, 3, 4, 13)),  # before 9am starts at 9
        (london(2024, 3, 4, 18), 4, london(2024, 3, 5, 13)),  # after 5pm starts next morning
        (london(2024, 3, 2, 10), 4, london(2024, 3, 4, 13)),  # Saturday starts on Monday
        (london(2024, 3, 4, 10), 16, london(2024, 3, 6, 10)),  # two whole working days
        (london(2024, 3, 4, 10), 0.5, london(2024, 3, 4, 10, 30)),
        (london(2024, 3, 29, 10), 4, london(2024, 4, 2, 13)),  # from Good Friday
    ],
)
def test_add_working_hours(start: datetime, hours: float, expected: datetime) -> None:
    result = CAL.add_working_hours(start, hours)
    assert result == expected
    assert result.tzinfo == LONDON


def test_add_working_hours_across_the_clocks_going_forward() -> None:
    # Clocks went forward on Sunday 31 March 2024: Monday 12:00 is BST (11:00 UTC).
    result = CAL.add_working_hours(london(2024, 3, 28, 16), 4)
    assert result == london(2024, 4, 2, 12)
    assert result.utcoffset() == timedelta(hours=1)


def test_add_working_hours_converts_other_time_zones_to_london() -> None:
    from datetime import UTC

    # 15:00 UTC on 1 July 2024 is 16:00 BST.
    start = datetime(2024, 7, 1, 15, tzinfo=UTC)
    assert CAL.add_working_hours(start, 2) == london(2024, 7, 2, 10)


def test_add_working_hours_follows_settings(settings: SettingsWrapper) -> None:
    settings.HAVEN_WORKING_DAY_START = "08:30"
    settings.HAVEN_WORKING_DAY_END = "16:30"
    assert CAL.add_working_hours(london(2024, 3, 1, 16), 4) == london(2024, 3, 4, 12)
    assert CAL.add_working_hours(london(2024, 3, 4, 8), 1) == london(2024, 3, 4, 9, 30)


def test_add_working_hours_refuses_negative_hours() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_hours(london(2024, 3, 4, 10), -1)


# -- add_calendar_months ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap year
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 3, 15), 3, date(2024, 6, 15)),
        (date(2024, 11, 15), 3, date(2025, 2, 15)),  # across a year end
        (date(2024, 12, 31), 12, date(2025, 12, 31)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 5, 31), -3, date(2024, 2, 29)),
    ],
)
def test_add_calendar_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_calendar_months(start, months) == expected


# -- the LA's closure days --------------------------------------------------------------------


def test_closure_days_are_not_working_days() -> None:
    closed = WorkingCalendar(closures=[date(2024, 12, 27), date(2024, 12, 30), date(2024, 12, 31)])
    assert not closed.is_working_day(date(2024, 12, 27))
    assert closed.add_working_days(date(2024, 12, 24), 1) == date(2025, 1, 2)
    assert CAL.add_working_days(date(2024, 12, 24), 1) == date(2024, 12, 27)


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_calendar")
def test_calendar_loads_closure_days_and_refreshes_when_they_change() -> None:
    friday = date(2024, 12, 27)
    assert calendar().is_working_day(friday)
    assert calendar() is calendar()  # cached

    closure = ClosureDay.objects.create(date=friday, reason="Council closure")
    assert not calendar().is_working_day(friday)
    assert calendar().add_working_days(date(2024, 12, 24), 1) == date(2024, 12, 30)

    closure.date = date(2024, 12, 30)
    closure.save()
    assert calendar().is_working_day(friday)
    assert not calendar().is_working_day(date(2024, 12, 30))

    closure.delete()
    assert calendar().is_working_day(date(2024, 12, 30))


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_calendar")
def test_a_due_date_asked_again_after_a_closure_day_is_added_moves() -> None:
    # Due dates are remembered by the calendar: a closure added later must not leave an old one.
    assessment = rule("assessment")
    before = assessment.due_date(date(2024, 12, 2))
    assert assessment.due_date(date(2024, 12, 2)) == before
    ClosureDay.objects.create(date=date(2024, 12, 9), reason="Council closure")
    # The closure falls inside the clock: the due date is one working day later.
    assert assessment.due_date(date(2024, 12, 2)) == calendar().add_working_days(before, 1)


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_calendar")
def test_rules_use_the_las_closure_days() -> None:
    ClosureDay.objects.create(date=date(2024, 3, 4), reason="Office move")
    assert rule("contact_decision").due(date(2024, 3, 1)) == date(2024, 3, 5)


# -- deadline rules ---------------------------------------------------------------------------


def test_assessment_rule_is_45_working_days() -> None:
    assessment = rule("assessment")
    assert (assessment.unit, assessment.amount) == ("working_days", 45)
    rng = random.Random(7)
    for _ in range(50):
        start = date(2020, 1, 1) + timedelta(days=rng.randrange(2000))
        assert assessment.due(start, CAL) == CAL.add_working_days(start, 45)


@pytest.mark.parametrize(
    ("key", "start", "expected"),
    [
        ("contact_decision", date(2024, 3, 1), date(2024, 3, 4)),
        ("mash_check_amber", date(2024, 3, 28), date(2024, 4, 2)),
        ("mash_check_green", date(2024, 3, 28), date(2024, 4, 4)),
        ("strategy_discussion", date(2023, 5, 5), date(2023, 5, 9)),
        ("icpc", date(2024, 3, 1), date(2024, 3, 22)),
        ("first_core_group", date(2024, 3, 22), date(2024, 4, 9)),
        ("later_core_group", date(2024, 1, 31), date(2024, 2, 29)),
        ("first_cp_review", date(2023, 11, 30), date(2024, 2, 29)),
        ("later_cp_review", date(2023, 8, 31), date(2024, 2, 29)),
        ("cp_visit", date(2024, 3, 1), date(2024, 3, 15)),
        ("cin_visit", date(2024, 3, 1), date(2024, 4, 2)),
        ("re_referral_window", date(2024, 2, 29), date(2025, 2, 28)),
    ],
)
def test_rule_defaults(key: str, start: date, expected: date) -> None:
    assert rule(key).due(start, CAL) == expected


def test_mash_red_rule_counts_working_hours() -> None:
    red = rule("mash_check_red")
    assert red.due_at(london(2024, 3, 1, 16), CAL) == london(2024, 3, 4, 12)
    with pytest.raises(TypeError):
        red.due(date(2024, 3, 1), CAL)


def test_date_rules_use_the_london_date_of_a_datetime() -> None:
    from datetime import UTC

    # 23:30 UTC on Thursday 27 June 2024 is 00:30 on Friday 28 June in London.
    late = datetime(2024, 6, 27, 23, 30, tzinfo=UTC)
    assert rule("contact_decision").due_date(late, CAL) == date(2024, 7, 1)
    midday = datetime(2024, 6, 27, 12, tzinfo=UTC)
    assert rule("contact_decision").due_date(midday, CAL) == date(2024, 6, 28)
    assert rule("cp_visit").due_date(london(2024, 3, 1, 23), CAL) == date(2024, 3, 15)


def test_settings_override_changes_a_rule(settings: SettingsWrapper) -> None:
    settings.HAVEN_ASSESSMENT_WD = 40
    settings.HAVEN_MASH_RED_HOURS = 2.5
    assert rule("assessment").amount == 40
    assert rule("assessment").description == "40 working days from referral"
    assert RULES["assessment"].due(date(2024, 3, 4), CAL) == CAL.add_working_days(
        date(2024, 3, 4), 40
    )
    assert rule("mash_check_red").due(london(2024, 3, 4, 9), CAL) == london(2024, 3, 4, 11, 30)


def test_rules_mapping_lists_every_rule() -> None:
    assert set(RULES) == set(RULE_KEYS)
    # contact_decision_immediate and cin_review among them, ten for looked-after children's
    # statutory work and five for their health and education
    assert len(RULES) == 31
    assert all(RULES[key].key == key for key in RULES)


def test_unknown_rule_is_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match="no deadline rule 'assesment'"):
        rule("assesment")
