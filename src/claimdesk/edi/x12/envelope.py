"""Read and check the X12 envelopes: ISA/IEA interchanges, GS/GE groups, ST/SE transaction sets.

Each control-number and count rule of the envelope is checked on read and reported as a finding
with its location: ISA13 = IEA02, IEA01 = number of GS, GS06 = GE02, GE01 = number of ST,
ST02 = SE02, SE01 = number of segments from ST to SE inclusive.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from claimdesk.edi.x12.codes import (
    ElementSyntaxError,
    FunctionalGroupError,
    InterchangeNote,
    SegmentSyntaxError,
    TransactionSetError,
)
from claimdesk.edi.x12.delimiters import Delimiters
from claimdesk.edi.x12.errors import Location, Severity, X12ErrorCode, X12Finding
from claimdesk.edi.x12.tokenizer import (
    Segment,
    SegmentStream,
    StreamState,
    bulk_allocation,
    iter_segments,
    tokenize,
)

# ISA01..ISA16 are fixed width.
_ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
# No numeric element (R or Nn) of a 5010 guide is longer than 18 characters (the R type's
# maximum, X12.6 3.4.1). Longer text is refused before it is converted: Python's int() of more
# than 4,300 digits raises, and Decimal arithmetic on thousands of digits is slow.
MAX_NUMERIC_LENGTH = 18
# GS01 functional identifier of each transaction set (X12 GS01 code list, 5010).
FUNCTIONAL_IDS = {
    "835": "HP",
    "837": "HC",
    "999": "FA",
    "997": "FA",
    "277": "HN",
    "276": "HR",
    "270": "HS",
    "271": "HB",
    "278": "HI",
    "275": "PI",
    "834": "BE",
    "820": "RA",
}


@dataclass(frozen=True, slots=True)
class InterchangeHeader:
    """The ISA, trimmed of its fixed-width padding."""

    sender_qualifier: str  # ISA05
    sender_id: str  # ISA06
    receiver_qualifier: str  # ISA07
    receiver_id: str  # ISA08
    date: date | None  # ISA09
    time: str  # ISA10
    version: str  # ISA12
    control_number: str  # ISA13
    acknowledgment_requested: bool  # ISA14
    usage: str  # ISA15: P production, T test


@dataclass(frozen=True, slots=True)
class GroupHeader:
    functional_id: str  # GS01, e.g. HP for 835, FA for 999
    sender: str  # GS02
    receiver: str  # GS03
    date: date | None  # GS04
    time: str  # GS05
    control_number: str  # GS06
    version: str  # GS08, e.g. 005010X221A1
    position: int | None  # of the GS in the interchange; None when the GS is missing


@dataclass(frozen=True, slots=True)
class TransactionSet:
    """One ST..SE; ``segments`` includes the ST, and the SE when present."""

    transaction_set_id: str  # ST01
    control_number: str  # ST02
    implementation: str  # ST03, or GS08 when ST03 is absent
    segments: tuple[Segment, ...]
    delimiters: Delimiters
    interchange_index: int
    group: GroupHeader

    def location(self, segment: Segment, **kwargs: int | str | None) -> Location:
        return Location(
            segment.position,
            segment.id,
            interchange_index=self.interchange_index,
            **kwargs,  # type: ignore[arg-type]
        )


@dataclass(frozen=True, slots=True)
class FunctionalGroup:
    header: GroupHeader
    transaction_sets: tuple[TransactionSet, ...]


@dataclass(frozen=True, slots=True)
class Interchange:
    index: int
    header: InterchangeHeader
    delimiters: Delimiters
    groups: tuple[FunctionalGroup, ...]
    acknowledgments: tuple[Segment, ...]  # TA1 segments, which sit outside any group

    @property
    def transaction_sets(self) -> tuple[TransactionSet, ...]:
        return tuple(ts for group in self.groups for ts in group.transaction_sets)


@dataclass(frozen=True, slots=True)
class Envelopes:
    interchanges: tuple[Interchange, ...]
    findings: tuple[X12Finding, ...]

    @property
    def transaction_sets(self) -> tuple[TransactionSet, ...]:
        return tuple(ts for ic in self.interchanges for ts in ic.transaction_sets)


def parse_date(value: str) -> date | None:
    """CCYYMMDD (or YYMMDD in the ISA) to a date; None when it is not a calendar date."""
    if not value.isascii() or not value.isdigit():
        return None
    try:
        if len(value) == 8:
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        if len(value) == 6:
            # ISA09 has a two-digit year; X12 interchanges are all from this century.
            return date(2000 + int(value[:2]), int(value[2:4]), int(value[4:]))
    except ValueError:
        return None
    return None


def read_envelopes(text: str) -> Envelopes:
    """Tokenize ``text`` and split it into checked envelopes; raises X12Error on non-X12 input."""
    # One pause of the collector for the whole read: each resumption costs a scan of every
    # object made while it was paused.
    with bulk_allocation():
        tokens = tokenize(text)
        findings = list(tokens.findings)
        interchanges = tuple(
            _EnvelopeReader(stream, findings).read() for stream in tokens.interchanges
        )
    return Envelopes(interchanges, tuple(findings))


@dataclass
class _OpenGroup:
    header: GroupHeader
    transaction_sets: list[TransactionSet] = field(default_factory=list)
    control_numbers: set[str] = field(default_factory=set)


@dataclass
class _OpenInterchange:
    """An interchange as read so far: its groups, the group still open, and its IEA once seen."""

    isa: Segment
    groups: list[FunctionalGroup] = field(default_factory=list)
    group: _OpenGroup | None = None
    group_numbers: set[str] = field(default_factory=set)  # GS06 seen, each unique
    iea: Segment | None = None


class _EnvelopeReader:
    def __init__(self, stream: SegmentStream, findings: list[X12Finding]) -> None:
        self.stream = stream
        self.findings = findings
        self.index = stream.index

    def _find(
        self,
        rule: str,
        message: str,
        segment: Segment | None,
        code: X12ErrorCode,
        element: int | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        location = Location(
            segment.position if segment else None,
            segment.id if segment else None,
            element_position=element,
            interchange_index=self.index,
        )
        self.findings.append(X12Finding(rule, message, location, code, severity))

    def read(self) -> Interchange:
        segments = self.stream.segments
        isa = segments[0]
        header = self._read_isa(isa)
        state = _OpenInterchange(isa)
        acknowledgments: list[Segment] = []
        i = 1
        count = len(segments)
        while i < count:
            segment = segments[i]
            sid = segment.id
            if state.iea is not None:
                self._after_iea(segment, sid)
            elif sid == "ST":
                i = self._read_transaction(segments, i, self._group_for(state, segment))
                continue
            elif sid == "TA1":
                acknowledgments.append(segment)
            else:
                self._control_segment(state, segment, sid)
            i += 1
        self._close_interchange(state, segments[-1])
        return Interchange(
            self.index, header, self.stream.delimiters, tuple(state.groups), tuple(acknowledgments)
        )

    def _after_iea(self, segment: Segment, sid: str) -> None:
        self._find(
            "envelope.after_iea",
            f"segment {sid[:3]} follows the IEA",
            segment,
            InterchangeNote.INVALID_CONTROL_STRUCTURE,
        )

    def _group_for(self, state: _OpenInterchange, st: Segment) -> _OpenGroup:
        """The open group an ST belongs to; a stand-in group when there is no GS."""
        if state.group is None:
            self._find(
                "envelope.st_outside_group",
                "ST is not inside a GS/GE functional group",
                st,
                TransactionSetError.NOT_IN_FUNCTIONAL_GROUP,
            )
            state.group = _OpenGroup(_missing_group())
        return state.group

    def _control_segment(self, state: _OpenInterchange, segment: Segment, sid: str) -> None:
        """A segment between transaction sets: GS, GE or IEA; anything else is misplaced."""
        if sid == "GS":
            self._open_group(state, segment)
        elif sid == "GE":
            if state.group is None:
                self._find(
                    "envelope.ge_without_gs",
                    "GE without a GS",
                    segment,
                    SegmentSyntaxError.UNEXPECTED_SEGMENT,
                )
            else:
                self._close_group(state.group, segment, state.groups)
                state.group = None
        elif sid == "IEA":
            if state.group is not None:
                self._close_group(state.group, None, state.groups)
                state.group = None
            state.iea = segment
            self._check_iea(state.isa, segment, len(state.groups))
        else:
            self._find(
                "envelope.outside_transaction",
                f"segment {sid[:3]} is outside any ST/SE transaction set",
                segment,
                SegmentSyntaxError.NOT_IN_TRANSACTION_SET,
            )

    def _open_group(self, state: _OpenInterchange, gs: Segment) -> None:
        if state.group is not None:
            self._close_group(state.group, None, state.groups)
        state.group = _OpenGroup(self._read_gs(gs))
        number = state.group.header.control_number
        if number in state.group_numbers:
            self._find(
                "envelope.gs_duplicate",
                f"GS06 group control number {number} is used twice in the interchange",
                gs,
                FunctionalGroupError.CONTROL_NUMBER_NOT_UNIQUE,
                6,
            )
        state.group_numbers.add(number)

    def _close_interchange(self, state: _OpenInterchange, last: Segment) -> None:
        if state.group is not None:
            self._close_group(state.group, None, state.groups)
        if state.iea is None:
            self._find(
                "envelope.iea_missing",
                "the interchange has no IEA trailer: the file is truncated",
                last,
                InterchangeNote.PREMATURE_END_OF_FILE,
            )

    def _read_isa(self, isa: Segment) -> InterchangeHeader:
        if len(isa) != len(_ISA_WIDTHS):
            self._find(
                "envelope.isa_elements",
                f"ISA has {len(isa)} elements, must have 16",
                isa,
                ElementSyntaxError.TOO_MANY_ELEMENTS
                if len(isa) > len(_ISA_WIDTHS)
                else ElementSyntaxError.REQUIRED_ELEMENT_MISSING,
            )
        for position, width in enumerate(_ISA_WIDTHS[:-1], start=1):
            value = isa.get(position)
            if len(value) != width:
                self._find(
                    "envelope.isa_width",
                    f"ISA{position:02d} is {len(value)} characters, must be {width}",
                    isa,
                    ElementSyntaxError.TOO_SHORT
                    if len(value) < width
                    else ElementSyntaxError.TOO_LONG,
                    position,
                )
        isa_date = parse_date(isa.get(9))
        if isa_date is None:
            self._find(
                "envelope.isa_date",
                f"ISA09 {isa.get(9)[:10]!r} is not a YYMMDD date",
                isa,
                InterchangeNote.INVALID_DATE,
                9,
            )
        control = isa.get(13)
        if not (control.isascii() and control.isdigit()):
            self._find(
                "envelope.isa_control_number",
                f"ISA13 {control[:12]!r} is not a 9-digit control number",
                isa,
                InterchangeNote.INVALID_CONTROL_NUMBER,
                13,
            )
        return InterchangeHeader(
            sender_qualifier=isa.get(5).strip(),
            sender_id=isa.get(6).strip(),
            receiver_qualifier=isa.get(7).strip(),
            receiver_id=isa.get(8).strip(),
            date=isa_date,
            time=isa.get(10),
            version=isa.get(12),
            control_number=control,
            acknowledgment_requested=isa.get(14) == "1",
            usage=isa.get(15),
        )

    def _check_iea(self, isa: Segment, iea: Segment, group_count: int) -> None:
        if iea.get(2) != isa.get(13):
            self._find(
                "envelope.iea_control_number",
                f"IEA02 {iea.get(2)[:12]!r} does not match ISA13 {isa.get(13)[:12]!r}",
                iea,
                InterchangeNote.CONTROL_NUMBER_MISMATCH,
                2,
            )
        if _count(iea.get(1)) != group_count:
            self._find(
                "envelope.iea_count",
                f"IEA01 says {iea.get(1)[:12]!r} functional groups, "
                f"the interchange has {group_count}",
                iea,
                InterchangeNote.INVALID_GROUP_COUNT,
                1,
            )

    def _read_gs(self, gs: Segment) -> GroupHeader:
        gs_date = parse_date(gs.get(4))
        if gs_date is None:
            self._find(
                "envelope.gs_date",
                f"GS04 {gs.get(4)[:10]!r} is not a CCYYMMDD date",
                gs,
                ElementSyntaxError.INVALID_DATE,
                4,
            )
        return GroupHeader(
            functional_id=gs.get(1),
            sender=gs.get(2),
            receiver=gs.get(3),
            date=gs_date,
            time=gs.get(5),
            control_number=gs.get(6),
            version=gs.get(8),
            position=gs.position,
        )

    def _close_group(
        self, group: _OpenGroup, ge: Segment | None, groups: list[FunctionalGroup]
    ) -> None:
        header = group.header
        count = len(group.transaction_sets)
        groups.append(FunctionalGroup(header, tuple(group.transaction_sets)))
        if header.position is None:
            return
        if ge is None:
            self._find(
                "envelope.ge_missing",
                f"functional group {header.control_number[:12]!r} has no GE trailer",
                group.transaction_sets[-1].segments[-1] if group.transaction_sets else None,
                FunctionalGroupError.TRAILER_MISSING,
            )
            return
        if ge.get(2) != header.control_number:
            self._find(
                "envelope.ge_control_number",
                f"GE02 {ge.get(2)[:12]!r} does not match GS06 {header.control_number[:12]!r}",
                ge,
                FunctionalGroupError.CONTROL_NUMBER_MISMATCH,
                2,
            )
        if _count(ge.get(1)) != count:
            self._find(
                "envelope.ge_count",
                f"GE01 says {ge.get(1)[:12]!r} transaction sets, the group has {count}",
                ge,
                FunctionalGroupError.TRANSACTION_COUNT_MISMATCH,
                1,
            )

    def _read_transaction(self, segments: list[Segment], start: int, group: _OpenGroup) -> int:
        """Collect ST..SE from ``start``; returns the index after the SE (or the stop)."""
        st = segments[start]
        end = start + 1
        count = len(segments)
        se: Segment | None = None
        while end < count:
            sid = segments[end].id
            if sid == "SE":
                se = segments[end]
                end += 1
                break
            if sid in ("ST", "GE", "GS", "IEA"):
                break
            end += 1
        body = tuple(segments[start:end])
        group.transaction_sets.append(self._transaction(st, body, group))
        self._check_transaction(st, se, len(body), body[-1], group)
        return end

    def _transaction(
        self, st: Segment, segments: tuple[Segment, ...], group: _OpenGroup
    ) -> TransactionSet:
        return TransactionSet(
            transaction_set_id=st.get(1),
            control_number=st.get(2),
            implementation=st.get(3) or group.header.version,
            segments=segments,
            delimiters=self.stream.delimiters,
            interchange_index=self.index,
            group=group.header,
        )

    def _check_group_fit(self, st: Segment, header: GroupHeader) -> None:
        if header.position is None:
            return  # no GS at all: reported as envelope.st_outside_group
        for rule, message, element, code in _fits_group(st, header):
            self._find(rule, message, st, code, element)

    def _check_transaction(
        self, st: Segment, se: Segment | None, count: int, last: Segment, group: _OpenGroup
    ) -> None:
        """ST/SE rules of one transaction set of ``count`` segments (ST and SE included)."""
        number = st.get(2)
        if not st.get(1):
            self._find(
                "envelope.st_id",
                "ST01 transaction set identifier is missing",
                st,
                TransactionSetError.INVALID_TRANSACTION_SET_ID,
                1,
            )
        if not number:
            self._find(
                "envelope.st_control_number",
                "ST02 transaction set control number is missing",
                st,
                TransactionSetError.INVALID_CONTROL_NUMBER,
                2,
            )
        elif number in group.control_numbers:
            self._find(
                "envelope.st_duplicate",
                f"ST02 control number {number[:12]!r} is used twice in the functional group",
                st,
                TransactionSetError.CONTROL_NUMBER_NOT_UNIQUE,
                2,
            )
        group.control_numbers.add(number)
        self._check_group_fit(st, group.header)
        if se is None:
            self._find(
                "envelope.se_missing",
                f"transaction set {number[:12]!r} has no SE trailer",
                last,
                TransactionSetError.TRAILER_MISSING,
            )
            return
        if se.get(2) != number:
            self._find(
                "envelope.se_control_number",
                f"SE02 {se.get(2)[:12]!r} does not match ST02 {number[:12]!r}",
                se,
                TransactionSetError.CONTROL_NUMBER_MISMATCH,
                2,
            )
        if _count(se.get(1)) != count:
            self._find(
                "envelope.se_count",
                f"SE01 says {se.get(1)[:12]!r} segments, ST through SE has {count}",
                se,
                TransactionSetError.SEGMENT_COUNT_MISMATCH,
                1,
            )


def _fits_group(st: Segment, header: GroupHeader) -> list[tuple[str, str, int, X12ErrorCode]]:
    """Rule, message, ST element and code of each way ``st`` disagrees with its GS."""
    found: list[tuple[str, str, int, X12ErrorCode]] = []
    set_id = st.get(1)
    expected = FUNCTIONAL_IDS.get(set_id)
    if expected is not None and header.functional_id != expected:
        found.append(
            (
                "envelope.gs01_mismatch",
                f"GS01 {header.functional_id[:6]!r} is not the functional group of a {set_id} "
                f"(GS01 {expected})",
                1,
                TransactionSetError.INVALID_TRANSACTION_SET_ID,
            )
        )
    guide = st.get(3)
    if guide and header.version and guide != header.version:
        # 5010 guides: ST03 carries the same implementation reference as GS08.
        found.append(
            (
                "envelope.st03_mismatch",
                f"ST03 {guide[:20]!r} disagrees with GS08 {header.version[:20]!r}",
                3,
                TransactionSetError.INVALID_IMPLEMENTATION_CONVENTION_REFERENCE,
            )
        )
    return found


def whole_number(value: str) -> int | None:
    """A count or position written as digits; None when it is not one or is longer than any
    X12 number may be."""
    if len(value) > MAX_NUMERIC_LENGTH or not (value.isascii() and value.isdigit()):
        return None
    return int(value)


_count = whole_number


def _missing_group() -> GroupHeader:
    return GroupHeader("", "", "", None, "", "", "", None)


class _Pushback:
    """An iterator of segments that can take one back (the segment that ends a loop)."""

    __slots__ = ("held", "source")

    def __init__(self, source: Iterator[Segment]) -> None:
        self.source = source
        self.held: Segment | None = None

    def __iter__(self) -> _Pushback:
        return self

    def __next__(self) -> Segment:
        held = self.held
        if held is not None:
            self.held = None
            return held
        return next(self.source)

    def push(self, segment: Segment) -> None:
        self.held = segment


# Segments that end a transaction set without an SE: the next envelope segment.
_ENVELOPE_IDS = frozenset({"ST", "GE", "GS", "IEA", "ISA"})


class TransactionBody:
    """The segments of one streamed transaction set after its ST, up to (not including) the SE.

    Iterate it once; whatever the caller leaves unread is skipped when the stream moves on.
    """

    __slots__ = ("count", "last", "se", "source")

    def __init__(self, source: _Pushback, st: Segment) -> None:
        self.source = source
        self.se: Segment | None = None
        self.count = 1  # ST through SE inclusive, as SE01 counts
        self.last = st

    def __iter__(self) -> Iterator[Segment]:
        source = self.source
        for segment in source:
            segment_id = segment.elements[0]
            if segment_id == "SE":
                self.se = self.last = segment
                self.count += 1
                return
            if segment_id in _ENVELOPE_IDS:
                source.push(segment)
                return
            self.count += 1
            self.last = segment
            yield segment

    def drain(self) -> None:
        if self.se is None:
            for _ in self:
                pass


def stream_transactions(
    chunks: Iterable[str], findings: list[X12Finding]
) -> Iterator[tuple[TransactionSet, TransactionBody]]:
    """Each transaction set of X12 text arriving in chunks, with the envelopes checked as read.

    A transaction set comes as its header (a :class:`TransactionSet` whose ``segments`` hold
    only the ST) and its body, to be iterated before the next one is asked for. Envelope
    findings are appended to ``findings`` as the rules of :func:`read_envelopes` find them.
    """
    state = StreamState()
    source = _Pushback(iter_segments(chunks, state, findings))
    for isa in source:
        stream = SegmentStream(state.index, state.delimiters, [])
        yield from _StreamingEnvelopeReader(stream, findings).transactions(isa, source)


class _StreamingEnvelopeReader(_EnvelopeReader):
    """The rules of :meth:`_EnvelopeReader.read`, applied one segment at a time."""

    def transactions(
        self, isa: Segment, source: _Pushback
    ) -> Iterator[tuple[TransactionSet, TransactionBody]]:
        self._read_isa(isa)
        state = _OpenInterchange(isa)
        last = isa
        for segment in source:
            sid = segment.elements[0]
            if sid == "ISA":
                source.push(segment)
                break
            last = segment
            if state.iea is not None:
                self._after_iea(segment, sid)
            elif sid == "ST":
                group = self._group_for(state, segment)
                body = TransactionBody(source, segment)
                yield self._transaction(segment, (segment,), group), body
                body.drain()
                last = body.last
                seen = (segment, last) if last is not segment else (segment,)
                group.transaction_sets.append(self._transaction(segment, seen, group))
                self._check_transaction(segment, body.se, body.count, last, group)
            elif sid != "TA1":
                self._control_segment(state, segment, sid)
        self._close_interchange(state, last)
