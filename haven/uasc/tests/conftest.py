"""Children looked after, recorded through the care services (haven/care/tests/factories.py)."""

from __future__ import annotations

import datetime

import pytest

from haven.care import services as care
from haven.care.tests.factories import looked_after_child


def put_in_care(
    child, by, start: datetime.date, end: datetime.date | None = None, reason: str = "E8"
):
    """A period of care from ``start`` (agency foster care), ended on ``end`` if given."""
    period = looked_after_child(child, by, start=start, legal_status="V2", category_of_need="N8")
    if end is not None:
        period = care.period_end(period=period, by=by, end_date=end, reason=reason)
    return period


@pytest.fixture
def in_care(manager):
    return lambda child, *args, **kwargs: put_in_care(child, manager, *args, **kwargs)
