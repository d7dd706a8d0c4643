"""A placement's distance from home is worked out when it is recorded, from the postcodes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from haven.care import services
from haven.care.tests.factories import looked_after_child, placement

pytestmark = pytest.mark.django_db


def test_each_placement_gets_its_distance_from_the_home_postcode(child, worker):
    # Home SO22 5AA (Winchester); placed in Portsmouth, then moved to Farnborough.
    period = looked_after_child(child, worker, postcode="PO1 3AX")
    first = period.placements.get()
    assert first.distance_miles == Decimal("20.9")
    moved = services.placement_move(
        period=period,
        by=worker,
        start_date=datetime.date(2025, 3, 3),
        change_reason="CARPL",
        placement=placement("U6", "New carers", postcode="GU14 6AA"),
    )
    moved.refresh_from_db()
    assert moved.distance_miles == Decimal("28.7")


def test_an_unknown_postcode_leaves_the_distance_not_known(child, worker):
    period = looked_after_child(child, worker, postcode="")
    assert period.placements.get().distance_miles is None
