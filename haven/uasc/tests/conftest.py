"""Children looked after, built from the models (the care services are the lead's)."""

from __future__ import annotations

import datetime

import pytest

from haven.care import episodes
from haven.care.models import CarePeriod, LegalStatusChange, Placement


def put_in_care(child, start: datetime.date, end: datetime.date | None = None, reason: str = ""):
    """A period of care from ``start`` (V2, foster care), ended on ``end`` if given."""
    period = CarePeriod.objects.create(
        person=child,
        start_date=start,
        end_date=end,
        end_reason=reason if end else "",
        category_of_need="N8",
    )
    LegalStatusChange.objects.create(period=period, person=child, code="V2", start_date=start)
    Placement.objects.create(
        period=period,
        person=child,
        start_date=start,
        end_date=end,
        place="U6",
        provider="PR4",
        carer_name="Agency carers",
        urn="SC123456",
    )
    episodes.rederive(period)
    return period


@pytest.fixture
def in_care():
    return put_in_care
