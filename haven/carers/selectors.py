"""Reading the register of carers and homes, with their vacancies on a day.

A household's vacancies are its places less the children placed with it, while it is approved;
connected (family and friends) carers are approved for a named child, so they have no vacancies
for anyone else. A home's vacancies are its places less the children living there, while open.
Carers and homes are not children's records: the capability (SEE_CARERS) is the only check."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from haven.carers.models import ChildrensHome, FosteringHousehold
from haven.carers.occupancy import occupancy


@dataclass(frozen=True)
class Places:
    places: int
    placed: int
    available: bool  # approved (a household) or open (a home) on the day

    @property
    def vacancies(self) -> int:
        return max(self.places - self.placed, 0) if self.available else 0

    @property
    def over(self) -> int:
        """Children placed beyond the approved places (an exemption, or a record to check)."""
        return max(self.placed - self.places, 0)


def household_approved(household: FosteringHousehold, on: datetime.date) -> bool:
    ended = household.approval_ended_on
    return household.approved_on <= on and (ended is None or ended > on)


def home_open(home: ChildrensHome, on: datetime.date) -> bool:
    opened, closed = home.opened_on, home.closed_on
    return (opened is None or opened <= on) and (closed is None or closed > on)


def household_places(
    household: FosteringHousehold, on: datetime.date, placed: int
) -> Places:
    return Places(
        places=household.places,
        placed=placed,
        available=household_approved(household, on) and not household.connected,
    )


def home_places(home: ChildrensHome, on: datetime.date, placed: int) -> Places:
    return Places(places=home.places, placed=placed, available=home_open(home, on))


def households(
    *, on: datetime.date, current: bool = True
) -> list[tuple[FosteringHousehold, Places]]:
    """The households with their places on ``on``: those approved then or with a child placed
    then (``current``), or every household ever approved."""
    counts = occupancy(on).households
    return [
        (h, household_places(h, on, counts.get(h.pk, 0)))
        for h in FosteringHousehold.objects.order_by("name", "pk")
        if not current or household_approved(h, on) or counts.get(h.pk)
    ]


def homes(*, on: datetime.date, current: bool = True) -> list[tuple[ChildrensHome, Places]]:
    """The homes with their places on ``on``, the council's own first: those open then or
    with a child living there then (``current``), or every home recorded."""
    counts = occupancy(on).homes
    found = [
        (h, home_places(h, on, counts.get(h.pk, 0)))
        for h in ChildrensHome.objects.order_by("name", "pk")
        if not current or home_open(h, on) or counts.get(h.pk)
    ]
    return sorted(found, key=lambda pair: not pair[0].is_own)


def household_get(household_id: int) -> FosteringHousehold:
    return get_object_or_404(FosteringHousehold, pk=household_id)


def home_get(home_id: int) -> ChildrensHome:
    return get_object_or_404(ChildrensHome, pk=home_id)
