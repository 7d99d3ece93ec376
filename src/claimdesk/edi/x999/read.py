"""Read acknowledgments, the 999 implementation acknowledgment (005010X231A1) and the TA1,
into the records of :mod:`claimdesk.edi.x999.model`."""

from __future__ import annotations

from dataclasses import dataclass, field

from claimdesk.edi.x12.codes import (
    AcknowledgmentStatus,
    ElementSyntaxError,
    FunctionalGroupError,
    InterchangeAcknowledgmentCode,
    InterchangeNote,
    SegmentSyntaxError,
    TransactionSetError,
)
from claimdesk.edi.x12.envelope import (
    MAX_NUMERIC_LENGTH,
    Envelopes,
    TransactionSet,
    parse_date,
    read_envelopes,
    whole_number,
)
from claimdesk.edi.x12.errors import Location, Severity, X12Finding
from claimdesk.edi.x12.reading import ElementReader
from claimdesk.edi.x12.tokenizer import Segment, bulk_allocation
from claimdesk.edi.x999.model import (
    Acknowledgment,
    AcknowledgmentFile,
    ElementError,
    ErrorContext,
    InterchangeAck,
    SegmentError,
    TransactionSetAck,
)

_KNOWN = frozenset({"ST", "AK1", "AK2", "IK3", "CTX", "IK4", "IK5", "AK9", "SE"})
# The 997 functional acknowledgment (X12 997, e.g. 005010 and 004010 partners) has the 999's
# shape with AK3/AK4/AK5 where the 999 has IK3/IK4/IK5, and the same element layout.
ACKNOWLEDGMENT_SETS = frozenset({"999", "997"})
_997_IDS = {"AK3": "IK3", "AK4": "IK4", "AK5": "IK5"}


def read_acknowledgments(text: str) -> AcknowledgmentFile:
    """Read every 999, 997 and TA1 in ``text``; raises X12Error only on non-X12 input."""
    with bulk_allocation():
        return acknowledgments_of(read_envelopes(text))


def acknowledgments_of(envelopes: Envelopes) -> AcknowledgmentFile:
    """:func:`read_acknowledgments` of envelopes read already."""
    with bulk_allocation():
        return _acknowledgments(envelopes)


def _acknowledgments(envelopes: Envelopes) -> AcknowledgmentFile:
    findings = list(envelopes.findings)
    acks: list[Acknowledgment] = []
    ta1s: list[InterchangeAck] = []
    for interchange in envelopes.interchanges:
        for segment in interchange.acknowledgments:
            ta1, ta1_findings = _read_ta1(segment, interchange.index)
            ta1s.append(ta1)
            findings.extend(ta1_findings)
        for transaction in interchange.transaction_sets:
            if transaction.transaction_set_id not in ACKNOWLEDGMENT_SETS:
                findings.append(
                    X12Finding(
                        "999.not_999",
                        f"transaction set {transaction.transaction_set_id[:6]!r} is not a 999",
                        transaction.location(transaction.segments[0], element_position=1),
                        TransactionSetError.NOT_SUPPORTED,
                        Severity.WARNING,
                    )
                )
                continue
            ack = read_999_transaction(transaction)
            acks.append(ack)
            findings.extend(ack.findings)
    return AcknowledgmentFile(tuple(acks), tuple(ta1s), tuple(findings), envelopes)


def _read_ta1(segment: Segment, interchange_index: int) -> tuple[InterchangeAck, list[X12Finding]]:
    findings: list[X12Finding] = []
    code = _TA1_CODES.get(segment.get(4))
    note = _TA1_NOTES.get(segment.get(5))
    for element, found in ((4, code), (5, note)):
        if found is None:
            findings.append(
                X12Finding(
                    "ta1.code",
                    f"TA1{element:02d} {segment.get(element)[:10]!r} is not a valid code",
                    Location(segment.position, "TA1", None, element, None, interchange_index),
                    ElementSyntaxError.INVALID_CODE_VALUE,
                )
            )
    ack = InterchangeAck(
        control_number=segment.get(1),
        date=parse_date(segment.get(2)),
        time=segment.get(3),
        code=code,
        note=note,
    )
    return ack, findings


