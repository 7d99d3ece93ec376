"""Parsers for one bundle cell each: the text in, a domain value out, or a CellError saying why.

Only the *shape* of a value is checked here. Clinical validity (an ICD-10-CM code that does not
exist, an NPI whose check digit is wrong) is left to scrubbing, which must see those defects.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TypeVar

from claimdesk.bundle.layout import LIST_SEPARATOR
from claimdesk.domain.coverage import NetworkTier, Priority, Relationship
from claimdesk.domain.encounters import MAX_DIAGNOSES, MAX_MODIFIERS, MAX_POINTERS
from claimdesk.domain.filing import FilingLimit
from claimdesk.domain.money import Money, MoneyError, parse_dollars
from claimdesk.domain.parties import Sex
from claimdesk.domain.patterns import PatternError, check_pattern
from claimdesk.domain.payers import CobMethod, PayerKind
from claimdesk.domain.providers import ProviderKind


class CellError(ValueError):
    """A cell whose text is not a value of the column's type; the message is the reason."""


E = TypeVar("E", bound=Enum)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DECIMAL_LIKE = re.compile(r"-?\d*\.?\d+", re.ASCII)
_DIGITS = re.compile(r"\d+", re.ASCII)
_NPI = re.compile(r"\d{10}", re.ASCII)
_TAX_ID = re.compile(r"\d{9}", re.ASCII)
_TAXONOMY = re.compile(r"[0-9]{3}[0-9A-Z]{6}X", re.ASCII)
# CPT (five digits, or four digits and F/T/U for categories II and III) and HCPCS Level II (a
# letter and four digits) share one five-character shape.
_PROCEDURE = re.compile(r"[0-9A-Z]{5}", re.ASCII)
_MODIFIER = re.compile(r"[0-9A-Z]{2}", re.ASCII)
# ICD-10-CM: a letter, a digit, a letter or digit, then up to four more after an optional dot.
_ICD10CM = re.compile(r"[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?", re.ASCII)
_PLACE_OF_SERVICE = re.compile(r"\d{2}", re.ASCII)
_STATE = re.compile(r"[A-Z]{2}", re.ASCII)
_POSTAL = re.compile(r"\d{5}(-?\d{4})?", re.ASCII)

SEX_VALUES = {sex.value: sex for sex in Sex}
PAYER_KIND_VALUES = {kind.value: kind for kind in PayerKind}
COB_METHOD_VALUES = {method.value: method for method in CobMethod}
PROVIDER_KIND_VALUES = {
    "individual": ProviderKind.INDIVIDUAL,
    "organization": ProviderKind.ORGANIZATION,
}
PRIORITY_VALUES = {str(int(p)): p for p in Priority}
RELATIONSHIP_VALUES = {
    "self": Relationship.SELF,
    "spouse": Relationship.SPOUSE,
    "child": Relationship.CHILD,
    "other": Relationship.OTHER,
}
NETWORK_TIER_VALUES = {str(int(t)): t for t in NetworkTier}


