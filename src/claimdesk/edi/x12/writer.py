"""Writing X12 5010: element content, segments, and the ISA/GS/ST envelopes around them.

Every transaction writer builds its segments as plain strings in a list and the envelope joins
them once, so writing is linear in the size of the output.

Element content follows two rules:

* free text (names, addresses) is upper-cased, folded to printable ASCII, stripped of the
  delimiter characters, has its white space collapsed and is cut to the element's maximum length;
* identifiers and codes are never altered: one that is missing, too long, or contains a character
  that cannot be sent is refused with :class:`X12WriteError`, which names the record (for claims,
  the claim id), the field and the reason.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address
from claimdesk.edi.x12.delimiters import DEFAULT_DELIMITERS, Delimiters

ISA_VERSION = "00501"  # ISA12 interchange control version number for 5010
MAX_CONTROL_NUMBER = 999_999_999  # ISA13 / GS06 / ST02 are at most nine digits


class X12WriteError(ValueError):
    """Data that cannot be written as valid X12.

    ``record`` names what was being written (e.g. ``claim C-1001``), ``field`` the element or
    domain field (e.g. ``HI diagnosis 13``) and ``reason`` what is wrong with it.
    """

    def __init__(self, record: str, field: str, reason: str) -> None:
        super().__init__(f"{record}: {field}: {reason}")
        self.record = record
        self.field = field
        self.reason = reason


def money(amount: Money) -> str:
    """An R (decimal) element: no trailing zeros after the point, no point for whole dollars."""
    cents = amount.cents
    if cents % 100 == 0:
        return str(cents // 100)
    return f"{amount.amount:.2f}".rstrip("0")


def decimal(value: Decimal) -> str:
    """An R element from a Decimal quantity (units), never in exponent notation."""
    return format(value.normalize(), "f")


def date8(day: date) -> str:
    """CCYYMMDD (D8)."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def date_range(first: date, last: date) -> str:
    """CCYYMMDD-CCYYMMDD (RD8)."""
    return f"{date8(first)}-{date8(last)}"


def time4(moment: datetime) -> str:
    """HHMM."""
    return f"{moment.hour:02d}{moment.minute:02d}"


def _fold_to_ascii(value: str) -> str:
    # Accented letters lose their accent (NFKD then drop the combining marks); anything else
    # outside printable ASCII becomes a space so words stay apart.
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(
        c if " " <= c <= "~" else " " for c in decomposed if not unicodedata.combining(c)
    )


class SegmentWriter:
    """Collects the segments of one transaction set and cleans the content that goes in them."""

    __slots__ = ("_component", "_element", "_forbidden", "_table", "delimiters", "segments")

    def __init__(self, delimiters: Delimiters = DEFAULT_DELIMITERS) -> None:
        self.delimiters = delimiters
        self.segments: list[str] = []
        self._element = delimiters.element
        self._component = delimiters.component
        self._forbidden = frozenset(
            (delimiters.element, delimiters.component, delimiters.repetition, delimiters.segment)
        )
        self._table = str.maketrans(dict.fromkeys("".join(self._forbidden), " "))

    def add(self, *elements: str) -> None:
        """Append one segment; trailing empty elements are dropped as X12 requires."""
        end = len(elements)
        while end > 1 and not elements[end - 1]:
            end -= 1
        self.segments.append(self._element.join(elements[:end]))

    def composite(self, *parts: str) -> str:
        """A composite element; trailing empty components are dropped."""
        end = len(parts)
        while end > 1 and not parts[end - 1]:
            end -= 1
        return self._component.join(parts[:end])

    def text(self, value: str, max_len: int) -> str:
        """Free text: upper case, printable ASCII, no delimiters, collapsed spaces, cut to fit."""
        if not (value.isascii() and value.isprintable()):
            value = _fold_to_ascii(value)
        cleaned = " ".join(value.upper().translate(self._table).split())
        if len(cleaned) > max_len:
            cleaned = cleaned[:max_len].rstrip()
        return cleaned

    def required_text(self, value: str, max_len: int, record: str, field: str) -> str:
        """Free text that must not end up empty."""
        cleaned = self.text(value, max_len)
        if not cleaned:
            raise X12WriteError(record, field, "is required but empty")
        return cleaned

    def identifier(
        self, value: str, max_len: int, record: str, field: str, min_len: int = 1
    ) -> str:
        """An identifier or code, sent exactly as given (upper-cased) or refused."""
        cleaned = value.strip().upper()
        if (
            min_len <= len(cleaned) <= max_len
            and cleaned.isascii()
            and cleaned.isprintable()
            and self._forbidden.isdisjoint(cleaned)
        ):
            return cleaned
        if not cleaned:
            raise X12WriteError(record, field, "is required but missing")
        if not (cleaned.isascii() and cleaned.isprintable()):
            raise X12WriteError(record, field, f"{value!r} has characters X12 cannot carry")
        if not self._forbidden.isdisjoint(cleaned):
            raise X12WriteError(record, field, f"{value!r} contains an X12 delimiter")
        raise X12WriteError(
            record, field, f"{value!r} must be {min_len} to {max_len} characters long"
        )

    def address(self, address: Address, record: str, who: str, *, zip9: bool = False) -> None:
        """N3 and N4 for a US address; ``zip9`` where the guide demands the nine-digit ZIP."""
        self.add(
            "N3",
            self.required_text(address.line1, 55, record, f"{who} N301 address"),
            self.text(address.line2, 55),
        )
        self.add(
            "N4",
            self.required_text(address.city, 30, record, f"{who} N401 city"),
            state_code(address.state, record, f"{who} N402 state"),
            postal_code(address.postal_code, record, f"{who} N403 ZIP code", zip9=zip9),
        )


