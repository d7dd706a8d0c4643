"""Health and education of looked-after children: timescales, recording, and OC2 from records."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from haven.care import health, services
from haven.care.models import HealthKind, HealthRecord, PersonalEducationPlan, SchoolPlacement
from haven.care.tests.health_helpers import look_after
from haven.chronology.models import ChronologyEvent
from haven.core.errors import ConflictError

D = date
# The working-day calendar reads the council's closure days from the database.
pytestmark = pytest.mark.django_db


# -- timescales ------------------------------------------------------------------------------------


def test_initial_health_assessment_is_due_20_working_days_after_becoming_looked_after():
    # Monday 6 January 2025 + 20 working days (no bank holidays in between).
    assert health.initial_health_assessment_due(D(2025, 1, 6)) == D(2025, 2, 3)


def test_initial_health_assessment_skips_bank_holidays():
    # From Thursday 17 April 2025: Good Friday, Easter Monday and 5 May do not count.
    assert health.initial_health_assessment_due(D(2025, 4, 17)) == D(2025, 5, 20)


def test_review_health_assessment_is_six_monthly_under_5_and_yearly_from_5():
    born = D(2021, 6, 1)
    assert health.health_assessment_next_due(born, D(2025, 3, 1)) == D(2025, 9, 1)  # aged 3
    assert health.health_assessment_next_due(born, D(2026, 5, 31)) == D(2026, 11, 30)  # aged 4
    assert health.health_assessment_next_due(born, D(2026, 6, 1)) == D(2027, 6, 1)  # aged 5


def test_a_month_end_assessment_is_next_due_at_the_month_end():
    assert health.health_assessment_next_due(D(2022, 1, 1), D(2025, 8, 31)) == D(2026, 2, 28)


def test_dental_check_is_yearly_from_the_last_or_from_becoming_looked_after():
    assert health.dental_check_due(None, D(2025, 1, 6)) == D(2026, 1, 6)
    assert health.dental_check_due(D(2025, 3, 2), D(2025, 1, 6)) == D(2026, 3, 2)


def test_first_pep_is_due_10_working_days_after_becoming_looked_after():
    assert health.first_pep_due(D(2025, 1, 6)) == D(2025, 1, 20)


@pytest.mark.parametrize(
    ("held_on", "next_due"),
    [
        (D(2025, 10, 1), D(2026, 4, 5)),  # autumn: end of spring (Easter Sunday 2026)
        (D(2025, 12, 31), D(2026, 4, 5)),
        (D(2026, 1, 2), D(2026, 7, 31)),  # spring: end of summer
        (D(2026, 4, 5), D(2026, 7, 31)),  # Easter Sunday is spring's last day
        (D(2026, 4, 6), D(2026, 12, 31)),  # summer: end of autumn
        (D(2026, 8, 15), D(2026, 12, 31)),  # the summer holiday belongs to summer
    ],
)
def test_pep_is_next_due_at_the_end_of_the_following_term(held_on, next_due):
    assert health.pep_next_due(held_on) == next_due


def test_what_is_due_moves_from_initial_to_review_and_from_first_pep_to_termly():
    start, born = D(2025, 1, 6), D(2015, 3, 12)
    first = health.due_for(
        period_start=start, born=born, last_assessment=None, last_dental=None, last_pep=None
    )
    assert [(d.kind, d.due) for d in first] == [
        ("initial_assessment", D(2025, 2, 3)),
        ("dental_check", D(2026, 1, 6)),
        ("pep", D(2025, 1, 20)),
    ]
    later = health.due_for(
        period_start=start,
        born=born,
        last_assessment=D(2025, 1, 30),
        last_dental=D(2025, 2, 1),
        last_pep=D(2025, 1, 15),
    )
    assert [(d.label, d.due) for d in later] == [
        ("Review health assessment", D(2026, 1, 30)),
        ("Dental check", D(2026, 2, 1)),
        ("Personal education plan review", D(2025, 7, 31)),
    ]


# -- recording -------------------------------------------------------------------------------------


@pytest.fixture
def looked_after(child):
    look_after(child, D(2025, 1, 6))
    return child


def test_the_first_health_assessment_of_a_period_is_the_initial_one_then_reviews(
    looked_after, worker
):
    first = services.health_record(
        person=looked_after, by=worker, kind=services.HEALTH_ASSESSMENT, on=D(2025, 2, 5)
    )
    assert (first.kind, first.due_date) == (HealthKind.INITIAL_ASSESSMENT, D(2025, 2, 3))
    second = services.health_record(
        person=looked_after, by=worker, kind=services.HEALTH_ASSESSMENT, on=D(2026, 1, 10)
    )
    # The child was 9 at the first: the review is due a year later.
    assert (second.kind, second.due_date) == (HealthKind.REVIEW_ASSESSMENT, D(2026, 2, 5))
    entry = ChronologyEvent.objects.filter(person=looked_after).latest("pk")
    assert entry.occurred_on == D(2026, 1, 10)
    assert entry.text == "Review health assessment"


def test_a_dental_check_stores_when_it_was_due(looked_after, worker):
    first = services.health_record(
        person=looked_after, by=worker, kind=HealthKind.DENTAL_CHECK, on=D(2025, 6, 1)
    )
    assert first.due_date == D(2026, 1, 6)
    second = services.health_record(
        person=looked_after, by=worker, kind=HealthKind.DENTAL_CHECK, on=D(2026, 7, 1)
    )
    assert second.due_date == D(2026, 6, 1)


def _refused(field, **kwargs):
    with pytest.raises(ValidationError) as caught:
        services.health_record(**kwargs)
    assert field in caught.value.message_dict, caught.value.message_dict
    return caught.value.message_dict[field][0]


def test_an_sdq_score_over_40_is_refused_beside_the_score(looked_after, worker):
    message = _refused(
        "sdq_score",
        person=looked_after,
        by=worker,
        kind=HealthKind.SDQ,
        on=D(2025, 5, 1),
        sdq_score=41,
    )
    assert "0 to 40" in message
    assert not HealthRecord.objects.exists()


def test_an_sdq_with_both_a_score_and_a_reason_is_refused(looked_after, worker):
    _refused(
        "sdq_reason",
        person=looked_after,
        by=worker,
        kind=HealthKind.SDQ,
        on=D(2025, 5, 1),
        sdq_score=12,
        sdq_reason="SDQ2",
    )
    _refused("sdq_score", person=looked_after, by=worker, kind=HealthKind.SDQ, on=D(2025, 5, 1))


def test_the_age_reason_for_no_sdq_is_refused_for_a_child_aged_4_to_16(looked_after, worker):
    message = _refused(
        "sdq_reason",
        person=looked_after,
        by=worker,
        kind=HealthKind.SDQ,
        on=D(2025, 5, 1),
        sdq_reason="SDQ1",
    )
    assert "was 10" in message


def test_the_age_reason_for_no_sdq_is_accepted_for_a_child_under_4(make_child, worker):
    toddler = make_child(date_of_birth=D(2023, 1, 1))
    look_after(toddler, D(2025, 1, 6))
    record = services.health_record(
        person=toddler, by=worker, kind=HealthKind.SDQ, on=D(2025, 5, 1), sdq_reason="SDQ1"
    )
    assert (record.sdq_score, record.sdq_reason) == (None, "SDQ1")


def test_a_date_in_the_future_or_before_birth_or_outside_care_is_refused(
    looked_after, make_child, worker
):
    kw = {"person": looked_after, "by": worker, "kind": HealthKind.DENTAL_CHECK}
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert "today or in the past" in _refused("on", on=tomorrow, **kw)
    assert "was not looked after" in _refused("on", on=D(2024, 12, 1), **kw)
    assert "date of birth" in _refused("on", on=D(2015, 3, 11), **kw)
    never = make_child(given_names="Amy")
    assert "has not been looked after" in _refused(
        "on", person=never, by=worker, kind=HealthKind.CONVICTION, on=D(2025, 5, 1)
    )
    assert not HealthRecord.objects.exists()


def test_immunisations_say_whether_they_are_up_to_date(looked_after, worker):
    _refused(
        "up_to_date",
        person=looked_after,
        by=worker,
        kind=HealthKind.IMMUNISATIONS,
        on=D(2025, 5, 1),
    )
    record = services.health_record(
        person=looked_after,
        by=worker,
        kind=HealthKind.IMMUNISATIONS,
        on=D(2025, 5, 1),
        up_to_date=False,
    )
    assert record.up_to_date is False


def test_the_same_check_twice_on_one_day_is_a_conflict(looked_after, worker):
    kw = {
        "person": looked_after,
        "by": worker,
        "kind": HealthKind.DENTAL_CHECK,
        "on": D(2025, 5, 1),
    }
    services.health_record(**kw)
    with pytest.raises(ConflictError):
        services.health_record(**kw)
    assert HealthRecord.objects.count() == 1


def test_peps_store_when_they_were_due_and_the_next_by_the_term_rule(looked_after, worker):
    first = services.pep_record(person=looked_after, by=worker, held_on=D(2025, 1, 24))
    assert (first.due_date, first.next_due) == (D(2025, 1, 20), D(2025, 7, 31))
    second = services.pep_record(person=looked_after, by=worker, held_on=D(2025, 6, 20))
    assert (second.due_date, second.next_due) == (D(2025, 7, 31), D(2025, 12, 31))
    with pytest.raises(ConflictError):
        services.pep_record(person=looked_after, by=worker, held_on=D(2025, 6, 20))
    with pytest.raises(ValidationError) as caught:
        services.pep_record(person=looked_after, by=worker, held_on=D(2024, 6, 20))
    assert "held_on" in caught.value.message_dict
    assert PersonalEducationPlan.objects.count() == 2


def test_a_new_school_ends_the_last_one(looked_after, worker):
    services.school_placement_record(
        person=looked_after, by=worker, school_name="Oak Primary", start_date=D(2025, 1, 13)
    )
    services.school_placement_record(
        person=looked_after,
        by=worker,
        school_name="  Ash   Academy ",
        urn="116245",
        start_date=D(2025, 9, 3),
        virtual_school_contact="Sam Lee",
    )
    rows = list(SchoolPlacement.objects.values_list("school_name", "start_date", "end_date"))
    assert rows == [
        ("Oak Primary", D(2025, 1, 13), D(2025, 9, 3)),
        ("Ash Academy", D(2025, 9, 3), None),
    ]
    with pytest.raises(ConflictError):
        services.school_placement_record(
            person=looked_after, by=worker, school_name="Elm", start_date=D(2025, 9, 3)
        )
    with pytest.raises(ValidationError) as caught:
        services.school_placement_record(
            person=looked_after, by=worker, school_name="", urn="12", start_date=D(2025, 9, 4)
        )
    assert set(caught.value.message_dict) == {"school_name", "urn"}
    assert SchoolPlacement.objects.count() == 2


# -- OC2 -------------------------------------------------------------------------------------------

YEAR_END = D(2026, 3, 31)


def _oc2(person):
    row = health.oc2_row(person, YEAR_END)
    assert row is not None, "not in the OC2 cohort"
    return row


def _record(person, kind, on, **kw):
    return HealthRecord.objects.create(person=person, kind=kind, on=on, **kw)


def test_oc2_for_a_12_year_old_with_everything_recorded(make_child):
    child = make_child(date_of_birth=D(2013, 6, 1))
    look_after(child, D(2024, 2, 1))
    _record(child, HealthKind.REVIEW_ASSESSMENT, D(2025, 9, 1))
    _record(child, HealthKind.DENTAL_CHECK, D(2025, 11, 1))
    _record(child, HealthKind.IMMUNISATIONS, D(2024, 12, 1), up_to_date=False)
    _record(child, HealthKind.IMMUNISATIONS, D(2025, 12, 1), up_to_date=True)
    _record(child, HealthKind.SDQ, D(2025, 5, 1), sdq_score=30)
    _record(child, HealthKind.SDQ, D(2026, 2, 1), sdq_score=18)
    _record(child, HealthKind.CONVICTION, D(2025, 7, 1))
    _record(
        child,
        HealthKind.SUBSTANCE_MISUSE,
        D(2025, 8, 1),
        intervention_offered=True,
        intervention_received=False,
    )
    row = _oc2(child)
    assert row.as_903("C1") == {
        "CHILD": "C1",
        "DOB": "01/06/2013",
        "SDQ_SCORE": "18",
        "SDQ_REASON": "",
        "CONVICTED": "1",
        "HEALTH_CHECK": "",
        "IMMUNISATIONS": "1",
        "TEETH_CHECK": "1",
        "HEALTH_ASSESSMENT": "1",
        "SUBSTANCE_MISUSE": "1",
        "INTERVENTION_RECEIVED": "0",
        "INTERVENTION_OFFERED": "1",
    }


def test_oc2_with_nothing_recorded_in_the_year_is_zeros(make_child):
    child = make_child(date_of_birth=D(2013, 6, 1))
    look_after(child, D(2024, 2, 1))
    _record(child, HealthKind.DENTAL_CHECK, D(2025, 3, 31))  # the year before
    _record(child, HealthKind.CONVICTION, D(2026, 4, 1))  # the year after
    row = _oc2(child)
    assert (row.convicted, row.teeth_check, row.health_assessment, row.immunisations) == (
        0,
        0,
        0,
        0,
    )
    assert (row.substance_misuse, row.intervention_received, row.intervention_offered) == (
        0,
        None,
        None,
    )
    assert (row.sdq_score, row.sdq_reason) == (None, "")


def test_oc2_intervention_received_leaves_offered_blank(make_child):
    child = make_child(date_of_birth=D(2010, 6, 1))
    look_after(child, D(2024, 2, 1))
    _record(child, HealthKind.SUBSTANCE_MISUSE, D(2025, 8, 1), intervention_received=True)
    row = _oc2(child)
    assert (row.substance_misuse, row.intervention_received, row.intervention_offered) == (
        1,
        1,
        None,
    )


def test_oc2_under_5_has_health_check_and_no_conviction_or_sdq(make_child):
    child = make_child(date_of_birth=D(2022, 1, 10))  # 4 at 31 March 2026
    look_after(child, D(2024, 2, 1))
    _record(child, HealthKind.REVIEW_ASSESSMENT, D(2025, 10, 15))  # next due 15 April 2026
    _record(child, HealthKind.SDQ, D(2025, 6, 1), sdq_reason="SDQ1")
    row = _oc2(child)
    assert (row.health_check, row.health_assessment, row.convicted) == (1, 1, None)
    # Aged 4 at 31 March: an SDQ score or reason is reported.
    assert (row.sdq_score, row.sdq_reason) == (None, "SDQ1")
    HealthRecord.objects.filter(kind=HealthKind.REVIEW_ASSESSMENT).update(on=D(2025, 9, 15))
    assert _oc2(child).health_check == 0  # due 15 March: overdue


def test_oc2_sdq_is_blank_under_4_and_from_17(make_child):
    baby = make_child(date_of_birth=D(2022, 6, 1))  # 3 at 31 March
    older = make_child(given_names="Lee", date_of_birth=D(2009, 3, 31))  # 17 on 31 March 2026
    oldest = make_child(given_names="Kim", date_of_birth=D(2008, 3, 1))  # 17 on 1 April 2025
    for person in (baby, older, oldest):
        look_after(person, D(2024, 2, 1))
        _record(person, HealthKind.SDQ, D(2025, 6, 1), sdq_reason="SDQ1")
    rows = {r.person_id: r for r in health.oc2_rows(YEAR_END)}
    assert rows[baby.pk].sdq_reason == ""
    assert rows[older.pk].sdq_reason == "SDQ1"
    assert rows[oldest.pk].sdq_reason == ""


def test_oc2_cohort_is_children_looked_after_continuously_for_12_months(make_child):
    long_ = make_child(given_names="Ann")
    look_after(long_, D(2025, 4, 1))  # from the year's first day: in
    recent = make_child(given_names="Ben")
    look_after(recent, D(2025, 4, 2))  # a day short: out
    left = make_child(given_names="Cal")
    look_after(left, D(2024, 1, 1), end=D(2026, 3, 30))  # ceased before 31 March: out
    respite = make_child(given_names="Dee")
    look_after(respite, D(2024, 1, 1), legal_status="V3")  # short breaks: out
    last_day = make_child(given_names="Eve")
    # Ceased on 31 March itself: in, as the DfE's rule 191 reads it.
    look_after(last_day, D(2024, 1, 1), end=YEAR_END)
    assert sorted(r.person_id for r in health.oc2_rows(YEAR_END)) == [long_.pk, last_day.pk]
    assert health.oc2_row(recent, YEAR_END) is None


def test_oc2_rows_for_a_cohort_is_one_query(make_child, django_assert_num_queries):
    for name in ("Ann", "Ben", "Cal", "Dee"):
        child = make_child(given_names=name)
        look_after(child, D(2024, 2, 1))
        _record(child, HealthKind.DENTAL_CHECK, D(2025, 6, 1))
    with django_assert_num_queries(1):
        rows = health.oc2_rows(YEAR_END)
    assert [r.teeth_check for r in rows] == [1, 1, 1, 1]


def test_a_council_setting_changes_the_dental_check_timescale(settings):
    settings.HAVEN_CARE_DENTAL_CHECK_MONTHS = 6
    assert health.dental_check_due(D(2025, 3, 2), D(2025, 1, 6)) == D(2025, 9, 2)


def test_several_records_at_once_are_checked_in_date_order_as_one_by_one(looked_after, worker):
    """An imported return's health events: each as ``health_record`` makes it (the first
    assessment initial, the next a review, dental checks due from the last), and one the
    checks refuse refuses them all."""
    Entry = services.HealthEntry
    made = services.health_records_import(
        person=looked_after,
        by=worker,
        entries=[
            Entry(kind=services.HEALTH_ASSESSMENT, on=D(2026, 1, 10)),
            Entry(kind=HealthKind.DENTAL_CHECK, on=D(2026, 7, 1)),
            Entry(kind=services.HEALTH_ASSESSMENT, on=D(2025, 2, 5)),
            Entry(kind=HealthKind.DENTAL_CHECK, on=D(2025, 6, 1)),
        ],
    )
    assert [(r.kind, r.on, r.due_date) for r in made] == [
        (HealthKind.INITIAL_ASSESSMENT, D(2025, 2, 5), D(2025, 2, 3)),
        (HealthKind.DENTAL_CHECK, D(2025, 6, 1), D(2026, 1, 6)),
        (HealthKind.REVIEW_ASSESSMENT, D(2026, 1, 10), D(2026, 2, 5)),
        (HealthKind.DENTAL_CHECK, D(2026, 7, 1), D(2026, 6, 1)),
    ]
    assert ChronologyEvent.objects.filter(person=looked_after).count() >= 4

    with pytest.raises(ConflictError):
        services.health_records_import(
            person=looked_after,
            by=worker,
            entries=[
                Entry(kind=HealthKind.CONVICTION, on=D(2026, 8, 1)),
                Entry(kind=HealthKind.DENTAL_CHECK, on=D(2026, 7, 1)),
            ],
        )
    assert HealthRecord.objects.count() == 4
