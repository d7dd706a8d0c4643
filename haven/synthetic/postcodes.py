"""Real postcodes for the synthetic county.

The generator makes a postcode from an outward code and a random inward code ("SO21 9JZ"), and
most such postcodes do not exist: the DfE's SSDA903 rules look every HOME_POST and PL_POST up in
the ONS directory and reject one they cannot find (rules 392c, 169, 179). ``real`` turns an
invented postcode into the first real one at or after it in the same district (wrapping round),
so the random stream, and so every other generated row, is the same as before. Districts come
from the bundled ONS extract (``haven/carers/data/postcodes.csv.gz``: every postcode in the
council's area and its neighbours); for the farther districts the scenarios place children in,
a few real postcodes are listed here (ONS Postcode Directory, Open Government Licence v3.0).
"""

from __future__ import annotations

import bisect
import csv
import gzip
from functools import cache

from haven.carers.geography import DATA

FARTHER: dict[str, list[str]] = {
    "BN1": ["BN1 1AA", "BN1 1ZE", "BN1 3DH", "BN1 4AP", "BN1 4YL", "BN1 6DN", "BN1 7BB", "BN1 8RS"],
    "OX4": ["OX4 1AA", "OX4 1UZ", "OX4 2RH", "OX4 3QB", "OX4 4NA", "OX4 5GF", "OX4 6BT", "OX4 7TZ"],
    "SN1": ["SN1 1AA", "SN1 1RN", "SN1 2HB", "SN1 2YU", "SN1 3NX", "SN1 4DS", "SN1 4WE", "SN1 5PA"],
    "DT1": ["DT1 1AA", "DT1 1JJ", "DT1 1TP", "DT1 2DF", "DT1 2PT", "DT1 3BN", "DT1 3SB", "DT1 9FG"],
}


@cache
def _districts() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {d: sorted(codes) for d, codes in FARTHER.items()}
    with gzip.open(DATA, "rt", newline="") as raw:
        rows = csv.reader(raw)
        next(rows, None)
        for row in rows:
            compact = row[0]
            if len(compact) < 5:
                continue  # a district's centroid, not a postcode
            found.setdefault(compact[:-3], []).append(f"{compact[:-3]} {compact[-3:]}")
    for codes in found.values():
        codes.sort()
    return found


def real(postcode: str) -> str:
    """The first real postcode at or after ``postcode`` in its district; the postcode itself
    if Haven knows no postcode in the district."""
    outward = postcode.split(" ")[0]
    codes = _districts().get(outward)
    if not codes:
        return postcode
    return codes[bisect.bisect_left(codes, postcode) % len(codes)]


def following(postcode: str) -> str:
    """The next real postcode after ``postcode`` in its district (a neighbour's)."""
    outward = postcode.split(" ")[0]
    codes = _districts().get(outward)
    if not codes:
        return postcode
    return codes[bisect.bisect_right(codes, postcode) % len(codes)]
