import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from claimdesk.domain.providers import npi_check_digit, npi_is_valid

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126", "1000000004"])
def test_known_valid_npis(npi: str) -> None:
    # 1234567893 is the example in the CMS NPI check-digit paper.
    assert npi_is_valid(npi)


@pytest.mark.parametrize(
    "npi",
    [
        "1234567890",
        "1234567894",
        "2234567893",
        "123456789",
        "12345678931",
        "",
        "123456789a",
        " 234567893",
        "1234567893 ",
        "-234567893",
        "12345678\uff193",  # full-width 9
        "\u0661234567893"[:10],  # Arabic-Indic 1
        "123456789\u00b2",  # superscript two: isdigit() but not a digit int() reads
    ],
)
def test_invalid_npis(npi: str) -> None:
    assert not npi_is_valid(npi)


def test_check_digit_of_the_cms_example() -> None:
    assert npi_check_digit("123456789") == "3"
    assert npi_check_digit("124531959") == "9"


@pytest.mark.parametrize("first_nine", ["12345678", "1234567890", "12345678a", ""])
def test_check_digit_needs_nine_digits(first_nine: str) -> None:
    with pytest.raises(ValueError, match="not nine digits"):
        npi_check_digit(first_nine)


@given(nine_digits)
def test_exactly_one_check_digit_makes_a_valid_npi(first_nine: str) -> None:
    digit = npi_check_digit(first_nine)
    valid = [d for d in "0123456789" if npi_is_valid(first_nine + d)]
    assert valid == [digit]
    # Independent oracle: the Luhn check over the "80840" prefix (CMS NPI standard).
    assert luhn.is_valid("80840" + first_nine + digit)


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_validity_agrees_with_the_luhn_rule(npi: str) -> None:
    assert npi_is_valid(npi) == luhn.is_valid("80840" + npi)
