"""The DfE's sample CIN census files, as the tests read them."""

from __future__ import annotations

import re
from pathlib import Path

CIN = Path(__file__).resolve().parent / "data" / "dfe-samples" / "cin"


def dfe_sample(name: str) -> bytes:
    """A sample file with its header's ReferenceDate made 31 March of its Year, where the two
    name different collection years (three DfE samples: Year 2023, ReferenceDate 2024-03-31,
    with their dates in 2022/23). Haven refuses such a header (``importer.header_year``); the
    tests that import these samples are about their children, so they read the fixed header."""
    data = (CIN / name).read_bytes()
    year = re.search(rb"<Year>(\d{4})</Year>", data)
    if year is None:
        return data
    return re.sub(
        rb"<ReferenceDate>\d{4}-03-31</ReferenceDate>",
        b"<ReferenceDate>" + year.group(1) + b"-03-31</ReferenceDate>",
        data,
    )
