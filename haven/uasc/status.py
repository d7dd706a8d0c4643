"""What the printed record says of the child's UASC status."""

from __future__ import annotations

from typing import Any

from haven.core.dates import long_date
from haven.uasc.models import UASCStatus


def uasc_status(person: Any) -> list[str]:
    status = UASCStatus.objects.filter(person=person, ceased_on__isnull=True).first()
    if status is None:
        return []
    return [f"Unaccompanied asylum-seeking child, arrived {long_date(status.arrived_on)}"]
