"""Checks on the identifiers that follow a child between agencies."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# The 23 letters a UPN check letter can be (no I, O or S).
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ](\d[A-HJKPSTUW0-9]?|[A-HK-Y]\d[ABEHMNPRV-Y0-9]?) ?\d[ABD-HJLNP-UW-Z]{2})$"
)


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def nhs_number_is_valid(value: str) -> bool:
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def validate_nhs_number(value: str) -> None:
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError("Enter an NHS number of 10 digits, like 943 476 5919")
    if not nhs_number_is_valid(digits):
        raise ValidationError(
            "This is not a valid NHS number: check the digits (the last one is a check digit)"
        )


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters that follow it."""
    total = 0
    for position, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else UPN_LETTERS.index(char)
        total += value * position
    return UPN_LETTERS[total % 23]


def normalise_upn(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def validate_upn(value: str) -> None:
    upn = normalise_upn(value)
    if not _UPN_SHAPE.match(upn) or (not upn[12].isdigit() and upn[12] not in UPN_LETTERS):
        raise ValidationError(
            "Enter a UPN of 13 characters: a check letter, 11 digits, then a digit or letter"
        )
    if upn[0] != upn_check_letter(upn[1:]):
        raise ValidationError("This is not a valid UPN: its check letter does not match")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s", "", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_is_valid(value: str) -> bool:
    return bool(_POSTCODE.match(normalise_postcode(value)))


def validate_postcode(value: str) -> None:
    if not postcode_is_valid(value):
        raise ValidationError("Enter a real UK postcode, like SO23 8UJ")
