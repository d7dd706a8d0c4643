"""Every write about adoption: a child's adoption plan, step by step (decision, placement order,
fostering for adoption, match, placement, adoption order, or reversal), and adopter households
through their approval stages. Each step refuses a date before the steps it follows."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Capability, service_require
from haven.adoption import events
from haven.adoption.models import AdoptionPlan
from haven.care.codes import AdoptionReversal
from haven.care.models import CarePeriod
from haven.carers.models import AdopterHousehold, AdoptersLegalStatus, AdoptersSex
from haven.core.checks import locked, not_before, not_future
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.core.versioning import update_with_version
from haven.people.models import Person

# The dated steps of a plan, in order, as the user reads them.
STEP_LABELS = {
    "decided_on": "the decision to place for adoption",
    "placement_order_on": "the placement order",
    "fostering_for_adoption_on": "the fostering for adoption placement",
    "matched_on": "the match",
    "placed_on": "the placement for adoption",
    "adoption_order_on": "the adoption order",
}
# The steps each one must follow (when they are recorded) and the one it needs first.
FOLLOWS = {
    "placement_order_on": ("decided_on",),
    "fostering_for_adoption_on": ("decided_on",),
    "matched_on": ("decided_on", "placement_order_on"),
    "placed_on": ("decided_on", "placement_order_on", "matched_on"),
    "adoption_order_on": ("decided_on", "placement_order_on", "matched_on", "placed_on"),
}
NEEDS = {"placed_on": "matched_on", "adoption_order_on": "placed_on"}
# An adoption order ends the period of care: adopted, unopposed or with consent dispensed with.
ADOPTED_REASONS = ("E11", "E12")


def _open_period(person: Person) -> CarePeriod | None:
    return CarePeriod.objects.filter(person=person, end_date__isnull=True).first()


@transaction.atomic
def adoption_plan_start(*, person: Person, by: User, decided_on: datetime.date) -> AdoptionPlan:
    """The decision that a looked-after child should be placed for adoption."""
    person = locked(person)
    period = _open_period(person)
    if period is None:
        raise ValidationError(
            {
                "decided_on": "A plan for adoption is for a child who is looked after: this child "
                "has no open period of care"
            }
        )
    not_future(decided_on, "decided_on", "date of the decision")
    not_before(
        decided_on,
        period.start_date,
        "decided_on",
        "The decision cannot be before the child became looked after",
    )
    if AdoptionPlan.objects.filter(
        person=person, adoption_order_on__isnull=True, reversed_on__isnull=True
    ).exists():
        raise ConflictError({"decided_on": "This child already has an open plan for adoption"})
    plan = AdoptionPlan.objects.create(
        person=person, period=period, decided_on=decided_on, recorded_by=by
    )
    events.adoption_step(plan, "decided_on", by=by)
    return plan


def _check_step(plan: AdoptionPlan, field: str, on: datetime.date) -> None:
    if not plan.is_open:
        raise ConflictError({field: "This plan for adoption has ended"})
    if getattr(plan, field) is not None:
        raise ConflictError(
            {
                field: f"{STEP_LABELS[field].capitalize()} is already recorded "
                f"({long_date(getattr(plan, field))})"
            }
        )
    needed = NEEDS.get(field)
    if needed and getattr(plan, needed) is None:
        raise ValidationError({field: f"Record {STEP_LABELS[needed]} first"})
    not_future(on, field, "date")
    for earlier in FOLLOWS[field]:
        day = getattr(plan, earlier)
        if day is not None and on < day:
            raise ValidationError(
                {field: f"The date cannot be before {STEP_LABELS[earlier]} ({long_date(day)})"}
            )


def _record_step(
    plan: AdoptionPlan, by: User, field: str, on: datetime.date, **also: Any
) -> AdoptionPlan:
    plan = locked(plan)
    _check_step(plan, field, on)
    return _save(plan, by, field, **{field: on, **also})


def _save(plan: AdoptionPlan, by: User, field: str, **values: Any) -> AdoptionPlan:
    update_with_version(AdoptionPlan, plan.pk, None, **values)
    plan.refresh_from_db()
    events.adoption_step(plan, field, by=by)
    return plan


@transaction.atomic
def adoption_placement_order_record(
    *, plan: AdoptionPlan, by: User, placement_order_on: datetime.date
) -> AdoptionPlan:
    return _record_step(plan, by, "placement_order_on", placement_order_on)


@transaction.atomic
def adoption_fostering_for_adoption_record(
    *, plan: AdoptionPlan, by: User, fostering_for_adoption_on: datetime.date
) -> AdoptionPlan:
    return _record_step(plan, by, "fostering_for_adoption_on", fostering_for_adoption_on)


@transaction.atomic
def adoption_match_record(
    *, plan: AdoptionPlan, by: User, matched_on: datetime.date, adopters: AdopterHousehold | None
) -> AdoptionPlan:
    """Matched with approved adopters (approved by the day of the match, and not left)."""
    if adopters is None:
        raise ValidationError({"adopters": "Choose the adopters"})
    adopters = locked(adopters)
    if adopters.approved_on is None or adopters.approved_on > matched_on:
        raise ValidationError({"adopters": "The adopters must be approved by the day of the match"})
    if adopters.left_on is not None and adopters.left_on <= matched_on:
        raise ValidationError(
            {"adopters": f"These adopters left the process on {long_date(adopters.left_on)}"}
        )
    return _record_step(plan, by, "matched_on", matched_on, adopters=adopters)


@transaction.atomic
def adoption_placed_record(
    *, plan: AdoptionPlan, by: User, placed_on: datetime.date
) -> AdoptionPlan:
    return _record_step(plan, by, "placed_on", placed_on)


def _end_care_adopted(plan: AdoptionPlan, by: User, on: datetime.date, reason: str) -> None:
    """The adoption order ends the period of care (REC E11 or E12), through its service."""
    from haven.care import services as care_services

    period = _open_period(plan.person)
    if period is None:
        raise ValidationError({"end_care_reason": "This child has no open period of care to end"})
    try:
        care_services.period_end(period=period, by=by, end_date=on, reason=reason)
    except ValidationError as exc:
        # The period's own checks (a placement starting after the day): beside the choice.
        raise ValidationError({"end_care_reason": exc.messages}) from None


@transaction.atomic
def adoption_order_record(
    *,
    plan: AdoptionPlan,
    by: User,
    adoption_order_on: datetime.date,
    end_care_reason: str = "",
) -> AdoptionPlan:
    """The adoption order; with ``end_care_reason`` (E11 or E12) the period of care ends too."""
    if end_care_reason and end_care_reason not in ADOPTED_REASONS:
        raise ValidationError({"end_care_reason": "Choose how the adoption order was made"})
    plan = _record_step(plan, by, "adoption_order_on", adoption_order_on)
    if end_care_reason:
        _end_care_adopted(plan, by, adoption_order_on, end_care_reason)
    return plan


def open_plan_blocks_ending_care(period: Any, end_date: datetime.date, reason: str) -> None:
    """Care may end other than by adoption only once the plan for adoption is reversed: the
    SSDA903 refuses a child who left care, not adopted, with the plan still open (DfE rule 557).
    Registered with ``haven.care.services.register_end_check``."""
    if reason in ADOPTED_REASONS:
        return
    plan = (
        AdoptionPlan.objects.filter(
            person_id=period.person_id,
            adoption_order_on__isnull=True,
            reversed_on__isnull=True,
            decided_on__lte=end_date,
        )
        .order_by("-decided_on")
        .first()
    )
    if plan is not None:
        raise ValidationError(
            {
                "reason": (
                    f"The decision of {long_date(plan.decided_on)} that the child should be "
                    "placed for adoption is still open: record on the Adoption tab that it "
                    "was reversed, and why, before care ends other than by adoption "
                    "(DfE rule 557)"
                )
            }
        )


@transaction.atomic
def adoption_plan_reverse(
    *, plan: AdoptionPlan, by: User, reversed_on: datetime.date, reversal_reason: str
) -> AdoptionPlan:
    """The decision that the child should no longer be placed for adoption (RD1-RD4); a
    placement for adoption ceases on the same day."""
    plan = locked(plan)
    if not plan.is_open:
        raise ConflictError({"reversed_on": "This plan for adoption has ended"})
    if reversal_reason not in AdoptionReversal.values:
        raise ValidationError({"reversal_reason": "Choose why the plan was reversed"})
    not_future(reversed_on, "reversed_on", "date")
    for field, label in STEP_LABELS.items():
        day = getattr(plan, field)
        if day is not None and reversed_on < day:
            raise ValidationError(
                {"reversed_on": f"The date cannot be before {label} ({long_date(day)})"}
            )
    also = {"placement_ceased_on": reversed_on} if plan.placed_on else {}
    return _save(
        plan,
        by,
        "reversed_on",
        reversed_on=reversed_on,
        reversal_reason=reversal_reason,
        **also,
    )


# -- adopter households ---------------------------------------------------------------------------

# The approval stages in order, each after the one before.
STAGES = (
    ("enquiry_on", "the enquiry"),
    ("stage1_on", "stage 1"),
    ("stage2_on", "stage 2"),
    ("application_on", "the application"),
    ("approved_on", "approval"),
)


def _adopters_checks(values: dict[str, Any]) -> dict[str, Any]:
    """The household's details cleaned, or a ValidationError naming each field at fault."""
    errors: dict[str, str] = {}
    cleaned = dict(values)
    for field in ("reference", "name", "left_reason"):
        cleaned[field] = " ".join(str(values.get(field) or "").split())
    if not cleaned["reference"]:
        errors["reference"] = "Enter the household's reference"
    if not cleaned["name"]:
        errors["name"] = "Enter the adopters' names"
    number = values.get("number_of_adopters")
    if number not in (1, 2):
        errors["number_of_adopters"] = "A household has one or two adopters"
    # What the SSDA903 AD1 table asks of the adopters of a child adopted (optional until
    # then), agreeing with the number of adopters.
    sex = cleaned["sex_of_adopters"] = str(values.get("sex_of_adopters") or "")
    status = cleaned["legal_status_of_adopters"] = str(values.get("legal_status_of_adopters") or "")
    if sex and sex not in AdoptersSex.values:
        errors["sex_of_adopters"] = "Choose the adopters' sex"
    elif sex and number in (1, 2) and (len(sex) == 2 and sex[1] == "1") != (number == 1):
        errors["sex_of_adopters"] = "One adopter is M1 or F1; two are MM, FF or MF"
    if status and status not in AdoptersLegalStatus.values:
        errors["legal_status_of_adopters"] = "Choose the adopters' legal status"
    elif (
        status in ("L0", "L3", "L11", "L12", "L2")
        and number in (1, 2)
        and (status in ("L0", "L3")) != (number == 1)
    ):
        errors["legal_status_of_adopters"] = (
            "A single adopter, or one adopting alone, is L0 or L3; a couple L11, L12 or L2"
        )
    previous: tuple[str, datetime.date] | None = None
    for field, label in STAGES:
        day = values.get(field)
        if day is None:
            if field == "enquiry_on":
                errors[field] = "Enter the date of the enquiry"
            continue
        try:
            not_future(day, field, "date")
        except ValidationError as exc:
            errors[field] = exc.message_dict[field][0]
            continue
        index = [f for f, _ in STAGES].index(field)
        missing = [lab for f, lab in STAGES[:index] if values.get(f) is None]
        if missing and field not in errors:
            errors[field] = f"Record {missing[-1]} first"
        elif previous is not None and day < previous[1]:
            errors[field] = f"The date cannot be before {previous[0]} ({long_date(previous[1])})"
        previous = (label, day)
    left_on = values.get("left_on")
    if left_on is not None:
        if previous is not None and left_on < previous[1]:
            errors["left_on"] = (
                f"The date cannot be before {previous[0]} ({long_date(previous[1])})"
            )
        elif left_on > timezone.localdate():
            errors["left_on"] = "The date must be today or in the past"
        if not cleaned["left_reason"]:
            errors["left_reason"] = "Enter why they left"
    elif cleaned["left_reason"]:
        errors["left_on"] = "Enter the date they left"
    if errors:
        raise ValidationError(errors)
    return cleaned


