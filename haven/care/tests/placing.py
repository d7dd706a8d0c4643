"""Hand-built placements for the carers, sufficiency and placement request tests: the rows
themselves, so the figures are checked against data the test states."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from haven.care.models import CarePeriod, LegalStatusChange, Placement
from haven.carers.models import ChildrensHome, FosteringHousehold

D = datetime.date
APPROVED = D(2020, 1, 1)


def household(
    reference: str = "FH1",
    *,
    name: str = "",
    postcode: str = "SO23 8UJ",
    age_from: int = 0,
    age_to: int = 18,
    places: int = 2,
    connected: bool = False,
    approved_on: datetime.date = APPROVED,
    approval_ended_on: datetime.date | None = None,
) -> FosteringHousehold:
    return FosteringHousehold.objects.create(
        reference=reference,
        name=name or f"Carers {reference}",
        address="1 High Street",
        postcode=postcode,
        age_from=age_from,
        age_to=age_to,
        places=places,
        connected=connected,
        approved_on=approved_on,
        approval_ended_on=approval_ended_on,
    )


def home(
    urn: str = "SC100001",
    *,
    name: str = "",
    operator: str = "PR1",
    postcode: str = "SO23 8UJ",
    places: int = 4,
    weekly_cost: Decimal | None = None,
    closed_on: datetime.date | None = None,
) -> ChildrensHome:
    return ChildrensHome.objects.create(
        name=name or f"Home {urn}",
        operator=operator,
        urn=urn,
        address="2 High Street",
        postcode=postcode,
        places=places,
        weekly_cost=weekly_cost,
        closed_on=closed_on,
    )


def place(
    child: Any,
    start: datetime.date,
    *,
    end: datetime.date | None = None,
    place: str = "U4",
    provider: str = "PR1",
    household: FosteringHousehold | None = None,
    home: ChildrensHome | None = None,
    weekly_cost: Decimal | int | None = None,
    home_postcode: str = "SO23 8UJ",
) -> Placement:
    """A placement for ``child`` (and the period of care it belongs to, made if need be)."""
    period = CarePeriod.objects.filter(person=child).first()
    if period is None:
        period = CarePeriod.objects.create(
            person=child, start_date=start, category_of_need="N1", home_postcode=home_postcode
        )
        LegalStatusChange.objects.create(period=period, person=child, code="C2", start_date=start)
    carer = household or home
    return Placement.objects.create(
        period=period,
        person=child,
        start_date=start,
        end_date=end,
        place=place,
        provider=provider,
        household=household,
        home=home,
        carer_name="" if carer else "Agency carers",
        postcode=carer.postcode if carer else "PO1 3AX",
        weekly_cost=Decimal(weekly_cost) if weekly_cost is not None else None,
    )
