"""What a scanned claim form's data may look like (NUCC 1500 Claim Form Reference Instruction
Manual, 02/12): capitals only; names with commas between last, first and middle initial and no
periods; addresses without punctuation or symbols; a nine-digit ZIP code with its hyphen; phone
numbers without separators; dates as digits in the box's month, day and year spaces; money
without the dollar sign or commas, its cents in their own space.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from claimdesk.domain.money import Money

_NOT_NAME = re.compile(r"[^A-Z0-9 -]")
_NOT_ADDRESS = re.compile(r"[^A-Z0-9 ]")
_SPACES = re.compile(r" {2,}")


def capitals(text: str) -> str:
    """Upper-case ASCII: accents dropped (É -> E), anything else without an ASCII form removed,
    since the scanner reads the 10-pitch Latin capitals only."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii").upper()


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def name_part(text: str) -> str:
    """One part of a name: letters, digits, spaces and hyphens (hyphenated names keep theirs;
    periods, apostrophes and commas go)."""
    return _collapse(_NOT_NAME.sub("", capitals(text)))


def last_first_middle(last: str, first: str, middle: str = "") -> str:
    """Items 2, 4 and 9: last name, first name, middle initial, separated by commas."""
    parts = [name_part(last), name_part(first)]
    initial = name_part(middle)[:1]
    if initial:
        parts.append(initial)
    return ", ".join(p for p in parts if p)


def first_middle_last(first: str, last: str, middle: str = "") -> str:
    """Items 17 and 33 for a person: first name, middle initial, last name, no commas."""
    return " ".join(p for p in (name_part(first), name_part(middle)[:1], name_part(last)) if p)


def address(text: str) -> str:
    """An address line with no punctuation or symbols (123 N MAIN ST 101, not 123 N. Main St.,
    #101): each mark becomes a space."""
    return _collapse(_NOT_ADDRESS.sub(" ", capitals(text)))


def zip_code(text: str) -> str:
    """Five digits, or nine with the hyphen after the fifth."""
    digits = "".join(c for c in text if c.isascii() and c.isdigit())
    return f"{digits[:5]}-{digits[5:]}" if len(digits) == 9 else digits


def city_state_zip(city: str, state: str, postal_code: str) -> str:
    """One line: the town, state code and ZIP code separated by spaces (SAN DIEGO CA 92108)."""
    return " ".join(p for p in (address(city), address(state), zip_code(postal_code)) if p)


def phone_parts(text: str) -> tuple[str, str]:
    """(area code, number) of a ten-digit phone number; ("", "") when it is not one."""
    digits = "".join(c for c in text if c.isascii() and c.isdigit())
    if len(digits) != 10:
        return "", ""
    return digits[:3], digits[3:]


def date_parts(day: date, *, century: bool) -> tuple[str, str, str]:
    """(MM, DD, YY) or, where the box has four year spaces, (MM, DD, CCYY)."""
    year = f"{day.year:04d}" if century else f"{day.year % 100:02d}"
    return f"{day.month:02d}", f"{day.day:02d}", year


def six_digit_date(day: date) -> str:
    """MMDDYY, for a box with no month, day and year spaces of its own."""
    return "".join(date_parts(day, century=False))


def money_parts(amount: Money) -> tuple[str, str]:
    """(dollars, cents): no dollar sign, no commas; 00 cents for whole dollars."""
    cents = amount.cents
    return str(cents // 100), f"{cents % 100:02d}"
