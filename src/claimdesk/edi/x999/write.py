"""Write the 999 implementation acknowledgment (005010X231A1).

:func:`acknowledge` turns what the readers found in a received interchange into one
:class:`~claimdesk.edi.x999.model.Acknowledgment` per functional group: each transaction set is
accepted, or rejected with its segment errors (IK3, with the element errors IK4 under them) and
transaction set errors (IK5); group-level errors go to AK9. Findings that a 999 cannot express
(business rules such as 835 balancing, which carry no code) and warnings do not reject anything.
:func:`write_999` writes acknowledgments, one 999 transaction set per group, as they are: the
AK9 verdict and counts come from the record, so a 999 read is written back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from claimdesk.edi.x12.codes import (
    AcknowledgmentStatus,
    ElementSyntaxError,
    FunctionalGroupError,
    SegmentSyntaxError,
    TransactionSetError,
)
from claimdesk.edi.x12.delimiters import DEFAULT_DELIMITERS, Delimiters
from claimdesk.edi.x12.envelope import Interchange, TransactionSet
from claimdesk.edi.x12.errors import Severity, X12Finding
from claimdesk.edi.x12.writer import (
    Envelope,
    SegmentWriter,
    X12WriteError,
    write_interchange,
)
from claimdesk.edi.x12.writer import (
    TransactionSet as WrittenSet,
)
from claimdesk.edi.x999.model import (
    IMPLEMENTATION,
    Acknowledgment,
    ElementError,
    ErrorContext,
    SegmentError,
    TransactionSetAck,
)

_MAX_SET_ERRORS = 5  # IK502..IK506
_MAX_GROUP_ERRORS = 5  # AK905..AK909
_BAD_VALUE_LENGTH = 99  # IK404


def acknowledge(
    interchange: Interchange, findings: Iterable[X12Finding]
) -> tuple[Acknowledgment, ...]:
    """Acknowledge every functional group of ``interchange`` from the findings about it.

    ``findings`` are those of :func:`~claimdesk.edi.x12.envelope.read_envelopes` and of any
    transaction reader; findings about other interchanges are ignored.
    """
    relevant = [
        f
        for f in findings
        if f.severity is Severity.ERROR
        and f.location.interchange_index == interchange.index
        and f.location.segment_position is not None
    ]
    groups = [g for g in interchange.groups if g.header.position is not None]
    starts = [g.header.position or 0 for g in groups]
    acks: list[Acknowledgment] = []
    for number, group in enumerate(groups):
        start = starts[number]
        end = starts[number + 1] if number + 1 < len(starts) else None
        group_errors = tuple(
            dict.fromkeys(
                f.code
                for f in relevant
                if isinstance(f.code, FunctionalGroupError)
                and _between(f.location.segment_position, start, end)
            )
        )[:_MAX_GROUP_ERRORS]
        acks.append(
            Acknowledgment.of_sets(
                functional_id=group.header.functional_id,
                group_control_number=group.header.control_number,
                version=group.header.version,
                transaction_sets=tuple(
                    _acknowledge_set(ts, relevant) for ts in group.transaction_sets
                ),
                errors=group_errors,
            )
        )
    return tuple(acks)


def _between(position: int | None, start: int, end: int | None) -> bool:
    return position is not None and position >= start and (end is None or position < end)


def _acknowledge_set(transaction: TransactionSet, findings: list[X12Finding]) -> TransactionSetAck:
    first = transaction.segments[0].position
    last = transaction.segments[-1].position
    by_position = {s.position: s for s in transaction.segments}
    set_errors: list[TransactionSetError] = []
    segment_codes: dict[int, SegmentSyntaxError] = {}
    element_errors: dict[int, list[ElementError]] = {}
    loops: dict[int, str] = {}
    ids: dict[int, str] = {}
    for finding in findings:
        location = finding.location
        position = location.segment_position
        if position is None or not first <= position <= last:
            continue
        code = finding.code
        if isinstance(code, TransactionSetError):
            set_errors.append(code)
            continue
        if not isinstance(code, SegmentSyntaxError | ElementSyntaxError):
            continue
        segment_id = (location.segment_id or "")[:3]
        if not _is_segment_id(segment_id):
            # A segment whose id cannot be repeated in IK301 still rejects the set.
            set_errors.append(TransactionSetError.SEGMENTS_IN_ERROR)
            continue
        ids[position] = segment_id
        if location.loop_id and position not in loops:
            # IK303 is one to four characters: the loop number without its letter (2010BA).
            loops[position] = location.loop_id[:4]
        if isinstance(code, SegmentSyntaxError):
            segment_codes.setdefault(position, code)
        else:
            segment_codes.setdefault(position, SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS)
            segment = by_position.get(position)
            element = location.element_position
            value = segment.get(element) if segment is not None and element else ""
            element_errors.setdefault(position, []).append(
                ElementError(
                    position=element,
                    component=location.component_position,
                    repetition=None,
                    reference_number="",
                    code=code,
                    bad_value=value,
                )
            )
    segment_errors = tuple(
        SegmentError(
            segment_id=ids[position],
            position=position - first + 1,  # IK302 counts from the ST (ST = 1)
            loop_id=loops.get(position, ""),
            code=code,
            element_errors=tuple(e for e in element_errors.get(position, []) if e.position),
        )
        for position, code in sorted(segment_codes.items())
    )
    if segment_errors:
        set_errors.append(TransactionSetError.SEGMENTS_IN_ERROR)
    rejected = bool(set_errors)
    return TransactionSetAck(
        transaction_set_id=transaction.transaction_set_id,
        control_number=transaction.control_number,
        implementation=transaction.segments[0].get(3),
        status=AcknowledgmentStatus.REJECTED if rejected else AcknowledgmentStatus.ACCEPTED,
        errors=tuple(dict.fromkeys(set_errors))[:_MAX_SET_ERRORS],
        segment_errors=segment_errors,
    )


def _is_segment_id(value: str) -> bool:
    return (
        2 <= len(value) <= 3
        and value.isascii()
        and value.isalnum()
        and value[0].isalpha()
        and value == value.upper()
    )


def write_999(
    acknowledgments: Sequence[Acknowledgment],
    envelope: Envelope,
    *,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
    line_breaks: bool = False,
) -> str:
    """One interchange with one 999 per acknowledged functional group."""
    if not acknowledgments:
        raise X12WriteError("batch", "acknowledgments", "there is nothing to acknowledge")
    return write_interchange(
        envelope,
        functional_id="FA",
        transaction_set_id="999",
        version=IMPLEMENTATION,
        transactions=[WrittenSet(_group(ack, delimiters)) for ack in acknowledgments],
        delimiters=delimiters,
        line_breaks=line_breaks,
    )


def _group(ack: Acknowledgment, delimiters: Delimiters) -> list[str]:
    w = SegmentWriter(delimiters)
    record = f"group {ack.group_control_number}"
    w.add(
        "AK1",
        w.identifier(ack.functional_id, 2, record, "AK101 functional id", 2),
        w.identifier(ack.group_control_number, 9, record, "AK102 group control number"),
        w.identifier(ack.version, 12, record, "AK103 version"),
    )
    for ts in ack.transaction_sets:
        _transaction_set(w, ts, record)
    if ack.status is None:
        raise X12WriteError(record, "AK901", "a functional group needs a verdict")
    w.add(
        "AK9",
        ack.status.value,
        _count(ack.included, record, "AK902 included"),
        _count(ack.received, record, "AK903 received"),
        _count(ack.accepted_count, record, "AK904 accepted"),
        *(e.value for e in ack.errors[:_MAX_GROUP_ERRORS]),
    )
    return w.segments


def _count(count: int | None, record: str, field: str) -> str:
    """AK902..AK904: required counts of transaction sets."""
    if count is None:
        raise X12WriteError(record, field, "is required but missing")
    return str(count)


def _transaction_set(w: SegmentWriter, ts: TransactionSetAck, group: str) -> None:
    record = f"{group} transaction set {ts.control_number}"
    if ts.status is None:
        raise X12WriteError(record, "IK501", "a transaction set needs a verdict")
    if not ts.status.is_accepted and not ts.errors and not ts.segment_errors:
        raise X12WriteError(record, "IK502", "a rejected transaction set needs a reason")
    w.add(
        "AK2",
        w.identifier(ts.transaction_set_id, 3, record, "AK201 transaction set id", 3),
        w.identifier(ts.control_number, 9, record, "AK202 control number", 4),
        w.identifier(ts.implementation, 35, record, "AK203") if ts.implementation else "",
    )
    for error in ts.segment_errors:
        if error.position is None:
            raise X12WriteError(record, "IK302", f"segment {error.segment_id} has no position")
        w.add(
            "IK3",
            w.identifier(error.segment_id, 3, record, "IK301 segment id", 2),
            str(error.position),
            w.identifier(error.loop_id, 4, record, "IK303 loop id") if error.loop_id else "",
            error.code.value if error.code is not None else "",
        )
        _contexts(w, error.contexts, record)
        for element in error.element_errors:
            if element.position is None or element.code is None:
                raise X12WriteError(record, "IK4", "an element error needs a position and code")
            w.add(
                "IK4",
                w.composite(
                    str(element.position),
                    str(element.component) if element.component else "",
                    str(element.repetition) if element.repetition else "",
                ),
                w.identifier(element.reference_number, 4, record, "IK402")
                if element.reference_number
                else "",
                element.code.value,
                _bad_value(w, element.bad_value),
            )
            _contexts(w, element.contexts, record)
    w.add(
        "IK5",
        ts.status.value,
        *(e.value for e in ts.errors[:_MAX_SET_ERRORS]),
    )


def _contexts(w: SegmentWriter, contexts: tuple[ErrorContext, ...], record: str) -> None:
    for context in contexts:
        name = w.required_text(context.name, 35, record, "CTX01-1 context name")
        reference = w.text(context.reference, 35)
        if context.segment_id:
            w.add(
                "CTX",
                w.composite(name, reference),
                w.identifier(context.segment_id, 3, record, "CTX02 segment id", 2),
                str(context.segment_position or ""),
                w.identifier(context.loop_id, 4, record, "CTX04 loop id")
                if context.loop_id
                else "",
            )
        else:
            w.add("CTX", w.composite(name, reference))


def _bad_value(w: SegmentWriter, value: str) -> str:
    """IK404: the bad element as received, without delimiters or unprintable characters."""
    d = w.delimiters
    forbidden = {d.element, d.component, d.repetition, d.segment}
    cleaned = "".join(
        c for c in value if c.isascii() and c.isprintable() and c not in forbidden
    ).strip()
    return cleaned[:_BAD_VALUE_LENGTH]
