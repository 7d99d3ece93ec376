"""Element conversions shared by the transaction readers, each reporting bad values as findings.

A reader keeps one :class:`ElementReader` per transaction set; every conversion that fails adds a
finding with the segment, loop and element it came from and returns ``None``, so a reader never
raises on bad data.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import TypeVar

from claimdesk.domain.money import Money, MoneyError
from claimdesk.edi.x12.codes import ElementSyntaxError, SegmentSyntaxError
from claimdesk.edi.x12.envelope import MAX_NUMERIC_LENGTH, TransactionSet, parse_date
from claimdesk.edi.x12.errors import Location, Severity, X12ErrorCode, X12Finding
from claimdesk.edi.x12.tokenizer import Segment

E = TypeVar("E", bound=Enum)

# X12 numeric (R/N) text: ASCII digits, one optional sign and decimal point, no exponent.
_NUMERIC_CHARS = "0123456789.-"


@cache
def _members(enum_type: type[Enum]) -> dict[str, Enum]:
    return {str(member.value): member for member in enum_type}


class ElementReader:
    """Converts elements of one transaction set and collects the findings."""

    def __init__(self, transaction: TransactionSet) -> None:
        self.transaction = transaction
        self.findings: list[X12Finding] = []
        self.loop: str | None = None
        self.component = transaction.delimiters.component
        # Amounts repeat a lot in a remittance (0, copays, fee schedule prices) and Money is
        # immutable, so each distinct text is converted once.
        self._amounts: dict[str, Money] = {}

    def location(
        self, segment: Segment, element: int | None = None, component: int | None = None
    ) -> Location:
        return Location(
            segment.position,
            segment.id,
            self.loop,
            element,
            component,
            self.transaction.interchange_index,
        )

    def report(
        self,
        rule: str,
        message: str,
        segment: Segment,
        code: X12ErrorCode | None,
        element: int | None = None,
        severity: Severity = Severity.ERROR,
        component: int | None = None,
    ) -> None:
        self.findings.append(
            X12Finding(rule, message, self.location(segment, element, component), code, severity)
        )

    def _missing(self, segment: Segment, index: int) -> None:
        self.report(
            "element.required",
            f"{segment.id}{index:02d} is required",
            segment,
            ElementSyntaxError.REQUIRED_ELEMENT_MISSING,
            index,
        )

    def text(self, segment: Segment, index: int, required: bool = False) -> str:
        value = segment.get(index)
        if required and not value:
            self._missing(segment, index)
        return value

    def components(self, segment: Segment, index: int) -> list[str]:
        return segment.get(index).split(self.component)

    def decimal(self, segment: Segment, index: int, required: bool = False) -> Decimal | None:
        return _to_decimal(self, segment, index, segment.get(index), required)

    def money(self, segment: Segment, index: int, required: bool = False) -> Money | None:
        value = segment.get(index)
        known = self._amounts.get(value)
        if known is not None:
            return known
        number = _to_decimal(self, segment, index, value, required)
        if number is None:
            return None
        try:
            amount = self._amounts[value] = Money(number)
        except MoneyError:
            self.report(
                "element.amount",
                f"{segment.id}{index:02d} {value[:20]!r} is not an amount in whole cents",
                segment,
                ElementSyntaxError.INVALID_CHARACTER,
                index,
            )
            return None
        return amount

    def date(self, segment: Segment, index: int, required: bool = False) -> date | None:
        value = segment.get(index)
        if not value:
            if required:
                self._missing(segment, index)
            return None
        parsed = parse_date(value) if len(value) == 8 else None
        if parsed is None:
            self.report(
                "element.date",
                f"{segment.id}{index:02d} {value[:20]!r} is not a CCYYMMDD date",
                segment,
                ElementSyntaxError.INVALID_DATE,
                index,
            )
        return parsed

    def code(
        self, segment: Segment, index: int, enum_type: type[E], required: bool = False
    ) -> E | None:
        value = segment.get(index)
        if not value:
            if required:
                self._missing(segment, index)
            return None
        member = _members(enum_type).get(value)
        if member is None:
            self.report(
                "element.code",
                f"{segment.id}{index:02d} {value[:20]!r} is not a valid {enum_type.__name__} code",
                segment,
                ElementSyntaxError.INVALID_CODE_VALUE,
                index,
            )
            return None
        return member  # type: ignore[return-value]

    def unexpected(self, segment: Segment, known: bool) -> None:
        """A segment this transaction does not allow here (or at all, when not ``known``)."""
        if known:
            self.report(
                "segment.unexpected",
                f"segment {segment.id} is not expected here",
                segment,
                SegmentSyntaxError.UNEXPECTED_SEGMENT,
            )
        else:
            self.report(
                "segment.unknown",
                f"segment {segment.id[:3]} is not part of this transaction set",
                segment,
                SegmentSyntaxError.NOT_IN_TRANSACTION_SET,
            )


def _to_decimal(
    reader: ElementReader, segment: Segment, index: int, value: str, required: bool
) -> Decimal | None:
    if not value:
        if required:
            reader._missing(segment, index)
        return None
    digits = len(value) - value.count(".") - value.count("-")
    if digits > MAX_NUMERIC_LENGTH:
        # X12.6: the sign and the decimal point do not count toward an element's length.
        reader.report(
            "element.number_too_long",
            f"{segment.id}{index:02d} has {digits} digits, more than the "
            f"{MAX_NUMERIC_LENGTH} any X12 number may have",
            segment,
            ElementSyntaxError.TOO_LONG,
            index,
        )
        return None
    if value.strip(_NUMERIC_CHARS) == "" and value.count(".") <= 1 and "-" not in value[1:]:
        try:
            return Decimal(value)
        except InvalidOperation:
            pass
    reader.report(
        "element.number",
        f"{segment.id}{index:02d} {value[:20]!r} is not a number",
        segment,
        ElementSyntaxError.INVALID_CHARACTER,
        index,
    )
    return None
