"""Where a postcode is, and how far apart two are: the straight-line distance of a placement
from the child's home (SSDA903 PL_DISTANCE, and the "placed more than 20 miles away" figures).

The grid references (Ordnance Survey eastings and northings, in metres) come from the ONS
Postcode Directory (Office for National Statistics, Open Government Licence v3.0; contains OS
data (c) Crown copyright and database right, Royal Mail data (c) Royal Mail copyright and
database right), bundled in ``data/postcodes.csv.gz`` by ``scripts/build-postcodes``: every
postcode in the council's area and its neighbours (SO, PO, GU, RG, BH, SP), and the centroid of
every postcode district in the UK. The file is read once, on first use, into a dict.
"""

from __future__ import annotations

import csv
import gzip
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "postcodes.csv.gz"
METRES_PER_MILE = Decimal("1609.3")

# A UK postcode, spaces removed: the outward code (area, district) and the inward code.
_FULL = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


@cache
def _grid() -> dict[str, tuple[int, int]]:
    with gzip.open(DATA, "rt", encoding="ascii", newline="") as raw:
        rows = csv.reader(raw)
        next(rows)  # the header
        return {key: (int(east), int(north)) for key, east, north in rows}


def _compact(postcode: str) -> str:
    return "".join(str(postcode or "").upper().split())


def grid_reference(postcode: str) -> tuple[int, int] | None:
    """The postcode's (easting, northing) in metres, or None if it cannot be placed.

    A full postcode found in the lookup gives its own grid reference. One that is not listed
    (outside the bundled areas, newer than the lookup, or made up, as the synthetic county's
    addresses are: real outward codes such as "SO23" with invented inward parts) falls back to
    the centroid of its postcode DISTRICT (the mean grid reference of the district's
    postcodes), as does an outward code given alone. None only when the district is unknown
    too, or the text is not a postcode.
    """
    compact = _compact(postcode)
    grid = _grid()
    full = _FULL.match(compact)
    if full:
        found = grid.get(compact)
        if found is not None:
            return found
        return grid.get(full.group(1))
    if _DISTRICT.match(compact):
        return grid.get(compact)
    return None


def distance_miles(home_postcode: str, placement_postcode: str) -> Decimal | None:
    """Straight-line miles between two postcodes, to one decimal place (as the SSDA903
    PL_DISTANCE), or None when either cannot be placed (the figures count it "not known")."""
    home = grid_reference(home_postcode)
    placed = grid_reference(placement_postcode)
    if home is None or placed is None:
        return None
    metres = Decimal(math.hypot(home[0] - placed[0], home[1] - placed[1]))
    return (metres / METRES_PER_MILE).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