_TA1_CODES = {m.value: m for m in InterchangeAcknowledgmentCode}
_TA1_NOTES = {m.value: m for m in InterchangeNote}


def read_999_transaction(transaction: TransactionSet) -> Acknowledgment:
    return _Reader(transaction).read()


@dataclass
class _SegmentError:
    segment: Segment
    contexts: list[ErrorContext] = field(default_factory=list)
    elements: list[ElementError] = field(default_factory=list)
    element_contexts: list[ErrorContext] = field(default_factory=list)
    last_element: Segment | None = None


@dataclass
class _SetAck:
    segment: Segment
    errors: list[_SegmentError] = field(default_factory=list)


class _Reader:
    def __init__(self, transaction: TransactionSet) -> None:
        self.transaction = transaction
        self.el = ElementReader(transaction)
        self.sets: list[TransactionSetAck] = []

    def read(self) -> Acknowledgment:
        el = self.el
        ak1: Segment | None = None
        ak9: Segment | None = None
        current: _SetAck | None = None
        error: _SegmentError | None = None
        renamed = _997_IDS if self.transaction.transaction_set_id == "997" else {}
        for segment in self.transaction.segments[1:]:
            sid = segment.elements[0]
            if sid == "SE":
                break
            sid = renamed.get(sid, sid)
            if sid == "AK1" and ak1 is None and not self.sets and current is None:
                ak1 = segment
            elif sid == "AK2" and ak1 is not None and ak9 is None:
                self._close(current, None)
                el.loop = "2000"
                current = _SetAck(segment)
                error = None
            elif sid == "IK3" and current is not None:
                self._close_element(error)
                el.loop = "2100"
                error = _SegmentError(segment)
                current.errors.append(error)
            elif sid == "CTX" and error is not None:
                self._add_context(error, segment)
            elif sid == "IK4" and error is not None:
                self._close_element(error)
                error.last_element = segment
            elif sid == "IK5" and current is not None:
                self._close_element(error)
                self._close(current, segment)
                current = error = None
            elif sid == "AK9" and ak1 is not None and ak9 is None:
                if current is not None:
                    self._close(current, None)
                    current = error = None
                el.loop = None
                ak9 = segment
            else:
                el.unexpected(segment, sid in _KNOWN)
        self._close(current, None)
        return self._acknowledgment(ak1, ak9)

    def _add_context(self, error: _SegmentError, ctx: Segment) -> None:
        """A CTX after an IK4 is that element's context, else the IK3 segment's."""
        context = self._context(ctx)
        if error.last_element is not None:
            error.element_contexts.append(context)
        else:
            error.contexts.append(context)

    def _acknowledgment(self, ak1: Segment | None, ak9: Segment | None) -> Acknowledgment:
        el = self.el
        first = self.transaction.segments[0]
        if ak1 is None:
            el.report(
                "999.ak1_missing",
                "the required AK1 functional group response header is missing",
                first,
                SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
            )
        if ak9 is None:
            el.report(
                "999.ak9_missing",
                "the required AK9 functional group response trailer is missing",
                first,
                SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
            )
        status = el.code(ak9, 1, AcknowledgmentStatus, required=True) if ak9 is not None else None
        empty = Segment(["AK9"], first.position)
        trailer = ak9 or empty
        return Acknowledgment(
            functional_id=ak1.get(1) if ak1 else "",
            group_control_number=ak1.get(2) if ak1 else "",
            version=ak1.get(3) if ak1 else "",
            status=status,
            included=self._count(trailer, 2),
            received=self._count(trailer, 3),
            accepted_count=self._count(trailer, 4),
            errors=tuple(
                e
                for i in range(5, 10)
                if (e := el.code(trailer, i, FunctionalGroupError)) is not None
            ),
            transaction_sets=tuple(self.sets),
            control_number=self.transaction.control_number,
            interchange_index=self.transaction.interchange_index,
            findings=tuple(el.findings),
        )

    def _count(self, segment: Segment, index: int) -> int | None:
        value = self.el.decimal(segment, index, required=segment.id == "AK9" and index <= 4)
        if value is None:
            return None
        if value != value.to_integral_value() or value < 0:
            self.el.report(
                "999.count",
                f"{segment.id}{index:02d} must be a whole count",
                segment,
                ElementSyntaxError.INVALID_CHARACTER,
                index,
            )
            return None
        return int(value)

    def _position(self, segment: Segment, index: int, component: int = 0) -> int | None:
        parts = self.el.components(segment, index)
        value = parts[component] if component < len(parts) else ""
        if not value:
            return None
        number = whole_number(value)
        if number is not None:
            return number
        if len(value) > MAX_NUMERIC_LENGTH:
            self.el.report(
                "element.number_too_long",
                f"{segment.id}{index:02d} has {len(value)} characters, more than the "
                f"{MAX_NUMERIC_LENGTH} any X12 number may have",
                segment,
                ElementSyntaxError.TOO_LONG,
                index,
                component=component + 1,
            )
            return None
        self.el.report(
            "999.position",
            f"{segment.id}{index:02d} {value[:10]!r} is not a position",
            segment,
            ElementSyntaxError.INVALID_CHARACTER,
            index,
            component=component + 1,
        )
        return None

    def _context(self, segment: Segment) -> ErrorContext:
        parts = self.el.components(segment, 1)
        return ErrorContext(
            name=parts[0],
            reference=parts[1] if len(parts) > 1 else "",
            segment_id=segment.get(2),
            segment_position=self._position(segment, 3),
            loop_id=segment.get(4),
        )

    def _close_element(self, error: _SegmentError | None) -> None:
        if error is None or error.last_element is None:
            return
        ik4 = error.last_element
        error.elements.append(
            ElementError(
                position=self._position(ik4, 1, 0),
                component=self._position(ik4, 1, 1),
                repetition=self._position(ik4, 1, 2),
                reference_number=ik4.get(2),
                code=self.el.code(ik4, 3, ElementSyntaxError, required=True),
                bad_value=ik4.get(4),
                contexts=tuple(error.element_contexts),
            )
        )
        error.last_element = None
        error.element_contexts = []

    def _close(self, current: _SetAck | None, ik5: Segment | None) -> None:
        if current is None:
            return
        el = self.el
        ak2 = current.segment
        errors: list[SegmentError] = []
        for item in current.errors:
            self._close_element(item)
            ik3 = item.segment
            errors.append(
                SegmentError(
                    segment_id=el.text(ik3, 1, required=True),
                    position=self._position(ik3, 2),
                    loop_id=ik3.get(3),
                    code=el.code(ik3, 4, SegmentSyntaxError),
                    contexts=tuple(item.contexts),
                    element_errors=tuple(item.elements),
                )
            )
        if ik5 is None:
            el.report(
                "999.ik5_missing",
                f"AK2 for transaction set {ak2.get(2)[:12]!r} has no IK5 response trailer",
                ak2,
                SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
            )
            status = None
            codes: tuple[TransactionSetError, ...] = ()
        else:
            status = el.code(ik5, 1, AcknowledgmentStatus, required=True)
            codes = tuple(
                c for i in range(2, 7) if (c := el.code(ik5, i, TransactionSetError)) is not None
            )
        self.sets.append(
            TransactionSetAck(
                transaction_set_id=el.text(ak2, 1, required=True),
                control_number=el.text(ak2, 2, required=True),
                implementation=ak2.get(3),
                status=status,
                errors=codes,
                segment_errors=tuple(errors),
            )
        )


read_999 = read_acknowledgments