def state_code(value: str, record: str, field: str) -> str:
    state = value.strip().upper()
    if len(state) != 2 or not state.isascii() or not state.isalpha():
        raise X12WriteError(record, field, f"{value!r} is not a two-letter state code")
    return state


def postal_code(value: str, record: str, field: str, *, zip9: bool = False) -> str:
    digits = value.strip().replace("-", "")
    allowed = (9,) if zip9 else (5, 9)
    if not digits.isascii() or not digits.isdigit() or len(digits) not in allowed:
        expected = "nine digits (ZIP+4)" if zip9 else "five or nine digits"
        raise X12WriteError(record, field, f"{value!r} is not {expected}")
    return digits


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who sends to whom and the control numbers, supplied by the caller (they must be unique
    per trading partner, which only the caller's store can guarantee)."""

    sender_id: str  # ISA06
    receiver_id: str  # ISA08
    interchange_control_number: int  # ISA13 and IEA02
    group_control_number: int  # GS06 and GE02
    created: datetime  # ISA09/ISA10, GS04/GS05, BHT04/BHT05
    sender_qualifier: str = "ZZ"  # ISA05
    receiver_qualifier: str = "ZZ"  # ISA07
    application_sender: str = ""  # GS02; ISA06 when empty
    application_receiver: str = ""  # GS03; ISA08 when empty
    production: bool = False  # ISA15: P or T
    acknowledgment_requested: bool = False  # ISA14: ask for a TA1
    first_transaction_number: int = 1  # ST02 of the first transaction set, then +1 each


@dataclass(frozen=True, slots=True)
class TransactionSet:
    """The segments between ST and SE of one transaction set."""

    segments: list[str]


def _control_number(value: int, field: str) -> int:
    if not 1 <= value <= MAX_CONTROL_NUMBER:
        raise X12WriteError("envelope", field, f"{value} is not 1 to {MAX_CONTROL_NUMBER}")
    return value


def _fixed(value: str, width: int, field: str) -> str:
    cleaned = value.strip().upper()
    if not cleaned or len(cleaned) > width or not (cleaned.isascii() and cleaned.isprintable()):
        raise X12WriteError("envelope", field, f"{value!r} must be 1 to {width} ASCII characters")
    return cleaned.ljust(width)


def write_interchange(
    envelope: Envelope,
    *,
    functional_id: str,
    transaction_set_id: str,
    version: str,
    transactions: Sequence[TransactionSet],
    delimiters: Delimiters = DEFAULT_DELIMITERS,
    line_breaks: bool = False,
    version_in_st: bool = True,
) -> str:
    """One interchange (ISA..IEA) holding one functional group (GS..GE) of transaction sets.

    ``functional_id`` is GS01 (``HC`` for 837, ``HS`` for 270, ``HR`` for 276), ``version`` the
    implementation guide (GS08 and ST03, e.g. ``005010X222A1``). SE01 counts ST through SE.
    ``version_in_st`` False leaves ST03 out, as the 835 guide (005010X221A1) requires.
    """
    if not transactions:
        raise X12WriteError("envelope", "transactions", "an interchange needs a transaction set")
    icn = _control_number(envelope.interchange_control_number, "ISA13")
    gcn = _control_number(envelope.group_control_number, "GS06")
    last = envelope.first_transaction_number + len(transactions) - 1
    _control_number(envelope.first_transaction_number, "ST02")
    _control_number(last, "ST02")
    for delimiter in (delimiters.element, delimiters.component, delimiters.repetition):
        if len(delimiter) != 1:
            raise X12WriteError("envelope", "delimiters", "each delimiter is one character")
    e = delimiters.element
    created = envelope.created
    isa = e.join(
        (
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            _fixed(envelope.sender_qualifier, 2, "ISA05"),
            _fixed(envelope.sender_id, 15, "ISA06"),
            _fixed(envelope.receiver_qualifier, 2, "ISA07"),
            _fixed(envelope.receiver_id, 15, "ISA08"),
            date8(created)[2:],
            time4(created),
            delimiters.repetition,
            ISA_VERSION,
            f"{icn:09d}",
            "1" if envelope.acknowledgment_requested else "0",
            "P" if envelope.production else "T",
            delimiters.component,
        )
    )
    gs = e.join(
        (
            "GS",
            functional_id,
            _fixed(envelope.application_sender or envelope.sender_id, 15, "GS02").rstrip(),
            _fixed(envelope.application_receiver or envelope.receiver_id, 15, "GS03").rstrip(),
            date8(created),
            time4(created),
            str(gcn),
            "X",
            version,
        )
    )
    out: list[str] = [isa, gs]
    for offset, transaction in enumerate(transactions):
        control = f"{envelope.first_transaction_number + offset:04d}"
        st = (
            ("ST", transaction_set_id, control, version)
            if version_in_st
            else ("ST", transaction_set_id, control)
        )
        out.append(e.join(st))
        out.extend(transaction.segments)
        out.append(e.join(("SE", str(len(transaction.segments) + 2), control)))
    out.append(e.join(("GE", str(len(transactions)), str(gcn))))
    out.append(e.join(("IEA", "1", f"{icn:09d}")))
    terminator = delimiters.segment + ("\n" if line_breaks else "")
    return terminator.join(out) + terminator


def transaction_control_number(envelope: Envelope, index: int) -> str:
    """ST02 of the ``index``-th (0-based) transaction set written under ``envelope``."""
    return f"{envelope.first_transaction_number + index:04d}"
