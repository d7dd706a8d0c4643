"""The leaving-care categories at their boundaries: 13 weeks, the 14th, 16th and 18th
birthdays, leaving care at 17 and coming back."""

from __future__ import annotations

import datetime

from haven.leavingcare.eligibility import Category, birthday, category_on, merge

D = datetime.date
BORN = D(2008, 6, 15)
AT_14, AT_16, AT_18 = D(2022, 6, 15), D(2024, 6, 15), D(2026, 6, 15)
DAY = datetime.timedelta(days=1)
WEEKS_13 = datetime.timedelta(days=91)


def test_looked_after_13_weeks_since_14_including_at_16_is_eligible() -> None:
    # From 16 weeks before the 16th birthday; on the 16th birthday that is 16 weeks.
    spans = [(AT_16 - datetime.timedelta(weeks=16), None)]
    result = category_on(BORN, spans, AT_16)
    assert result.category == Category.ELIGIBLE
    assert "16 weeks" in result.reason
    assert result.until_21 == D(2029, 6, 15)
    assert result.until_25 == D(2033, 6, 15)


def test_one_day_short_of_13_weeks_is_not_yet_eligible_and_the_day_after_is() -> None:
    start = AT_16
    # Looked after on the start day and 89 more: 90 days by the 90th day.
    assert category_on(BORN, [(start, None)], start + WEEKS_13 - 2 * DAY).category == (
        Category.NONE
    )
    not_yet = category_on(BORN, [(start, None)], start + WEEKS_13 - 2 * DAY)
    assert "eligible after 13 weeks" in not_yet.reason
    assert category_on(BORN, [(start, None)], start + WEEKS_13 - DAY).category == (
        Category.ELIGIBLE
    )


def test_time_before_the_14th_birthday_does_not_count() -> None:
    # Looked after from 13 to 16 weeks after the 14th birthday... starting the day before 14.
    spans = [(AT_14 - 100 * DAY, AT_14 + 90 * DAY), (AT_16, None)]
    # 90 days after 14 in the first span, then the 16th birthday itself: 91 days on the 16th
    # birthday.
    assert category_on(BORN, spans, AT_16).category == Category.ELIGIBLE
    spans = [(AT_14 - 100 * DAY, AT_14 + 89 * DAY), (AT_16, None)]
    assert category_on(BORN, spans, AT_16).category == Category.NONE


def test_looked_after_13_weeks_after_14_but_left_before_16_is_not_a_care_leaver() -> None:
    spans = [(AT_14, AT_16)]  # ceased on the 16th birthday: last day looked after at 15
    result = category_on(BORN, spans, AT_16 + 10 * DAY)
    assert result.category == Category.NONE
    assert "not looked after at 16" in result.reason
    # Ceasing the day after the 16th birthday: looked after on the birthday, so relevant.
    result = category_on(BORN, [(AT_14, AT_16 + DAY)], AT_16 + 10 * DAY)
    assert result.category == Category.RELEVANT
    assert "Left care on" in result.reason


def test_under_16_is_not_yet_a_care_leaver() -> None:
    result = category_on(BORN, [(AT_14, None)], AT_16 - DAY)
    assert result.category == Category.NONE
    assert "Is 15" in result.reason


def test_leaving_at_16_with_under_13_weeks_is_qualifying() -> None:
    spans = [(AT_16 - 30 * DAY, AT_16 + 30 * DAY)]
    result = category_on(BORN, spans, AT_16 + 60 * DAY)
    assert result.category == Category.QUALIFYING
    # And at 19 still qualifying (looked after at 16), until 21.
    assert category_on(BORN, spans, D(2027, 7, 1)).category == Category.QUALIFYING
    assert category_on(BORN, spans, D(2029, 7, 1)).category == Category.NONE


def test_leaving_care_at_17_then_returning() -> None:
    at_17 = D(2025, 6, 15)
    spans = [(AT_14 + 30 * DAY, at_17 + 20 * DAY), (at_17 + 100 * DAY, None)]
    # After leaving: relevant.
    assert category_on(BORN, spans, at_17 + 50 * DAY).category == Category.RELEVANT
    # Back in care: eligible again.
    assert category_on(BORN, spans, at_17 + 120 * DAY).category == Category.ELIGIBLE
    # In care the day before 18: former relevant at 18.
    result = category_on(
        BORN, [(AT_14 + 30 * DAY, at_17 + 20 * DAY), (at_17 + 100 * DAY, AT_18)], AT_18
    )
    assert result.category == Category.FORMER_RELEVANT
    assert "in care at 18" in result.reason


def test_former_relevant_from_18_to_21_then_to_25_on_request() -> None:
    spans = [(AT_14, AT_18)]
    assert category_on(BORN, spans, AT_18 - DAY).category == Category.ELIGIBLE
    assert category_on(BORN, spans, AT_18).category == Category.FORMER_RELEVANT
    at_21 = birthday(BORN, 21)
    assert category_on(BORN, spans, at_21 - DAY).category == Category.FORMER_RELEVANT
    after = category_on(BORN, spans, at_21)
    assert after.category == Category.NONE
    assert "may ask" in after.reason
    assert category_on(BORN, spans, at_21, support_to_25=True).category == (
        Category.FORMER_RELEVANT
    )
    assert category_on(BORN, spans, birthday(BORN, 25), support_to_25=True).category == (
        Category.NONE
    )


def test_a_relevant_child_at_18_becomes_former_relevant() -> None:
    spans = [(AT_14, AT_16 + 40 * DAY)]
    assert category_on(BORN, spans, AT_18 + DAY).category == Category.FORMER_RELEVANT
    assert "relevant care leaver at 18" in category_on(BORN, spans, AT_18 + DAY).reason


def test_never_looked_after_and_unknown_birth() -> None:
    assert category_on(BORN, [], AT_18).category == Category.NONE
    assert category_on(None, [(AT_14, None)], AT_18).category == Category.NONE


def test_spans_that_touch_are_joined() -> None:
    assert merge([(D(2024, 1, 1), D(2024, 2, 1)), (D(2024, 2, 1), None)]) == [(D(2024, 1, 1), None)]


def test_29_february_birthday_is_1_march_in_a_common_year() -> None:
    assert birthday(D(2008, 2, 29), 16) == D(2024, 2, 29)
    assert birthday(D(2008, 2, 29), 17) == D(2025, 3, 1)


def test_became_eligible_on_the_16th_birthday_or_the_91st_day() -> None:
    from haven.leavingcare.eligibility import became_eligible_on

    assert became_eligible_on(BORN, [(AT_14, None)]) == AT_16
    assert became_eligible_on(BORN, [(AT_16, None)]) == AT_16 + 90 * DAY
    assert category_on(BORN, [(AT_16, None)], AT_16 + 90 * DAY).category == Category.ELIGIBLE
    assert became_eligible_on(BORN, [(AT_14, AT_14 + 10 * DAY)]) is None
    # 91 days before 16, out of care at 16, back at 16 and a half.
    assert became_eligible_on(BORN, [(AT_14, AT_14 + 100 * DAY), (AT_16 + 180 * DAY, None)]) == (
        AT_16 + 180 * DAY
    )
