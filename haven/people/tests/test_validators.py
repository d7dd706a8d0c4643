import pytest
from django.core.exceptions import ValidationError

from haven.people.validators import (
    nhs_number_is_valid,
    normalise_postcode,
    postcode_is_valid,
    upn_check_letter,
    validate_upn,
)


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "401 023 2137"])
def test_valid_nhs_numbers_pass_the_mod_11_check(number: str) -> None:
    assert nhs_number_is_valid(number)


@pytest.mark.parametrize(
    "number", ["9434765918", "1234567890", "943476591", "94347659190", "abcdefghij"]
)
def test_nhs_numbers_with_a_wrong_check_digit_or_shape_are_rejected(number: str) -> None:
    assert not nhs_number_is_valid(number)


def test_upn_check_letter_is_validated() -> None:
    body = "850123456789"
    good = upn_check_letter(body) + body
    validate_upn(good)
    wrong_letter = ("A" if good[0] != "A" else "B") + body
    with pytest.raises(ValidationError, match="check letter"):
        validate_upn(wrong_letter)


def test_temporary_upn_ending_in_a_letter_is_accepted() -> None:
    body = "85012345678A"
    validate_upn(upn_check_letter(body) + body)


@pytest.mark.parametrize(
    "code", ["SO23 8UJ", "so238uj", "EC1A 1BB", "W1A 0AX", "M1 1AE", "GIR 0AA"]
)
def test_real_postcode_shapes_are_valid(code: str) -> None:
    assert postcode_is_valid(code)


@pytest.mark.parametrize("code", ["SO23", "12345", "QQ1 1AA", "SO23 8UJJ", ""])
def test_postcode_shapes_that_cannot_exist_are_rejected(code: str) -> None:
    assert not postcode_is_valid(code)


def test_postcodes_are_normalised_to_upper_case_with_one_space() -> None:
    assert normalise_postcode(" so23  8uj ") == "SO23 8UJ"
