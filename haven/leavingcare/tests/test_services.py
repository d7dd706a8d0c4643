"""Leaving care's services: eligibility read from the care history, refusals with their field,
and nothing saved when refused."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from haven.care import services as care
from haven.care.models import CarePeriod
from haven.casenotes.models import CaseNoteChild
from haven.leavingcare import selectors, services
from haven.leavingcare.eligibility import Category
from haven.leavingcare.models import (
    AccommodationPeriod,
    ActivityPeriod,
    AdviserContact,
    PathwayPlan,
)
from haven.leavingcare.tests.conftest import LEFT

pytestmark = pytest.mark.django_db
D = datetime.date

PLAN = {
    "accommodation": "Stay in supported lodgings",
    "education_employment": "College course in September",
    "health": "Register with a GP",
    "money": "Open a bank account",
    "relationships": "Keep in touch with her sister",
    "identity": "Get a passport",
    "practical_skills": "Learn to cook five meals",
}


def test_a_young_person_who_left_care_at_17_is_relevant_with_the_reason(young_person):
    result = selectors.eligibility(young_person)
    assert result.category == Category.RELEVANT
    assert "Left care on 1 July 2026" in result.reason
    assert result.until_21 == D(2030, 6, 1)


def test_a_change_to_the_care_history_recomputes_the_category(young_person, manager):
    # The period is corrected to have ended before 16: no longer a care leaver.
    period = CarePeriod.objects.get(person=young_person)
    assert selectors.eligibility(young_person).category == Category.RELEVANT
    from haven.care.episodes import rederive

    CarePeriod.objects.filter(pk=period.pk).update(end_date=D(2025, 1, 1))
    period.placements.update(end_date=D(2025, 1, 1))
    period.refresh_from_db()
    rederive(period)
    assert selectors.eligibility(young_person).category == Category.NONE


def test_short_breaks_are_not_being_looked_after(make_child, manager):
    from haven.care.tests.factories import looked_after_child

    person = make_child(date_of_birth=D(2009, 6, 1))
    looked_after_child(person, manager, start=D(2024, 1, 8), legal_status="V3")
    assert selectors.eligibility(person).category == Category.NONE
    assert selectors.spans_for(person) == []


def test_a_pathway_plan_for_someone_not_entitled_is_refused_and_nothing_saved(make_child, worker):
    never = make_child(date_of_birth=D(2009, 6, 1))
    with pytest.raises(ValidationError) as refused:
        services.pathway_plan_agree(person=never, by=worker, agreed_on=D(2026, 8, 1), **PLAN)
    assert "never been looked after" in str(refused.value.message_dict["agreed_on"])
    assert not PathwayPlan.objects.exists()


def test_a_pathway_plan_for_a_qualifying_care_leaver_is_refused_with_the_reason(
    make_child, manager, worker
):
    from haven.care.tests.factories import looked_after_child

    person = make_child(date_of_birth=D(2009, 6, 1))
    period = looked_after_child(person, manager, start=D(2026, 6, 8), legal_status="V2")
    care.period_end(period=period, by=manager, end_date=D(2026, 7, 1), reason="E4A")
    with pytest.raises(ValidationError) as refused:
        services.pathway_plan_agree(person=person, by=worker, agreed_on=D(2026, 8, 1), **PLAN)
    message = refused.value.message_dict["agreed_on"][0]
    assert "not entitled to a pathway plan" in message and "qualifying" in message
    assert not PathwayPlan.objects.exists()


def test_a_plan_needs_all_seven_areas(young_person, worker):
    with pytest.raises(ValidationError) as refused:
        services.pathway_plan_agree(
            person=young_person, by=worker, agreed_on=D(2026, 8, 1), **{**PLAN, "money": " "}
        )
    assert refused.value.message_dict == {"money": ["Enter the plan for money"]}


def test_plan_reviews_are_due_at_most_6_months_apart(young_person, worker):
    plan = services.pathway_plan_agree(
        person=young_person, by=worker, agreed_on=D(2026, 7, 10), **PLAN
    )
    assert selectors.leaving_care_record(person=young_person).review_due == D(2027, 1, 10)
    review = services.plan_review_record(
        person=young_person, by=worker, held_on=D(2026, 10, 1), summary="Going well"
    )
    assert review.plan == plan and review.due_date == D(2027, 1, 10) and not review.was_late
    assert selectors.leaving_care_record(person=young_person).review_due == D(2027, 4, 1)


def test_an_adviser_contact_before_the_allocation_is_refused_and_nothing_saved(
    young_person, worker, adviser
):
    services.adviser_allocate(
        person=young_person, by=worker, adviser=adviser, start_date=D(2026, 5, 1)
    )
    with pytest.raises(ValidationError) as refused:
        services.adviser_contact_record(
            person=young_person, by=adviser, visited_on=D(2026, 4, 20), child_seen=True
        )
    assert "on or after the adviser's allocation (1 May 2026)" in str(
        refused.value.message_dict["visited_on"]
    )
    assert not AdviserContact.objects.exists()
    assert not CaseNoteChild.objects.exists()


def test_a_contact_is_a_case_note_saying_whether_the_young_person_was_seen(
    young_person, worker, adviser
):
    services.adviser_allocate(
        person=young_person, by=worker, adviser=adviser, start_date=D(2026, 5, 1)
    )
    contact = services.adviser_contact_record(
        person=young_person,
        by=adviser,
        visited_on=D(2026, 6, 10),
        child_seen=False,
        notes="Phoned; no answer",
    )
    part = CaseNoteChild.objects.get(person=young_person)
    assert contact.case_note == part and part.seen is False
    assert part.note.narrative == "Phoned; no answer"
    assert part.note.summary == "Personal adviser contact with a care leaver"
    # 8 weeks from the last contact.
    due = selectors.leaving_care_record(person=young_person).contact_due
    assert due is not None and due.date == D(2026, 8, 5)


def test_a_move_brings_the_next_contact_within_7_days(young_person, worker, adviser, settings):
    settings.HAVEN_PA_CONTACT_WEEKS = 8
    services.adviser_allocate(
        person=young_person, by=worker, adviser=adviser, start_date=D(2026, 5, 1)
    )
    services.adviser_contact_record(
        person=young_person, by=adviser, visited_on=D(2026, 7, 1), child_seen=True
    )
    services.accommodation_record(
        person=young_person, by=worker, start_date=D(2026, 7, 1), accommodation="E", suitable=True
    )
    services.accommodation_record(
        person=young_person, by=worker, start_date=D(2026, 7, 20), accommodation="U", suitable=True
    )
    due = selectors.leaving_care_record(person=young_person).contact_due
    assert due is not None
    assert (due.date, due.rule) == (D(2026, 7, 27), "within 7 days of a move")


def test_overlapping_accommodation_is_refused_and_a_later_start_is_a_move(young_person, worker):
    first = services.accommodation_record(
        person=young_person, by=worker, start_date=LEFT, accommodation="E", suitable=True
    )
    with pytest.raises(ValidationError) as refused:
        services.accommodation_record(
            person=young_person,
            by=worker,
            start_date=D(2026, 6, 1),
            end_date=D(2026, 7, 15),
            accommodation="B",
            suitable=True,
        )
    assert "overlaps the accommodation from 1 July 2026" in str(
        refused.value.message_dict["start_date"]
    )
    assert AccommodationPeriod.objects.count() == 1
    services.accommodation_record(
        person=young_person, by=worker, start_date=D(2026, 9, 1), accommodation="U", suitable=False
    )
    first.refresh_from_db()
    assert first.end_date == D(2026, 9, 1)
    assert [a.code for a in AccommodationPeriod.objects.order_by("start_date")] == ["E1", "U2"]


def test_overlapping_activity_is_refused(young_person, worker):
    services.activity_record(
        person=young_person,
        by=worker,
        start_date=D(2026, 7, 1),
        end_date=D(2026, 9, 1),
        activity="F2",
    )
    with pytest.raises(ValidationError) as refused:
        services.activity_record(
            person=young_person,
            by=worker,
            start_date=D(2026, 8, 1),
            end_date=D(2026, 8, 20),
            activity="G5",
        )
    assert "activity periods cannot overlap" in str(refused.value.message_dict["start_date"])
    assert ActivityPeriod.objects.count() == 1


def test_homeless_is_never_suitable(young_person, worker):
    with pytest.raises(ValidationError) as refused:
        services.accommodation_record(
            person=young_person, by=worker, start_date=LEFT, accommodation="S", suitable=True
        )
    assert "suitable" in refused.value.message_dict
    assert not AccommodationPeriod.objects.exists()


def test_the_needs_assessment_is_due_3_months_after_becoming_eligible(in_care_16, worker):
    record = selectors.leaving_care_record(person=in_care_16)
    assert record.eligibility.category == Category.ELIGIBLE
    # 16 on 1 March 2026, looked after since May 2025: eligible on the 16th birthday.
    assert record.assessment_due == D(2026, 6, 1)
    assessment = services.needs_assessment_record(
        person=in_care_16, by=worker, completed_on=D(2026, 7, 1), summary="Needs help with money"
    )
    assert assessment.was_late


def test_staying_put_starts_at_18(young_person, worker):
    with pytest.raises(ValidationError) as refused:
        services.staying_put_record(
            person=young_person, by=worker, start_date=D(2026, 8, 1), carer_name="Ann Carer"
        )
    assert "Staying put starts at 18" in str(refused.value.message_dict["start_date"])


def test_support_to_25_only_for_former_relevant(in_care_16, worker):
    with pytest.raises(ValidationError) as refused:
        services.support_to_25_record(person=in_care_16, by=worker, requested_on=D(2026, 8, 1))
    assert "former relevant" in str(refused.value.message_dict["requested_on"])