ADOPTER_FIELDS = (
    "reference",
    "name",
    "number_of_adopters",
    "sex_of_adopters",
    "legal_status_of_adopters",
    "enquiry_on",
    "stage1_on",
    "stage2_on",
    "application_on",
    "approved_on",
    "left_on",
    "left_reason",
)


def _reference_taken(reference: str, household: AdopterHousehold | None = None) -> None:
    taken = AdopterHousehold.objects.filter(reference__iexact=reference)
    if household is not None:
        taken = taken.exclude(pk=household.pk)
    if taken.exists():
        raise ValidationError({"reference": "Another household has this reference"})


@transaction.atomic
def adopters_create(*, by: User, **values: Any) -> AdopterHousehold:
    """A prospective adopter household, from its enquiry."""
    service_require(by, Capability.WRITE_RECORDS, field="name")
    cleaned = _adopters_checks({f: values.get(f) for f in ADOPTER_FIELDS})
    _reference_taken(cleaned["reference"])
    try:
        with transaction.atomic():
            return AdopterHousehold.objects.create(**cleaned)
    except IntegrityError:
        raise ConflictError({"reference": "Another household has this reference"}) from None


@transaction.atomic
def adopters_update(
    *, household: AdopterHousehold, by: User, version: int | None, **values: Any
) -> AdopterHousehold:
    """The household's details and stages, saved over the version the user saw."""
    service_require(by, Capability.WRITE_RECORDS, field="name")
    cleaned = _adopters_checks({f: values.get(f) for f in ADOPTER_FIELDS})
    _reference_taken(cleaned["reference"], household)
    first_match = (
        household.children.filter(matched_on__isnull=False)  # type: ignore[attr-defined]
        .order_by("matched_on")
        .values_list("matched_on", flat=True)
        .first()
    )
    approved_on = cleaned["approved_on"]
    if first_match is not None and (approved_on is None or approved_on > first_match):
        raise ValidationError(
            {
                "approved_on": "These adopters were matched with a child on "
                f"{long_date(first_match)}: they were approved by then"
            }
        )
    update_with_version(AdopterHousehold, household.pk, version, **cleaned)
    household.refresh_from_db()
    return household
