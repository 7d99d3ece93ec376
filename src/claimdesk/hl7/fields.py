"""Values every kind of message reads the same way: the patient's account, names, addresses,
telephone numbers and coded values checked as the practice bundle checks its cells."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from claimdesk.bundle.cells import CellError, parse_postal_code, parse_state
from claimdesk.domain.parties import Address
from claimdesk.hl7.message import Code, Location, Message, ValueProblemError

T = TypeVar("T")

# PID-3 identifier types (HL7 table 0203) that name the patient's record at the practice.
ACCOUNT_TYPES = ("MR", "PI", "PT")


def checked(message: Message, at: Location, parse: Callable[[str], T], what: str) -> T:
    """The value at ``at`` through a practice-bundle cell parser, its reason located."""
    text = message.value(at)
    try:
        return parse(text)
    except CellError as exc:
        raise ValueProblemError(at, f"{what}: {exc}") from None


def patient_account(message: Message) -> str:
    """PID-3: the repetition whose identifier type is a medical record number, else the
    first; the account the practice bundle calls ``account``."""
    pid3 = Location("PID", field=3, component=1)
    if message.count("PID") == 0:
        raise ValueProblemError(
            Location("PID"), "the PID segment is missing", Code.SEGMENT_SEQUENCE
        )
    repetitions = message.repetitions(pid3)
    for repetition in range(1, repetitions + 1):
        kind = message.value(Location("PID", field=3, component=5, repetition=repetition))
        if kind in ACCOUNT_TYPES:
            return message.required(
                Location("PID", field=3, component=1, repetition=repetition), "the patient id"
            )
    return message.required(pid3, "the patient id (PID-3)")


def address(message: Message, segment: str, sequence: int, number: int) -> Address:
    """An XAD: street (line 1), other designation (line 2), city, state, ZIP; the city, state
    and ZIP are required as in the bundle, the street may be missing (a scrub finding)."""

    def at(component: int) -> Location:
        return Location(segment, sequence, number, component)

    return Address(
        line1=message.value(at(1)),
        line2=message.value(at(2)),
        city=message.required(at(3), "the city"),
        state=checked(message, at(4), parse_state, "the state"),
        postal_code=checked(message, at(5), parse_postal_code, "the ZIP code"),
    )


def phone(message: Message, segment: str, sequence: int, number: int) -> str:
    """An XTN's ten digits: the number as written (XTN.1), else area code and local number."""
    written = message.value(Location(segment, sequence, number, 1))
    if not written:
        written = message.value(Location(segment, sequence, number, 6)) + message.value(
            Location(segment, sequence, number, 7)
        )
    digits = "".join(c for c in written if c.isdigit())
    if digits and len(digits) != 10:
        raise ValueProblemError(
            Location(segment, sequence, number),
            f"a telephone number has 10 digits, not {written!r}",
        )
    return digits
