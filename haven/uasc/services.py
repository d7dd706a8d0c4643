"""Every write about an unaccompanied asylum-seeking child: the UASC status (arrival, Home Office
reference, age assessment, when it ceased) and National Transfer Scheme referrals in and out."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.core.checks import locked, not_before, not_future
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.core.versioning import update_with_version
from haven.people.models import Person
from haven.uasc import events
from haven.uasc.models import (
    AgeAssessmentOutcome,
    NTSTransfer,
    TransferDirection,
    TransferStatus,
    UASCStatus,
)

# The reason a period of care ends when an age assessment finds the young person to be an adult.
REC_FOUND_TO_BE_ADULT = "E15"


def _arrival_checks(person: Person, arrived_on: datetime.date) -> None:
    not_future(arrived_on, "arrived_on", "date of arrival")
    if person.date_of_birth and arrived_on < person.date_of_birth:
        raise ValidationError(
            {
                "arrived_on": "The date of arrival cannot be before the child's date of birth "
                f"({long_date(person.date_of_birth)})"
            }
        )


def _reference(text: str) -> str:
    reference = " ".join(text.split()).upper()
    if len(reference) > UASCStatus._meta.get_field("home_office_reference").max_length:  # type: ignore[operator]
        raise ValidationError({"home_office_reference": "The Home Office reference is too long"})
    return reference


@transaction.atomic
def uasc_record(
    *,
    person: Person,
    by: User,
    arrived_on: datetime.date,
    home_office_reference: str = "",
    version: int | None = None,
) -> UASCStatus:
    """Record that the child is an unaccompanied asylum-seeking child (or correct the arrival
    date and Home Office reference, with the version the user saw)."""
    person = locked(person)
    _arrival_checks(person, arrived_on)
    reference = _reference(home_office_reference)
    status = UASCStatus.objects.filter(person=person).first()
    if status is None:
        status = UASCStatus.objects.create(
            person=person, arrived_on=arrived_on, home_office_reference=reference, recorded_by=by
        )
        events.uasc_arrived(status, by=by)
        return status
    for later, label in (
        (status.age_assessed_on, "the age assessment"),
        (status.ceased_on, "the date UASC status ceased"),
    ):
        if later is not None and arrived_on > later:
            raise ValidationError(
                {"arrived_on": f"The date of arrival cannot be after {label} ({long_date(later)})"}
            )
    update_with_version(
        UASCStatus, status.pk, version, arrived_on=arrived_on, home_office_reference=reference
    )
    status.refresh_from_db()
    return status


def _end_care_found_adult(person: Person, by: User, on: datetime.date) -> bool:
    """End the child's open period of care with REC E15 (age assessment found them 18 or
    over), through the period-of-care service; False if there is no open period."""
    from haven.care import services as care_services
    from haven.care.models import CarePeriod

    period = CarePeriod.objects.filter(person=person, end_date__isnull=True).first()
    if period is None:
        return False
    try:
        care_services.period_end(period=period, by=by, end_date=on, reason=REC_FOUND_TO_BE_ADULT)
    except ValidationError as exc:
        # The period's own checks (a placement starting after the day): beside the choice.
        raise ValidationError({"end_care": exc.messages}) from None
    return True


@transaction.atomic
def uasc_age_assessment_record(
    *,
    status: UASCStatus,
    by: User,
    age_assessed_on: datetime.date,
    age_assessment_outcome: str,
    end_care: bool = False,
) -> UASCStatus:
    """The age assessment's date and outcome. Found to be 18 or over: the UASC status ceases on
    that day, and with ``end_care`` the period of care ends with REC E15."""
    status = locked(status)
    if status.ceased_on is not None:
        raise ConflictError(
            {"age_assessed_on": f"UASC status ceased on {long_date(status.ceased_on)}"}
        )
    not_future(age_assessed_on, "age_assessed_on", "date of the age assessment")
    not_before(
        age_assessed_on,
        status.arrived_on,
        "age_assessed_on",
        "The age assessment cannot be before the child arrived",
    )
    if age_assessment_outcome not in AgeAssessmentOutcome.values:
        raise ValidationError({"age_assessment_outcome": "Choose the age assessment's outcome"})
    adult = age_assessment_outcome == AgeAssessmentOutcome.ADULT
    if end_care and not adult:
        raise ValidationError(
            {
                "end_care": "Care ends on an age assessment only when it found the young person "
                "to be 18 or over"
            }
        )
    update_with_version(
        UASCStatus,
        status.pk,
        None,
        age_assessed_on=age_assessed_on,
        age_assessment_outcome=age_assessment_outcome,
        ceased_on=age_assessed_on if adult else None,
    )
    status.refresh_from_db()
    events.uasc_age_assessed(status, by=by)
    if adult:
        events.uasc_ceased(status, by=by)
        if end_care and not _end_care_found_adult(status.person, by, age_assessed_on):
            raise ValidationError({"end_care": "This child has no open period of care to end"})
    return status


@transaction.atomic
def uasc_cease(*, status: UASCStatus, by: User, ceased_on: datetime.date) -> UASCStatus:
    """UASC status ceased (the 18th birthday, or leave to remain)."""
    status = locked(status)
    if status.ceased_on is not None:
        raise ConflictError({"ceased_on": f"UASC status ceased on {long_date(status.ceased_on)}"})
    not_future(ceased_on, "ceased_on", "date UASC status ceased")
    not_before(ceased_on, status.arrived_on, "ceased_on", "UASC status cannot cease before arrival")
    update_with_version(UASCStatus, status.pk, None, ceased_on=ceased_on)
    status.refresh_from_db()
    events.uasc_ceased(status, by=by)
    return status


@transaction.atomic
def nts_referral_record(
    *,
    person: Person,
    by: User,
    direction: str,
    other_council: str,
    referred_on: datetime.date,
) -> NTSTransfer:
    """A National Transfer Scheme referral of a UASC: to another council, or to us."""
    person = locked(person)
    status = UASCStatus.objects.filter(person=person).first()
    if status is None:
        raise ValidationError({"referred_on": "Record the child's UASC status first"})
    errors = {}
    if direction not in TransferDirection.values:
        errors["direction"] = "Choose whether the child is transferred to us or to another council"
    council = " ".join(other_council.split())
    if not council:
        errors["other_council"] = "Enter the other council"
    elif len(council) > NTSTransfer._meta.get_field("other_council").max_length:  # type: ignore[operator]
        errors["other_council"] = "The other council's name is too long"
    if errors:
        raise ValidationError(errors)
    not_future(referred_on, "referred_on", "date of the referral")
    not_before(
        referred_on,
        status.arrived_on,
        "referred_on",
        "A referral cannot be before the child arrived",
    )
    if NTSTransfer.objects.filter(person=person, status=TransferStatus.REFERRED).exists():
        raise ConflictError({"referred_on": "This child already has a referral waiting"})
    transfer = NTSTransfer.objects.create(
        person=person,
        direction=direction,
        other_council=council,
        referred_on=referred_on,
        recorded_by=by,
    )
    events.nts_referred(transfer, by=by)
    return transfer


@transaction.atomic
def nts_referral_decide(
    *,
    transfer: NTSTransfer,
    by: User,
    status: str,
    transferred_on: datetime.date | None = None,
) -> NTSTransfer:
    """The referral's outcome: the child transferred (on a date), or it did not go ahead."""
    transfer = locked(transfer)
    if transfer.status != TransferStatus.REFERRED:
        raise ConflictError({"status": "This referral's outcome is already recorded"})
    if status not in (TransferStatus.TRANSFERRED, TransferStatus.DECLINED):
        raise ValidationError({"status": "Choose whether the child transferred"})
    if status == TransferStatus.TRANSFERRED:
        if transferred_on is None:
            raise ValidationError({"transferred_on": "Enter the date the child transferred"})
        not_future(transferred_on, "transferred_on", "date of the transfer")
        not_before(
            transferred_on,
            transfer.referred_on,
            "transferred_on",
            "A transfer cannot be before the referral",
        )
    else:
        transferred_on = None
    update_with_version(
        NTSTransfer, transfer.pk, None, status=status, transferred_on=transferred_on
    )
    transfer.refresh_from_db()
    events.nts_decided(transfer, by=by, on=timezone.localdate())
    return transfer
