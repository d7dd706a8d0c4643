"""Recording a UASC: arrival, age assessment, status ceasing, NTS referrals; bad input refused
beside its field with nothing saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from haven.chronology.models import ChronologyEvent
from haven.uasc import services
from haven.uasc.models import NTSTransfer, UASCStatus

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def young_person(make_child):
    return make_child(given_names="Amanuel", family_name="Tesfaye", date_of_birth=D(2009, 6, 1))


def errors(exc_info) -> dict:
    return exc_info.value.message_dict


def test_arrival_is_recorded_with_its_reference_in_the_chronology(young_person, worker):
    status = services.uasc_record(
        person=young_person, by=worker, arrived_on=D(2025, 9, 3), home_office_reference=" k12 345 "
    )
    assert status.home_office_reference == "K12 345"
    entry = ChronologyEvent.objects.get(person=young_person, kind="uasc")
    assert "unaccompanied asylum-seeking child" in entry.summary
    assert "K12 345" in entry.summary


def test_arrival_before_birth_is_refused_beside_the_date(young_person, worker):
    with pytest.raises(ValidationError) as exc:
        services.uasc_record(person=young_person, by=worker, arrived_on=D(2008, 1, 1))
    assert "before the child's date of birth" in errors(exc)["arrived_on"][0]
    assert not UASCStatus.objects.exists()


def test_arrival_in_the_future_is_refused(young_person, worker):
    with pytest.raises(ValidationError) as exc:
        services.uasc_record(person=young_person, by=worker, arrived_on=D(2099, 1, 1))
    assert "arrived_on" in errors(exc)


def test_ceased_before_arrival_is_refused(young_person, worker):
    status = services.uasc_record(person=young_person, by=worker, arrived_on=D(2025, 9, 3))
    with pytest.raises(ValidationError) as exc:
        services.uasc_cease(status=status, by=worker, ceased_on=D(2025, 9, 1))
    assert "cannot cease before arrival" in errors(exc)["ceased_on"][0]
    status.refresh_from_db()
    assert status.ceased_on is None


def test_age_assessment_before_arrival_is_refused(young_person, worker):
    status = services.uasc_record(person=young_person, by=worker, arrived_on=D(2025, 9, 3))
    with pytest.raises(ValidationError) as exc:
        services.uasc_age_assessment_record(
            status=status, by=worker, age_assessed_on=D(2025, 8, 1), age_assessment_outcome="older"
        )
    assert "age_assessed_on" in errors(exc)


def test_found_to_be_an_adult_ceases_the_status(young_person, worker):
    status = services.uasc_record(person=young_person, by=worker, arrived_on=D(2025, 9, 3))
    status = services.uasc_age_assessment_record(
        status=status, by=worker, age_assessed_on=D(2025, 10, 1), age_assessment_outcome="adult"
    )
    assert status.ceased_on == D(2025, 10, 1)
    kinds = ChronologyEvent.objects.filter(person=young_person).values_list("summary", flat=True)
    assert any("Assessed as 18 or over".lower() in k.lower() for k in kinds)


def test_ending_care_needs_an_adult_outcome(young_person, worker):
    status = services.uasc_record(person=young_person, by=worker, arrived_on=D(2025, 9, 3))
    with pytest.raises(ValidationError) as exc:
        services.uasc_age_assessment_record(
            status=status,
            by=worker,
            age_assessed_on=D(2025, 10, 1),
            age_assessment_outcome="accepted",
            end_care=True,
        )
    assert "end_care" in errors(exc)
    status.refresh_from_db()
    assert status.age_assessed_on is None


def test_correcting_arrival_after_the_assessment_is_refused(young_person, worker):
    status = services.uasc_record(person=young_person, by=worker, arrived_on=D(2025, 9, 3))
    services.uasc_age_assessment_record(
        status=status, by=worker, age_assessed_on=D(2025, 9, 20), age_assessment_outcome="older"
    )
    with pytest.raises(ValidationError) as exc:
        services.uasc_record(person=young_person, by=worker, arrived_on=D(2025, 9, 30), version=2)
    assert "after the age assessment" in errors(exc)["arrived_on"][0]


def test_nts_referral_needs_uasc_status_and_refuses_a_transfer_before_referral(
    young_person, worker
):
    with pytest.raises(ValidationError) as exc:
        services.nts_referral_record(
            person=young_person,
            by=worker,
            direction="out",
            other_council="Kent",
            referred_on=D(2025, 9, 5),
        )
    assert "UASC status first" in errors(exc)["referred_on"][0]
    services.uasc_record(person=young_person, by=worker, arrived_on=D(2025, 9, 3))
    transfer = services.nts_referral_record(
        person=young_person,
        by=worker,
        direction="out",
        other_council=" Kent ",
        referred_on=D(2025, 9, 5),
    )
    assert transfer.other_council == "Kent"
    with pytest.raises(ValidationError) as exc:
        services.nts_referral_decide(
            transfer=transfer, by=worker, status="transferred", transferred_on=D(2025, 9, 4)
        )
    assert "before the referral" in errors(exc)["transferred_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.nts_referral_decide(transfer=transfer, by=worker, status="transferred")
    assert "transferred_on" in errors(exc)
    done = services.nts_referral_decide(
        transfer=transfer, by=worker, status="transferred", transferred_on=D(2025, 9, 12)
    )
    assert done.status == "transferred"
    summaries = list(
        ChronologyEvent.objects.filter(person=young_person, kind="nts").values_list(
            "summary", flat=True
        )
    )
    assert "Transferred through the National Transfer Scheme to Kent" in summaries


def test_referral_before_arrival_and_a_second_waiting_referral_are_refused(young_person, worker):
    services.uasc_record(person=young_person, by=worker, arrived_on=D(2025, 9, 3))
    with pytest.raises(ValidationError) as exc:
        services.nts_referral_record(
            person=young_person,
            by=worker,
            direction="in",
            other_council="Kent",
            referred_on=D(2025, 9, 1),
        )
    assert "referred_on" in errors(exc)
    services.nts_referral_record(
        person=young_person,
        by=worker,
        direction="in",
        other_council="Kent",
        referred_on=D(2025, 9, 4),
    )
    with pytest.raises(ValidationError):
        services.nts_referral_record(
            person=young_person,
            by=worker,
            direction="in",
            other_council="Kent",
            referred_on=D(2025, 9, 4),
        )
    assert NTSTransfer.objects.count() == 1


def test_an_outcome_is_recorded_once(young_person, worker):
    services.uasc_record(person=young_person, by=worker, arrived_on=D(2025, 9, 3))
    transfer = services.nts_referral_record(
        person=young_person,
        by=worker,
        direction="in",
        other_council="Kent",
        referred_on=D(2025, 9, 4),
    )
    services.nts_referral_decide(transfer=transfer, by=worker, status="declined")
    with pytest.raises(ValidationError) as exc:
        services.nts_referral_decide(transfer=transfer, by=worker, status="declined")
    assert "already recorded" in errors(exc)["status"][0]


def test_found_to_be_an_adult_can_end_the_period_of_care_with_e15(young_person, worker, in_care):
    period = in_care(young_person, D(2025, 9, 3))
    status = services.uasc_record(person=young_person, by=worker, arrived_on=D(2025, 9, 3))
    services.uasc_age_assessment_record(
        status=status,
        by=worker,
        age_assessed_on=D(2025, 10, 1),
        age_assessment_outcome="adult",
        end_care=True,
    )
    period.refresh_from_db()
    assert (period.end_date, period.end_reason) == (D(2025, 10, 1), "E15")


def test_ending_care_before_the_period_began_saves_nothing(young_person, worker, in_care):
    period = in_care(young_person, D(2025, 10, 5))
    status = services.uasc_record(person=young_person, by=worker, arrived_on=D(2025, 9, 3))
    with pytest.raises(ValidationError) as exc:
        services.uasc_age_assessment_record(
            status=status,
            by=worker,
            age_assessed_on=D(2025, 10, 1),
            age_assessment_outcome="adult",
            end_care=True,
        )
    assert "end_care" in errors(exc)
    period.refresh_from_db()
    assert period.end_date is None
