"""Rendering and billing providers, facilities, and the NPI check digit."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from claimdesk.domain.parties import Address


def npi_is_valid(npi: str) -> bool:
    """NPI: 10 digits, Luhn check digit over "80840" + the first 9 digits (CMS NPI standard)."""
    # isdigit() alone accepts full-width and superscript digits.
    if len(npi) != 10 or not (npi.isascii() and npi.isdigit()):
        return False
    digits = [int(c) for c in "80840" + npi[:9]]
    checksum = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        checksum += digit
    return (10 - checksum % 10) % 10 == int(npi[9])


def npi_check_digit(first_nine: str) -> str:
    """The check digit that makes ``first_nine`` + digit a valid NPI."""
    for digit in "0123456789":
        if npi_is_valid(first_nine + digit):
            return digit
    raise ValueError(f"not nine digits: {first_nine!r}")


class ProviderKind(StrEnum):
    """NM102 entity type: 1 person, 2 non-person entity."""

    INDIVIDUAL = "1"
    ORGANIZATION = "2"


@dataclass(frozen=True, slots=True)
class Provider:
    npi: str
    kind: ProviderKind
    name: str
    taxonomy: str
    tax_id: str
    first_name: str = ""
    address: Address | None = None


@dataclass(frozen=True, slots=True)
class Facility:
    facility_id: str
    name: str
    place_of_service: str
    address: Address
    npi: str = ""
