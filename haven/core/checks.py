"""Small checks every workflow service makes: dates not in the future or before what they
follow, and the row a change moves from, read under a lock."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from haven.core.dates import long_date


def not_future(day: datetime.date | None, field: str, label: str) -> None:
    if day and day > timezone.localdate():
        raise ValidationError({field: f"The {label} must be today or in the past"})


def not_before(day: datetime.date, earliest: datetime.date, field: str, message: str) -> None:
    if day < earliest:
        raise ValidationError({field: f"{message} ({long_date(earliest)})"})


def locked(obj: Any) -> Any:
    """``obj`` as it is now, locked until the transaction ends: the state a change moves from
    is checked on this copy, so two people doing the same thing at once cannot both succeed."""
    return type(obj).objects.select_for_update().get(pk=obj.pk)
