"""One HL7 v2 message as read by python-hl7, with its header checked and every value located.

Locations follow ERR-2 (HL7 v2.5.1 data type ERL): the segment, its occurrence in the message,
the field, the repetition and the component, so an acknowledgment and a work item can point at
the exact value, e.g. ``FT1[2]-25.3``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import hl7

# MSH-2 with the standard separators: component, repetition, escape, subcomponent (HL7 2.1.4).
ENCODING_CHARACTERS = "^~\\&"
# The versions whose ADT, BAR and DFT fields are read as claimdesk reads them (2.3 to 2.8).
VERSIONS = ("2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8")


class Code:
    """HL7 table 0357, message error condition codes (ERR-3)."""

    SEGMENT_SEQUENCE = "100"
    REQUIRED_FIELD_MISSING = "101"
    DATA_TYPE = "102"
    TABLE_VALUE_NOT_FOUND = "103"
    UNSUPPORTED_MESSAGE_TYPE = "200"
    UNSUPPORTED_EVENT = "201"
    UNSUPPORTED_VERSION = "203"
    UNKNOWN_KEY = "204"
    DUPLICATE_KEY = "205"
    INTERNAL_ERROR = "207"


@dataclass(frozen=True, slots=True)
class Location:
    segment: str
    sequence: int = 1  # the segment's occurrence in the message, from 1
    field: int = 0  # 0: the segment as a whole
    component: int = 0  # 0: the field as a whole
    repetition: int = 1

    def __str__(self) -> str:
        where = self.segment if self.sequence == 1 else f"{self.segment}[{self.sequence}]"
        if self.field:
            where += f"-{self.field}"
            if self.repetition > 1:
                where += f"({self.repetition})"
            if self.component:
                where += f".{self.component}"
        return where

    def erl(self) -> str:
        """ERR-2: segment ID ^ sequence ^ field ^ repetition ^ component."""
        parts = [self.segment, str(self.sequence)]
        if self.field:
            parts += [str(self.field), str(self.repetition)]
            if self.component:
                parts.append(str(self.component))
        return "^".join(parts)


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a message, or one value of it, cannot be taken: errors are data."""

    location: Location
    reason: str
    code: str = Code.DATA_TYPE

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


class MessageRefusedError(ValueError):
    """A message claimdesk cannot take at all (MSA-1 AR): no header, wrong separators, a type,
    event or version it does not read."""

    def __init__(self, problem: Problem, header: Header | None = None) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.header = header


class ValueProblemError(ValueError):
    """Raised while reading one value; the reader turns it into a located :class:`Problem`."""

    def __init__(self, location: Location, reason: str, code: str = Code.DATA_TYPE) -> None:
        super().__init__(f"{location}: {reason}")
        self.problem = Problem(location, reason, code)


@dataclass(frozen=True, slots=True)
class Header:
    """What MSH says about a message: who sent it, its control id and what it is."""

    sending_application: str  # MSH-3
    sender: str  # MSH-4, the sending facility: the mapping's key
    receiving_application: str  # MSH-5
    receiving_facility: str  # MSH-6
    control_id: str  # MSH-10
    message_type: str  # MSH-9.1: ADT, BAR, DFT
    event: str  # MSH-9.2: A04, P03
    processing_id: str  # MSH-11
    version: str  # MSH-12

    @property
    def kind(self) -> str:
        return f"{self.message_type}^{self.event}"


