"""The one way Haven writes a date for people to read (GOV.UK style).

    long_date(datetime.date(2027, 1, 3))                      3 January 2027
    long_date(aware datetime 14:05 London)                    3 January 2027 at 2:05pm

Templates use the same function as the ``govuk_date`` filter. Machine formats (ISO in
``<time datetime>``, dd/mm/yyyy in Ofsted's Annex A CSV) are not for reading and stay separate.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def _clock(value: datetime.datetime) -> str:
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d}{'am' if value.hour < 12 else 'pm'}"


def long_date(value: datetime.date) -> str:
    """1 March 2024 (no leading zero); a date and time as 1 March 2024 at 2:05pm, London time."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)  # settings.TIME_ZONE, Europe/London
        return f"{value.day} {value:%B} {value.year} at {_clock(value)}"
    return f"{value.day} {value:%B} {value.year}"
