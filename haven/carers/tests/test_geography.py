"""Postcode grid references and straight-line distances from the bundled ONS lookup."""

from __future__ import annotations

from decimal import Decimal

import pytest

from haven.carers.geography import distance_miles, grid_reference

# Grid references from the ONS Postcode Directory (eastings, northings in metres).
WINCHESTER = "SO23 8UJ"  # Hampshire County Council, The Castle


def test_a_known_postcode_gives_its_own_grid_reference_however_it_is_typed():
    assert grid_reference("SO23 8UJ") == (447823, 129465)
    assert grid_reference(" so238uj ") == (447823, 129465)
    assert grid_reference("PO1 3AX") == (463309, 100029)


@pytest.mark.parametrize(
    ("placement", "miles"),
    [
        ("PO1 3AX", Decimal("20.7")),  # Portsmouth
        ("GU14 6AA", Decimal("28.7")),  # Farnborough
        ("BH1 1AA", Decimal("33.2")),  # Bournemouth
        ("SO23 8UJ", Decimal("0.0")),
    ],
)
def test_distance_is_straight_line_miles_to_one_place(placement, miles):
    assert distance_miles(WINCHESTER, placement) == miles
    assert distance_miles(placement, WINCHESTER) == miles


def test_an_unlisted_postcode_falls_back_to_its_district_centroid():
    # The synthetic county's addresses: a real outward code, a made-up inward code.
    assert grid_reference("SO23 9ZZ") == grid_reference("SO23") == (448759, 130001)
    assert distance_miles(WINCHESTER, "SO23 9ZZ") == Decimal("0.7")
    # Districts across the UK are bundled, not only the council's area.
    assert distance_miles(WINCHESTER, "SW1A 9ZZ") == Decimal("59.7")


@pytest.mark.parametrize("postcode", ["", "   ", "ZZ9 9ZZ", "not a postcode", "SO23 8U", "12345"])
def test_an_unknown_postcode_is_none(postcode):
    assert grid_reference(postcode) is None
    assert distance_miles(WINCHESTER, postcode) is None
    assert distance_miles(postcode, WINCHESTER) is None
