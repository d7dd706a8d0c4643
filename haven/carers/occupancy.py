"""How many children live with each carer or home on a day, filled in by ``haven.care`` (which
holds the placements and sits above this package: ``care.Placement`` points at the carers).

Counts only: which children they are is the placements' business, behind need-to-know."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Occupancy:
    """Children placed on a day, by fostering household id and by children's home id."""

    households: dict[int, int] = field(default_factory=dict)
    homes: dict[int, int] = field(default_factory=dict)


_sources: list[Callable[[datetime.date], Occupancy]] = []


def register_occupancy(source: Callable[[datetime.date], Occupancy]) -> None:
    """``source(day)`` counts the children placed on ``day`` (haven.care registers it)."""
    _sources[:] = [source]


def occupancy(on: datetime.date) -> Occupancy:
    return _sources[0](on) if _sources else Occupancy()
