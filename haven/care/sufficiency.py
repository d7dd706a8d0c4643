"""Sufficiency: where the council's looked-after children live on a day, what it has free, and
what their placements cost. Every number is counted from the placements and the register of
carers and homes each time; a number and the list of children behind it come from one
definition (``MEASURES``), so they cannot disagree.

Definitions (a child is counted once: placements of a child never overlap):
- looked after: a placement that has started by the day and not ended (the end day is the first
  day elsewhere);
- in-house: the council's own provision (PR1), its fostering households or its own homes;
- agency: foster care (U1 to U6) provided privately or by a voluntary agency (PR4, PR5: an
  independent fostering agency);
- residential: a children's home, secure unit, semi-independent or residential setting (K1, K2,
  R1, S1) or any placement with a home on the register;
- spend: the weekly cost of the placements on the day, and 52 times it for a year; placements
  with no cost recorded are counted, not guessed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from haven.care import codes
from haven.care.models import Placement
from haven.carers import selectors as carers
from haven.carers.models import HomeOperator
from haven.carers.occupancy import Occupancy
from haven.people.access import restriction_q

WEEKS_A_YEAR = 52


def current_q(on: datetime.date, prefix: str = "") -> Q:
    """Placements where the child lives on ``on``."""
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": on})
    )


def occupancy(on: datetime.date) -> Occupancy:
    """Children placed with each household and home on ``on`` (for haven.carers)."""
    placed = Placement.objects.filter(current_q(on))
    households = placed.filter(household__isnull=False).values("household").annotate(n=Count("pk"))
    homes = placed.filter(home__isnull=False).values("home").annotate(n=Count("pk"))
    return Occupancy(
        households={row["household"]: row["n"] for row in households},
        homes={row["home"]: row["n"] for row in homes},
    )


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    where: Q


IN_HOUSE = (
    Q(provider=codes.PlacementProvider.PR1)
    | Q(household__isnull=False)
    | Q(home__operator=HomeOperator.OWN)
)
AGENCY = Q(place__in=codes.FOSTER_PLACEMENTS, household__isnull=True) & Q(
    provider__in=[codes.PlacementProvider.PR4, codes.PlacementProvider.PR5]
)
RESIDENTIAL = Q(place__in=codes.RESIDENTIAL_PLACEMENTS) | Q(home__isnull=False)

MEASURES = {
    m.key: m
    for m in (
        Measure("looked-after", "Children looked after", Q()),
        Measure("in-house", "Placed in-house", IN_HOUSE),
        Measure("agency", "Placed with a fostering agency", AGENCY),
        Measure("residential", "In residential care", RESIDENTIAL),
        Measure("in-house-carers", "With in-house foster carers", Q(household__isnull=False)),
        Measure("own-homes", "In the council's own homes", Q(home__operator=HomeOperator.OWN)),
        Measure("no-cost", "No weekly cost recorded", Q(weekly_cost__isnull=True)),
    )
}


@dataclass(frozen=True)
class Share:
    measure: Measure
    count: int
    of: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.count / self.of) if self.of else None


@dataclass(frozen=True)
class Capacity:
    """Places, children placed and vacancies of a group of carers or homes on the day."""

    number: int  # households or homes
    places: int
    placed: int
    vacancies: int

    @property
    def occupancy_percent(self) -> int | None:
        return round(100 * self.placed / self.places) if self.places else None


def _capacity(pairs: list[tuple[Any, carers.Places]]) -> Capacity:
    return Capacity(
        number=len(pairs),
        places=sum(p.places for _, p in pairs if p.available),
        placed=sum(p.placed for _, p in pairs),
        vacancies=sum(p.vacancies for _, p in pairs),
    )


@dataclass(frozen=True)
class Figures:
    on: datetime.date
    shares: dict[str, Share]
    weekly_spend: Decimal
    own_homes: Capacity
    carers: Capacity
    connected: Capacity

    @property
    def looked_after(self) -> int:
        return self.shares["looked-after"].count

    @property
    def no_cost(self) -> int:
        return self.shares["no-cost"].count

    @property
    def annual_spend(self) -> Decimal:
        return self.weekly_spend * WEEKS_A_YEAR


def _counted(user: Any) -> QuerySet[Placement]:
    """Placements ``user`` may count: a restricted child not named to them is left out of the
    numbers and the lists alike (as on the performance pages), so the two always agree."""
    return Placement.objects.filter(restriction_q(user, "person__"))


def figures(*, on: datetime.date, user: Any) -> Figures:
    """The sufficiency figures on ``on``: a fixed number of queries whatever the numbers.
    The places and vacancies of carers and homes count every child placed with them."""
    counted = (
        _counted(user)
        .filter(current_q(on))
        .aggregate(
            spend=Sum("weekly_cost"),
            **{key: Count("pk", filter=m.where) for key, m in MEASURES.items()},
        )
    )
    total = counted["looked-after"]
    households = carers.households(on=on)
    own_homes = [(h, p) for h, p in carers.homes(on=on) if h.is_own]
    return Figures(
        on=on,
        shares={key: Share(m, counted[key], total) for key, m in MEASURES.items()},
        weekly_spend=counted["spend"] or Decimal(0),
        own_homes=_capacity(own_homes),
        carers=_capacity([(h, p) for h, p in households if not h.connected]),
        connected=_capacity([(h, p) for h, p in households if h.connected]),
    )


def placements(*, measure: Measure, on: datetime.date, user: Any) -> QuerySet[Placement]:
    return (
        _counted(user)
        .filter(current_q(on) & measure.where)
        .select_related("person", "household", "home")
        .order_by("start_date", "pk")
    )


def rows_of(found: Iterable[Placement]) -> Iterator[dict[str, Any]]:
    """The children behind a number (a page of ``placements``), as rows for
    ``performance.selectors.rows_for_user`` (which hides the names of children the reader may
    not open, and logs the listing)."""
    for p in found:
        yield {
            "child_id": p.person_id,
            "given_names": p.person.given_names,
            "family_name": p.person.family_name,
            "date_of_birth": p.person.date_of_birth,
            "event": p.start_date,
            "place": p.place,
            "place_label": p.get_place_display(),
            "provider": p.provider,
            "carer": str(p.household or p.home or p.carer_name),
            "weekly_cost": p.weekly_cost,
        }