def parse_date(text: str) -> date:
    if not _DATE.fullmatch(text):
        raise CellError(f"not a date {text!r}: expected YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CellError(f"no such date {text!r}") from exc


def parse_money(text: str) -> Money:
    """A non-negative amount in dollars with at most two decimals, e.g. ``125.00``."""
    try:
        return parse_dollars(text)
    except MoneyError as exc:
        raise CellError(str(exc)) from exc


def parse_positive_int(text: str) -> int:
    if not _DIGITS.fullmatch(text) or int(text) == 0:
        raise CellError(f"not a positive whole number: {text!r}")
    return int(text)


def parse_filing_limit(text: str) -> FilingLimit:
    """A timely filing limit as the payer states it: ``90 days``, ``12 months``, ``1 year``."""
    try:
        return FilingLimit.parse(text)
    except ValueError as exc:
        raise CellError(str(exc)) from None


def parse_units(text: str) -> Decimal:
    """Service units: a positive number, whole or with a fraction (anesthesia minutes, doses)."""
    if not _DECIMAL_LIKE.fullmatch(text):
        raise CellError(f"not a number of units: {text!r}")
    try:
        units = Decimal(text)
    except InvalidOperation as exc:
        raise CellError(f"not a number of units: {text!r}") from exc
    if units <= 0:
        raise CellError(f"units must be positive, not {text!r}")
    return units


def parse_pattern(text: str) -> str:
    """A regular expression that a payer's member ids match in full, one claimdesk runs in
    linear time (:mod:`claimdesk.domain.patterns`)."""
    try:
        return check_pattern(text)
    except PatternError as exc:
        raise CellError(f"regular expression refused: {exc}") from None


def parse_choice(text: str, choices: dict[str, E]) -> E:
    try:
        return choices[text]
    except KeyError:
        raise CellError(f"{text!r} is not one of: {', '.join(choices)}") from None


def parse_npi(text: str) -> str:
    """Ten digits; the check digit is a scrub finding, not a reason to refuse the bundle."""
    if not _NPI.fullmatch(text):
        raise CellError(f"an NPI has 10 digits, not {text!r}")
    return text


def parse_tax_id(text: str) -> str:
    """An EIN or SSN as nine digits; a dash after the EIN prefix (12-3456789) is accepted."""
    digits = text.replace("-", "")
    if not _TAX_ID.fullmatch(digits):
        raise CellError(f"a tax id has 9 digits, not {text!r}")
    return digits


def parse_taxonomy(text: str) -> str:
    if not _TAXONOMY.fullmatch(text):
        raise CellError(f"not a NUCC taxonomy code (e.g. 207Q00000X): {text!r}")
    return text


def parse_procedure_code(text: str) -> str:
    if not _PROCEDURE.fullmatch(text):
        raise CellError(f"not a CPT/HCPCS code (5 letters or digits): {text!r}")
    return text


_NDC_PARTS = (5, 4, 2)  # labeler, product, package: the 11-digit billing form


def parse_ndc(text: str) -> str:
    """An NDC as billed (LIN03, N4): 11 digits, hyphenated 5-4-2 or not, or the 10-digit
    package code in its three hyphenated parts (4-4-2, 5-3-2 or 5-4-1), zero-padded to 5-4-2."""
    if _DIGITS.fullmatch(text) and len(text) == sum(_NDC_PARTS):
        return text
    parts = text.split("-")
    fits = len(parts) == len(_NDC_PARTS) and all(
        _DIGITS.fullmatch(part) and len(part) <= width
        for part, width in zip(parts, _NDC_PARTS, strict=True)
    )
    if not fits or sum(len(part) for part in parts) < sum(_NDC_PARTS) - 1:
        raise CellError(f"not an NDC (11 digits, or 10 in three hyphenated parts): {text!r}")
    return "".join(part.rjust(width, "0") for part, width in zip(parts, _NDC_PARTS, strict=True))


def parse_modifier(text: str) -> str:
    if not _MODIFIER.fullmatch(text):
        raise CellError(f"not a modifier (2 letters or digits): {text!r}")
    return text


def parse_modifiers(text: str) -> tuple[str, ...]:
    """``25:59``: up to four modifiers (SV101-3 .. SV101-6); empty means none."""
    if not text:
        return ()
    modifiers = tuple(parse_modifier(part) for part in text.split(LIST_SEPARATOR))
    if len(modifiers) > MAX_MODIFIERS:
        raise CellError(f"at most {MAX_MODIFIERS} modifiers, got {len(modifiers)}")
    return modifiers


def parse_pointers(text: str) -> tuple[int, ...]:
    """``1:2``: one to four diagnosis pointers (SV107), each 1 to 12."""
    parts = text.split(LIST_SEPARATOR)
    if len(parts) > MAX_POINTERS:
        raise CellError(f"at most {MAX_POINTERS} diagnosis pointers, got {len(parts)}")
    pointers: list[int] = []
    for part in parts:
        if not _DIGITS.fullmatch(part) or not 1 <= int(part) <= MAX_DIAGNOSES:
            raise CellError(f"a diagnosis pointer is a number from 1 to {MAX_DIAGNOSES}: {part!r}")
        pointers.append(int(part))
    if len(set(pointers)) != len(pointers):
        raise CellError(f"a diagnosis pointer is repeated: {text!r}")
    return tuple(pointers)


def parse_diagnosis_code(text: str) -> str:
    """ICD-10-CM in the shape X12 sends it (HI segment): upper case, without the dot."""
    code = text.upper()
    if not _ICD10CM.fullmatch(code):
        raise CellError(f"not shaped like an ICD-10-CM code (e.g. E11.9): {text!r}")
    return code.replace(".", "")


def parse_place_of_service(text: str) -> str:
    if not _PLACE_OF_SERVICE.fullmatch(text):
        raise CellError(f"a place of service code has 2 digits, not {text!r}")
    return text


def parse_state(text: str) -> str:
    if not _STATE.fullmatch(text):
        raise CellError(f"a state is a 2-letter upper-case code, not {text!r}")
    return text


def parse_postal_code(text: str) -> str:
    """A ZIP code of 5 or 9 digits (ZIP+4); the dash of ``12345-6789`` is dropped."""
    if not _POSTAL.fullmatch(text):
        raise CellError(f"a ZIP code has 5 or 9 digits, not {text!r}")
    return text.replace("-", "")
