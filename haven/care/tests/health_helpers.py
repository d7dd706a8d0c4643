"""A looked-after child built from the models (the care services build the same rows)."""

from __future__ import annotations

import datetime
from typing import Any

from haven.care import episodes
from haven.care.models import CarePeriod, LegalStatusChange, Placement


def look_after(
    person: Any,
    start: datetime.date,
    *,
    end: datetime.date | None = None,
    legal_status: str = "C2",
    place: str = "U6",
) -> CarePeriod:
    period = CarePeriod.objects.create(
        person=person,
        start_date=start,
        end_date=end,
        end_reason="E4A" if end else "",
        category_of_need="N1",
    )
    LegalStatusChange.objects.create(
        period=period, person=person, code=legal_status, start_date=start
    )
    Placement.objects.create(
        period=period,
        person=person,
        start_date=start,
        end_date=end,
        place=place,
        provider="PR1",
        carer_name="Carer",
    )
    episodes.rederive(period)
    return period
