"""What the printed record says of a period of care."""

from __future__ import annotations

from typing import Any

from haven.care.models import CarePeriod
from haven.core.dates import long_date


def care_status(person: Any) -> list[str]:
    period = (
        CarePeriod.objects.filter(person=person, end_date__isnull=True)
        .select_related("iro")
        .first()
    )
    if period is None:
        return []
    line = f"Looked after since {long_date(period.start_date)}"
    if period.iro is not None:
        line += f", independent reviewing officer {period.iro.display_name}"
    return [line]
