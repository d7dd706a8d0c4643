"""A looked-after child for tests, recorded through the services as a worker would."""

from __future__ import annotations

import datetime
from typing import Any

from haven.care import codes, services
from haven.care.models import CarePeriod


def placement(
    place: str = "U6", carer_name: str = "Ann and Bob Carer", **details: Any
) -> services.PlacementDetails:
    details.setdefault("provider", "" if place.startswith(("T", "Z")) else "PR4")
    details.setdefault("postcode", "SO23 8UJ")
    details.setdefault("urn", "" if place in codes.URN_OPTIONAL else "SC123456")
    return services.PlacementDetails(place=place, carer_name=carer_name, **details)


def looked_after_child(
    child: Any,
    by: Any,
    *,
    start: datetime.date = datetime.date(2025, 1, 6),
    legal_status: str = "C1",
    category_of_need: str = "N1",
    place: str = "U6",
    carer_name: str = "Ann and Bob Carer",
    **details: Any,
) -> CarePeriod:
    """``child`` becomes looked after on ``start`` (an interim care order, agency foster care)."""
    return services.period_start(
        person=child,
        by=by,
        start_date=start,
        legal_status=legal_status,
        category_of_need=category_of_need,
        placement=placement(place, carer_name, **details),
        home_postcode="SO22 5AA",
    )
