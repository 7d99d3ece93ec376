"""Cell parsers: shape checks only, with reasons a user can act on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from claimdesk.bundle.cells import (
    CellError,
    parse_date,
    parse_diagnosis_code,
    parse_modifiers,
    parse_money,
    parse_npi,
    parse_pattern,
    parse_pointers,
    parse_postal_code,
    parse_procedure_code,
    parse_units,
)
from claimdesk.domain.money import Money


def test_dates_are_iso_calendar_dates_only() -> None:
    assert parse_date("2026-02-28") == date(2026, 2, 28)
    # Python 3.11 would take the basic format too; a bundle date has one spelling.
    for text in ("20260228", "2026-02-30", "02/28/2026", "2026-2-28"):
        with pytest.raises(CellError):
            parse_date(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12.345", "more than 2 decimals"),
        ("0.001", "more than 2 decimals"),
        ("-5.00", "negative"),
        ("1e3", "not an amount"),
        ("$12.00", "not an amount"),
        ("12,50", "not an amount"),
        ("12.", "not an amount"),
        ("NaN", "not an amount"),
    ],
)
def test_money_refuses_float_like_garbage(text: str, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        parse_money(text)


def test_money_accepts_whole_and_cent_amounts() -> None:
    assert parse_money("125") == Money("125.00")
    assert parse_money("0.5") == Money("0.50")
    assert parse_money("19.99") == Money("19.99")


def test_units_are_positive_numbers() -> None:
    assert parse_units("2") == Decimal(2)
    assert parse_units("1.5") == Decimal("1.5")
    for text in ("0", "-1", "two"):
        with pytest.raises(CellError):
            parse_units(text)


def test_pointers_and_modifiers_are_colon_lists_within_x12_limits() -> None:
    assert parse_pointers("1:2:12") == (1, 2, 12)
    assert parse_modifiers("25:59") == ("25", "59")
    assert parse_modifiers("") == ()
    for text in ("0", "13", "1:2:3:4:5", "1:1", "1,2", ""):
        with pytest.raises(CellError):
            parse_pointers(text)
    for text in ("25:59:RT:LT:76", "2", "25:"):
        with pytest.raises(CellError):
            parse_modifiers(text)


def test_npi_needs_ten_digits_but_not_a_valid_check_digit() -> None:
    assert parse_npi("1234567890") == "1234567890"
    for text in ("123456789", "12345678901", "123456789X"):
        with pytest.raises(CellError):
            parse_npi(text)


def test_diagnosis_codes_need_a_plausible_shape_only() -> None:
    assert parse_diagnosis_code("e11.65") == "E1165"
    # Not in ICD-10-CM, and a category rather than a billable code: both are scrub findings.
    assert parse_diagnosis_code("E11.Z9") == "E11Z9"
    assert parse_diagnosis_code("E11") == "E11"
    for text in ("11.9", "E1", "E11.12345", "E11-9"):
        with pytest.raises(CellError):
            parse_diagnosis_code(text)


def test_codes_zip_and_patterns() -> None:
    assert parse_procedure_code("J1100") == "J1100"
    assert parse_postal_code("43215-1234") == "432151234"
    with pytest.raises(CellError):
        parse_procedure_code("9921")
    with pytest.raises(CellError):
        parse_postal_code("4321")
    with pytest.raises(CellError, match="regular expression"):
        parse_pattern("^[A-Z")
