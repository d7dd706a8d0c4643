"""Every number, date and piece of text a user sends is parsed here, into a value or a
``ValidationError`` that names the field and says what is wrong.

Form fields (``haven.ui.forms``) and the GET filters of list pages both use these functions, so a
day of ``99999999999999999999``, a month of ``²`` (``str.isdigit()`` is true, ``int()`` fails), a
NUL byte (PostgreSQL refuses it in text) or a year 9999 is a message on the page, never a 500.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError

from haven.core import calendar
from haven.core.dates import long_date

# The widest integer column Haven has is bigint, but ids and counts users send are int-sized;
# anything larger cannot name a row and would overflow an integer column.
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1

# Dates that drive deadlines must lie in the working-day calendar's years; records of the past
# (dates of birth of adults, old addresses) go back further, never before 1900.
DEADLINE_FIRST = datetime.date(calendar.FIRST_YEAR, 1, 1)
HISTORIC_FIRST = datetime.date(1900, 1, 1)
LAST = datetime.date(calendar.LAST_YEAR, 12, 31)

# No request needs more; 100,000 characters of nonsense is refused before it reaches a query.
MAX_TEXT = 20_000

_ASCII_DIGITS = re.compile(r"[0-9]+")
# Tab, line feed and carriage return are ordinary in a textarea; other control characters
# (NUL above all, which PostgreSQL refuses in text) and unpaired surrogates never are.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def is_ascii_number(text: str) -> bool:
    """Digits 0-9 only: "²" and "٣" pass ``str.isdigit()`` but are not numbers a user types."""
    return bool(_ASCII_DIGITS.fullmatch(text))


def text_problem(value: str) -> str | None:
    """What is wrong with ``value`` as text from a user, or None."""
    for char in value:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in _ALLOWED_CONTROLS) or category == "Cs":
            return "contains a character that cannot be stored (a control character)"
    return None


def clean_text(value: str, *, label: str, max_length: int = MAX_TEXT) -> str:
    """``value`` if it is text a user could have typed; a ValidationError naming ``label``
    otherwise."""
    problem = text_problem(value)
    if problem:
        raise ValidationError(f"{label} {problem}", code="control_character")
    if len(value) > max_length:
        raise ValidationError(
            f"{label} must be {max_length:,} characters or fewer", code="max_length"
        )
    return value


def parse_int(raw: str, *, label: str, minimum: int = INT_MIN, maximum: int = INT_MAX) -> int:
    """An integer typed with the digits 0-9 (and an optional minus sign), within the bounds."""
    text = raw.strip()
    digits = text[1:] if text.startswith("-") else text
    if not is_ascii_number(digits) or len(digits) > 19:
        raise ValidationError(f"{label} must be a whole number", code="invalid")
    number = int(text)
    if not minimum <= number <= maximum:
        raise ValidationError(
            f"{label} must be between {minimum:,} and {maximum:,}", code="out_of_range"
        )
    return number


def check_date_range(
    day: datetime.date,
    *,
    label: str,
    earliest: datetime.date = DEADLINE_FIRST,
    latest: datetime.date = LAST,
) -> datetime.date:
    if not earliest <= day <= latest:
        raise ValidationError(
            f"{label} must be between {long_date(earliest)} and {long_date(latest)}",
            code="out_of_range",
        )
    return day


def parse_iso_date(
    raw: str,
    *,
    label: str,
    earliest: datetime.date = DEADLINE_FIRST,
    latest: datetime.date = LAST,
) -> datetime.date:
    """A date written 2024-03-31 (as in a link), within the supported range."""
    text = raw.strip()
    parts = text.split("-")
    if len(parts) != 3 or not all(is_ascii_number(p) for p in parts) or len(parts[0]) != 4:
        raise ValidationError(f"{label} must be a date such as 2024-03-31", code="invalid")
    try:
        day = datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValidationError(f"{label} must be a real date", code="invalid") from None
    return check_date_range(day, label=label, earliest=earliest, latest=latest)


def search_text(raw: str, *, label: str) -> tuple[str, str | None]:
    """A search box's text, stripped, and the error to show beside the box (the text is then
    empty, so nothing is searched for)."""
    try:
        return clean_text(raw, label=label, max_length=500).strip(), None
    except ValidationError as exc:
        return "", exc.messages[0]
