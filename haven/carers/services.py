"""Keeping the register of carers and homes: every write here, by the placements team
(MANAGE_PLACEMENTS). Bad input is a ValidationError naming the field; nothing is half-saved."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from haven.accounts.models import User
from haven.accounts.permissions import Capability, service_require
from haven.carers.models import ChildrensHome, FosteringHousehold, HomeOperator
from haven.carers.occupancy import occupancy
from haven.core.dates import long_date
from haven.core.errors import ConflictError
from haven.core.versioning import update_with_version
from haven.people.validators import normalise_postcode, postcode_is_valid

MAX_PLACES_HOUSEHOLD = 6  # the usual fostering limit (three, or more with an exemption)


def _taken(same: QuerySet[Any], exclude: int | None) -> bool:
    """Another record already has the value (``exclude``: the one being edited)."""
    return (same.exclude(pk=exclude) if exclude is not None else same).exists()


def _postcode(value: str, errors: dict[str, str]) -> str:
    postcode = normalise_postcode(value)
    if not postcode_is_valid(postcode):
        errors["postcode"] = "Enter a real UK postcode, like SO23 8UJ"
    return postcode


def _household_fields(
    *,
    reference: str,
    name: str,
    address: str,
    postcode: str,
    connected: bool,
    approved_adopters: bool,
    approved_on: datetime.date,
    age_from: int,
    age_to: int,
    places: int,
    exclude: int | None = None,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    reference = reference.strip().upper()
    if not reference:
        errors["reference"] = "Enter the household's reference"
    elif _taken(FosteringHousehold.objects.filter(reference=reference), exclude):
        errors["reference"] = f"Another household has the reference {reference}"
    if not name.strip():
        errors["name"] = "Enter the carers' names"
    if not address.strip():
        errors["address"] = "Enter the household's address"
    postcode = _postcode(postcode, errors)
    if not 0 <= age_from <= 17:
        errors["age_from"] = "The youngest age must be from 0 to 17"
    if not 0 <= age_to <= 18:
        errors["age_to"] = "The oldest age must be from 0 to 18"
    elif age_to < age_from:
        errors["age_to"] = "The oldest age cannot be below the youngest"
    if not 1 <= places <= MAX_PLACES_HOUSEHOLD:
        errors["places"] = f"A household has from 1 to {MAX_PLACES_HOUSEHOLD} places"
    if errors:
        raise ValidationError(errors)
    return {
        "reference": reference,
        "name": name.strip(),
        "address": address.strip(),
        "postcode": postcode,
        "connected": connected,
        "approved_adopters": approved_adopters,
        "approved_on": approved_on,
        "age_from": age_from,
        "age_to": age_to,
        "places": places,
    }


@transaction.atomic
def household_create(*, by: User, **fields: Any) -> FosteringHousehold:
    """Record a newly approved in-house fostering household."""
    service_require(by, Capability.MANAGE_PLACEMENTS, field="reference")
    return FosteringHousehold.objects.create(**_household_fields(**fields))


@transaction.atomic
def household_update(
    *, by: User, household: FosteringHousehold, version: int | None, **fields: Any
) -> None:
    service_require(by, Capability.MANAGE_PLACEMENTS, field="reference")
    values = _household_fields(**fields, exclude=household.pk)
    ended = household.approval_ended_on
    if ended is not None and ended < values["approved_on"]:
        raise ValidationError(
            {"approved_on": f"Their approval ended on {long_date(ended)}, before this date"}
        )
    update_with_version(FosteringHousehold, household.pk, version, **values)


@transaction.atomic
def household_approval_end(
    *, by: User, household: FosteringHousehold, version: int | None, ended_on: datetime.date
) -> None:
    """The household is no longer approved from ``ended_on`` (resigned, deregistered). Refused
    while children are still placed with them then: their placements move first."""
    service_require(by, Capability.MANAGE_PLACEMENTS, field="ended_on")
    household = FosteringHousehold.objects.select_for_update().get(pk=household.pk)
    if household.approval_ended_on is not None:
        raise ConflictError(
            {"ended_on": f"Their approval already ended on {long_date(household.approval_ended_on)}"}
        )
    if ended_on < household.approved_on:
        raise ValidationError(
            {"ended_on": f"They were approved on {long_date(household.approved_on)}, after this"}
        )
    placed = occupancy(ended_on).households.get(household.pk, 0)
    if placed:
        raise ValidationError(
            {
                "ended_on": f"{placed} child{'ren are' if placed > 1 else ' is'} still placed "
                f"with them on {long_date(ended_on)}: record the move first"
            }
        )
    update_with_version(FosteringHousehold, household.pk, version, approval_ended_on=ended_on)


def _home_fields(
    *,
    name: str,
    operator: str,
    secure: bool,
    urn: str,
    address: str,
    postcode: str,
    places: int,
    weekly_cost: Decimal | None,
    opened_on: datetime.date | None,
    closed_on: datetime.date | None,
    exclude: int | None = None,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter the home's name"
    if operator not in HomeOperator.values:
        errors["operator"] = "Choose who runs the home"
    urn = "".join(urn.split()).upper()
    if not (urn.isascii() and urn.isalnum() and 6 <= len(urn) <= 8):
        errors["urn"] = "Enter the home's Ofsted URN, for example SC123456"
    elif _taken(ChildrensHome.objects.filter(urn=urn), exclude):
        errors["urn"] = f"Another home has the URN {urn}"
    if not address.strip():
        errors["address"] = "Enter the home's address"
    postcode = _postcode(postcode, errors)
    if not 1 <= places <= 100:
        errors["places"] = "A home has from 1 to 100 places"
    if weekly_cost is not None and not Decimal(0) <= weekly_cost < Decimal(10_000_000):
        errors["weekly_cost"] = "Enter the weekly cost in pounds, 0 or more"
    if opened_on and closed_on and closed_on <= opened_on:
        errors["closed_on"] = "The home cannot close before it opened"
    if errors:
        raise ValidationError(errors)
    return {
        "name": name.strip(),
        "operator": operator,
        "secure": secure,
        "urn": urn,
        "address": address.strip(),
        "postcode": postcode,
        "places": places,
        "weekly_cost": weekly_cost,
        "opened_on": opened_on,
        "closed_on": closed_on,
    }


@transaction.atomic
def home_create(*, by: User, **fields: Any) -> ChildrensHome:
    """Record a children's home, the council's own or one it places children with."""
    service_require(by, Capability.MANAGE_PLACEMENTS, field="name")
    return ChildrensHome.objects.create(**_home_fields(**fields))


@transaction.atomic
def home_update(*, by: User, home: ChildrensHome, version: int | None, **fields: Any) -> None:
    service_require(by, Capability.MANAGE_PLACEMENTS, field="name")
    values = _home_fields(**fields, exclude=home.pk)
    closed_on = values["closed_on"]
    if closed_on is not None and home.closed_on != closed_on:
        placed = occupancy(closed_on).homes.get(home.pk, 0)
        if placed:
            raise ValidationError(
                {
                    "closed_on": f"{placed} child{'ren' if placed > 1 else ''} still "
                    f"live{'' if placed > 1 else 's'} there on {long_date(closed_on)}: "
                    "record the move first"
                }
            )
    update_with_version(ChildrensHome, home.pk, version, **values)
