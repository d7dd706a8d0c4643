"""A plan for adoption step by step, each step refusing a date out of order beside its field;
adopter households through their stages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from haven.adoption import services
from haven.adoption.models import AdoptionPlan
from haven.carers.models import AdopterHousehold
from haven.chronology.models import ChronologyEvent

pytestmark = pytest.mark.django_db
D = datetime.date


def errors(exc_info) -> dict:
    return exc_info.value.message_dict


@pytest.fixture
def plan(looked_after, worker):
    return services.adoption_plan_start(person=looked_after, by=worker, decided_on=D(2024, 3, 1))


def test_a_plan_through_to_the_adoption_order_writes_the_chronology(plan, adopters, worker):
    services.adoption_placement_order_record(plan=plan, by=worker, placement_order_on=D(2024, 5, 1))
    services.adoption_fostering_for_adoption_record(
        plan=plan, by=worker, fostering_for_adoption_on=D(2024, 3, 20)
    )
    services.adoption_match_record(
        plan=plan, by=worker, matched_on=D(2024, 8, 1), adopters=adopters
    )
    services.adoption_placed_record(plan=plan, by=worker, placed_on=D(2024, 8, 20))
    done = services.adoption_order_record(plan=plan, by=worker, adoption_order_on=D(2025, 2, 3))
    assert not done.is_open
    summaries = list(
        ChronologyEvent.objects.filter(person_id=plan.person_id, kind="adoption")
        .order_by("occurred_on", "pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "Decision that the child should be placed for adoption",
        "Placed in fostering for adoption or concurrent planning",
        "Placement order granted",
        "Matched with adopters (AD-001)",
        "Placed for adoption",
        "Adoption order granted",
    ]


def test_a_decision_needs_the_child_to_be_looked_after(child, worker):
    with pytest.raises(ValidationError) as exc:
        services.adoption_plan_start(person=child, by=worker, decided_on=D(2024, 3, 1))
    assert "no open period of care" in errors(exc)["decided_on"][0]


def test_a_decision_before_care_began_is_refused(looked_after, worker):
    with pytest.raises(ValidationError) as exc:
        services.adoption_plan_start(person=looked_after, by=worker, decided_on=D(2023, 12, 1))
    assert "before the child became looked after" in errors(exc)["decided_on"][0]
    assert not AdoptionPlan.objects.exists()


def test_placement_order_before_the_decision_is_refused(plan, worker):
    with pytest.raises(ValidationError) as exc:
        services.adoption_placement_order_record(
            plan=plan, by=worker, placement_order_on=D(2024, 2, 1)
        )
    assert "before the decision to place for adoption" in errors(exc)["placement_order_on"][0]
    plan.refresh_from_db()
    assert plan.placement_order_on is None


def test_match_before_the_placement_order_is_refused(plan, adopters, worker):
    services.adoption_placement_order_record(plan=plan, by=worker, placement_order_on=D(2024, 5, 1))
    with pytest.raises(ValidationError) as exc:
        services.adoption_match_record(
            plan=plan, by=worker, matched_on=D(2024, 4, 1), adopters=adopters
        )
    assert "before the placement order" in errors(exc)["matched_on"][0]


def test_match_needs_adopters_approved_by_then(plan, adopters, worker):
    adopters.approved_on = D(2024, 6, 1)
    adopters.save()
    with pytest.raises(ValidationError) as exc:
        services.adoption_match_record(
            plan=plan, by=worker, matched_on=D(2024, 5, 1), adopters=adopters
        )
    assert "adopters" in errors(exc)


def test_placed_needs_a_match_and_the_order_needs_the_placement(plan, adopters, worker):
    with pytest.raises(ValidationError) as exc:
        services.adoption_placed_record(plan=plan, by=worker, placed_on=D(2024, 8, 1))
    assert "Record the match first" in errors(exc)["placed_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.adoption_order_record(plan=plan, by=worker, adoption_order_on=D(2024, 9, 1))
    assert "Record the placement for adoption first" in errors(exc)["adoption_order_on"][0]
    services.adoption_match_record(
        plan=plan, by=worker, matched_on=D(2024, 8, 1), adopters=adopters
    )
    with pytest.raises(ValidationError) as exc:
        services.adoption_placed_record(plan=plan, by=worker, placed_on=D(2024, 7, 1))
    assert "before the match" in errors(exc)["placed_on"][0]


def test_reversal_with_its_reason_ends_the_placement_and_the_plan(plan, adopters, worker):
    services.adoption_match_record(
        plan=plan, by=worker, matched_on=D(2024, 8, 1), adopters=adopters
    )
    services.adoption_placed_record(plan=plan, by=worker, placed_on=D(2024, 8, 20))
    with pytest.raises(ValidationError) as exc:
        services.adoption_plan_reverse(
            plan=plan, by=worker, reversed_on=D(2024, 8, 10), reversal_reason="RD1"
        )
    assert "before the placement for adoption" in errors(exc)["reversed_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.adoption_plan_reverse(
            plan=plan, by=worker, reversed_on=D(2024, 9, 10), reversal_reason="RD9"
        )
    assert "reversal_reason" in errors(exc)
    plan = services.adoption_plan_reverse(
        plan=plan, by=worker, reversed_on=D(2024, 9, 10), reversal_reason="RD4"
    )
    assert plan.placement_ceased_on == D(2024, 9, 10) and not plan.is_open
    with pytest.raises(ValidationError):
        services.adoption_placed_record(plan=plan, by=worker, placed_on=D(2024, 9, 11))
    # A new plan may start after the reversal.
    services.adoption_plan_start(person=plan.person, by=worker, decided_on=D(2024, 10, 1))


def test_a_step_is_recorded_once(plan, worker):
    services.adoption_placement_order_record(plan=plan, by=worker, placement_order_on=D(2024, 5, 1))
    with pytest.raises(ValidationError) as exc:
        services.adoption_placement_order_record(
            plan=plan, by=worker, placement_order_on=D(2024, 5, 2)
        )
    assert "already recorded" in errors(exc)["placement_order_on"][0]


HOUSEHOLD = {
    "reference": "AD-100",
    "name": "Jo and Kim Patel",
    "number_of_adopters": 2,
    "enquiry_on": D(2024, 1, 5),
    "stage1_on": D(2024, 2, 1),
    "stage2_on": None,
    "application_on": None,
    "approved_on": None,
    "left_on": None,
    "left_reason": "",
}


def test_adopter_stages_out_of_order_are_refused_beside_each_field(worker):
    with pytest.raises(ValidationError) as exc:
        services.adopters_create(by=worker, **{**HOUSEHOLD, "stage1_on": D(2023, 12, 1)})
    assert "before the enquiry" in errors(exc)["stage1_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.adopters_create(by=worker, **{**HOUSEHOLD, "approved_on": D(2024, 9, 1)})
    assert "Record the application first" in errors(exc)["approved_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.adopters_create(by=worker, **{**HOUSEHOLD, "left_on": D(2024, 3, 1)})
    assert "Enter why they left" in errors(exc)["left_reason"][0]
    with pytest.raises(ValidationError) as exc:
        services.adopters_create(
            by=worker, **{**HOUSEHOLD, "left_on": D(2024, 1, 20), "left_reason": "Moved"}
        )
    assert "before stage 1" in errors(exc)["left_on"][0]
    assert not AdopterHousehold.objects.exists()


def test_adopters_are_created_and_updated_with_their_version(worker, adopters):
    household = services.adopters_create(by=worker, **HOUSEHOLD)
    first_version = household.version
    with pytest.raises(ValidationError) as exc:
        services.adopters_create(by=worker, **{**HOUSEHOLD, "reference": "ad-100"})
    assert "reference" in errors(exc)
    updated = services.adopters_update(
        household=household,
        by=worker,
        version=household.version,
        **{
            **HOUSEHOLD,
            "stage2_on": D(2024, 4, 1),
            "left_on": D(2024, 6, 1),
            "left_reason": "Paused",
        },
    )
    assert updated.left_reason == "Paused" and updated.version == first_version + 1


def test_matched_adopters_cannot_lose_their_approval(plan, adopters, worker):
    services.adoption_match_record(
        plan=plan, by=worker, matched_on=D(2024, 8, 1), adopters=adopters
    )
    values = {f: getattr(adopters, f) for f in services.ADOPTER_FIELDS}
    with pytest.raises(ValidationError) as exc:
        services.adopters_update(
            household=adopters,
            by=worker,
            version=adopters.version,
            **{**values, "approved_on": None},
        )
    assert "approved_on" in errors(exc)


def test_the_adopters_ad1_codes_must_agree_with_how_many_they_are(worker):
    """The DfE's AD1 asks the adopters' sex and legal status: two adopters are not M1, nor
    one adopter a married couple."""
    with pytest.raises(ValidationError) as excinfo:
        services.adopters_create(
            by=worker,
            **{**HOUSEHOLD, "sex_of_adopters": "M1", "legal_status_of_adopters": "L0"},
        )
    assert set(excinfo.value.message_dict) == {"sex_of_adopters", "legal_status_of_adopters"}
    household = services.adopters_create(
        by=worker, **{**HOUSEHOLD, "sex_of_adopters": "FF", "legal_status_of_adopters": "L12"}
    )
    assert (household.sex_of_adopters, household.legal_status_of_adopters) == ("FF", "L12")


def test_care_ends_other_than_by_adoption_only_once_the_plan_is_reversed(plan, worker):
    """A child who leaves care, not adopted, with the plan for adoption still open fails DfE
    rule 557 in the SSDA903: the end of care is refused, naming the plan, until it is
    reversed."""
    from haven.care import services as care_services
    from haven.care.models import CarePeriod

    period = CarePeriod.objects.get(person=plan.person, end_date__isnull=True)
    with pytest.raises(ValidationError) as refused:
        care_services.period_end(period=period, by=worker, end_date=D(2024, 9, 2), reason="E13")
    assert "placed for adoption is still open" in errors(refused)["reason"][0]
    assert "DfE rule 557" in errors(refused)["reason"][0]
    period.refresh_from_db()
    assert period.end_date is None

    services.adoption_plan_reverse(
        plan=plan, by=worker, reversed_on=D(2024, 9, 1), reversal_reason="RD1"
    )
    ended = care_services.period_end(period=period, by=worker, end_date=D(2024, 9, 2), reason="E13")
    assert ended.end_date == D(2024, 9, 2)