class Message:
    """A parsed message; values are read by location, unescaped, never raising for absence."""

    def __init__(self, text: str) -> None:
        segments = [s for s in text.replace("\r\n", "\r").replace("\n", "\r").split("\r") if s]
        if not segments or not segments[0].startswith("MSH"):
            raise MessageRefusedError(
                Problem(
                    Location("MSH"), "the message does not begin with MSH", Code.SEGMENT_SEQUENCE
                )
            )
        if segments[0][4:8] != ENCODING_CHARACTERS:
            raise MessageRefusedError(
                Problem(
                    Location("MSH", field=2),
                    f"the separators are {segments[0][3:8]}; claimdesk reads "
                    f"|{ENCODING_CHARACTERS}",
                    Code.DATA_TYPE,
                ),
                _plain_header(segments[0]),
            )
        try:
            self._parsed = hl7.parse("\r".join(segments))
        except (hl7.ParseException, IndexError, ValueError) as exc:
            raise MessageRefusedError(
                Problem(Location("MSH"), f"not an HL7 v2 message: {exc}", Code.DATA_TYPE)
            ) from exc
        self.text = "\r".join(segments)
        # What a resend must repeat: the message without its MSH-7 time, which an interface
        # engine may stamp anew when it sends the same message again.
        msh = segments[0].split("|")
        if len(msh) > 6:
            msh[6] = ""
        self.content = "\r".join(["|".join(msh), *segments[1:]])
        self._by_name: dict[str, list[hl7.Segment]] = {}
        for segment in self._parsed:
            self._by_name.setdefault(str(segment[0]), []).append(segment)
        self.header = self._header()

    def _header(self) -> Header:
        return Header(
            sending_application=self.value(Location("MSH", field=3, component=1)),
            sender=self.value(Location("MSH", field=4, component=1)),
            receiving_application=self.value(Location("MSH", field=5, component=1)),
            receiving_facility=self.value(Location("MSH", field=6, component=1)),
            control_id=self.value(Location("MSH", field=10)),
            message_type=self.value(Location("MSH", field=9, component=1)),
            event=self.value(Location("MSH", field=9, component=2)),
            processing_id=self.value(Location("MSH", field=11, component=1)),
            version=self.value(Location("MSH", field=12, component=1)),
        )

    def count(self, segment: str) -> int:
        return len(self._by_name.get(segment, ()))

    def names(self) -> list[str]:
        return [str(segment[0]) for segment in self._parsed]

    def value(self, at: Location) -> str:
        """The text at ``at`` (component 1 when ``at`` names a whole field), or ``""``."""
        try:
            found = self._parsed.extract_field(
                at.segment, at.sequence, at.field, at.repetition, at.component or 1, 1
            )
        except (IndexError, KeyError):
            return ""
        return str(found).strip()

    def repetitions(self, at: Location) -> int:
        """How many repetitions the field at ``at`` holds (0 when empty or absent)."""
        segments = self._by_name.get(at.segment, [])
        if at.sequence > len(segments) or at.field >= len(segments[at.sequence - 1]):
            return 0
        field = segments[at.sequence - 1][at.field]
        if isinstance(field, hl7.Field) and field and isinstance(field[0], hl7.Repetition):
            return len(field)
        return 1 if str(field).strip() else 0

    def required(self, at: Location, what: str) -> str:
        text = self.value(at)
        if not text:
            raise ValueProblemError(at, f"{what} is missing", Code.REQUIRED_FIELD_MISSING)
        return text

    def date(self, at: Location, what: str) -> dt.date:
        """A required DT, or the date of a DTM/TS: YYYYMMDD, then anything finer."""
        found = self.optional_date(at, what)
        if found is None:
            raise ValueProblemError(at, f"{what} is missing", Code.REQUIRED_FIELD_MISSING)
        return found

    def optional_date(self, at: Location, what: str) -> dt.date | None:
        text = self.value(at)
        if not text:
            return None
        digits = text[:8]
        if len(digits) < 8 or not digits.isdigit():
            raise ValueProblemError(at, f"{what} {text!r} is not a date (YYYYMMDD)")
        try:
            return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        except ValueError:
            raise ValueProblemError(at, f"{what} {text!r}: no such date") from None

    def number(self, at: Location, what: str) -> Decimal | None:
        text = self.value(at)
        if not text:
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValueProblemError(at, f"{what} {text!r} is not a number") from None


def _plain_header(msh: str) -> Header:
    """MSH read by its field separator alone (its other separators are not the standard's), so
    the refusal still names the sender and the control id the EHR matches it by."""
    fields = msh.split(msh[3:4] or "|")

    def field(number: int) -> str:
        # MSH-1 is the separator itself: MSH-n is the n-1th item after the segment name.
        return fields[number - 1].strip() if len(fields) > number - 1 else ""

    return Header(
        sending_application=field(3),
        sender=field(4),
        receiving_application=field(5),
        receiving_facility=field(6),
        control_id=field(10),
        message_type="",
        event="",
        processing_id=field(11),
        version=field(12),
    )


def read_header(text: str) -> Message:
    """The message, refused (AR) unless claimdesk reads its version and separators."""
    message = Message(text)
    header = message.header
    if not header.control_id:
        raise MessageRefusedError(
            Problem(
                Location("MSH", field=10),
                "the message control id is missing",
                Code.REQUIRED_FIELD_MISSING,
            ),
            header,
        )
    if header.version not in VERSIONS:
        raise MessageRefusedError(
            Problem(
                Location("MSH", field=12),
                f"version {header.version!r} is not one claimdesk reads ({', '.join(VERSIONS)})",
                Code.UNSUPPORTED_VERSION,
            ),
            header,
        )
    return message
