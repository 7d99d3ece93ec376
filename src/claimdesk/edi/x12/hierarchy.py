"""Reading helpers shared by the hierarchical (HL) transactions: 270, 271, 276 and 277.

An HL segment opens a level (HL01 its id, HL02 its parent's id, HL03 what it is); the ids must be
unique and a parent must come before its children. Dates in these transactions come in DTP
segments as one day (D8) or a range (RD8, ``CCYYMMDD-CCYYMMDD``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Generic, Protocol, TypeVar

from claimdesk.edi.x12.codes import ElementSyntaxError, SegmentSyntaxError, TransactionSetError
from claimdesk.edi.x12.composites import EntityName
from claimdesk.edi.x12.envelope import Envelopes, TransactionSet, parse_date, read_envelopes
from claimdesk.edi.x12.errors import Severity, X12Finding
from claimdesk.edi.x12.reading import ElementReader
from claimdesk.edi.x12.tokenizer import Segment, bulk_allocation


@dataclass(frozen=True, slots=True)
class Period:
    """A DTP date: ``start`` = ``end`` for one day (D8), or a range (RD8)."""

    qualifier: str  # DTP01, e.g. 291 plan, 346 plan begin, 472 service
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


class _ReadSet(Protocol):
    @property
    def findings(self) -> tuple[X12Finding, ...]: ...


ReadSet = TypeVar("ReadSet", bound=_ReadSet)


def read_transaction_sets(
    text: str, transaction_set_id: str, read_one: Callable[[TransactionSet], ReadSet]
) -> tuple[Envelopes, tuple[ReadSet, ...], tuple[X12Finding, ...]]:
    """Read every ST01 ``transaction_set_id`` set in ``text`` with ``read_one``; other sets get a
    warning. Findings are the envelopes' then each set's, in order."""
    envelopes = read_envelopes(text)
    read, findings = transaction_sets_of(envelopes, transaction_set_id, read_one)
    return envelopes, read, findings


def transaction_sets_of(
    envelopes: Envelopes, transaction_set_id: str, read_one: Callable[[TransactionSet], ReadSet]
) -> tuple[tuple[ReadSet, ...], tuple[X12Finding, ...]]:
    """:func:`read_transaction_sets` of envelopes read already (ingest reads a file's envelopes
    once, for the sniffer and the reader)."""
    findings = list(envelopes.findings)
    read: list[ReadSet] = []
    with bulk_allocation():
        for transaction in envelopes.transaction_sets:
            found_id = transaction.transaction_set_id
            if found_id != transaction_set_id:
                findings.append(
                    X12Finding(
                        f"{transaction_set_id}.not_{transaction_set_id}",
                        f"transaction set {found_id[:6]!r} is not a {transaction_set_id}",
                        transaction.location(transaction.segments[0], element_position=1),
                        TransactionSetError.NOT_SUPPORTED,
                        Severity.WARNING,
                    )
                )
                continue
            one = read_one(transaction)
            read.append(one)
            findings.extend(one.findings)
    return tuple(read), tuple(findings)


def read_period(el: ElementReader, segment: Segment, first: int = 1) -> Period | None:
    """DTP01..DTP03 (``first`` = 1) or the same three elements further on; None when unreadable."""
    qualifier = segment.get(first)
    form = segment.get(first + 1)
    value = segment.get(first + 2)
    if not value:
        el.text(segment, first + 2, required=True)
        return None
    if form == "RD8":
        start_text, _, end_text = value.partition("-")
        start = parse_date(start_text) if len(start_text) == 8 else None
        end = parse_date(end_text) if len(end_text) == 8 else None
        if start is not None and end is not None and start <= end:
            return Period(qualifier, start, end)
        el.report(
            "element.date_range",
            f"{segment.id}{first + 2:02d} {value[:20]!r} is not a CCYYMMDD-CCYYMMDD range",
            segment,
            ElementSyntaxError.INVALID_DATE,
            first + 2,
        )
        return None
    if form not in ("D8", ""):
        el.report(
            "element.date_format",
            f"{segment.id}{first + 1:02d} {form[:10]!r} is not D8 or RD8",
            segment,
            ElementSyntaxError.INVALID_CODE_VALUE,
            first + 1,
        )
        return None
    day = el.date(segment, first + 2)
    return Period(qualifier, day, day) if day is not None else None


def read_name(el: ElementReader, segment: Segment) -> EntityName:
    """NM1: a person or organization (the 835 record type serves every transaction)."""
    return EntityName(
        entity=el.text(segment, 1, required=True),
        entity_type=segment.get(2),
        last_or_organization=segment.get(3),
        first=segment.get(4),
        middle=segment.get(5),
        suffix=segment.get(7),
        id_qualifier=segment.get(8),
        id=segment.get(9),
    )


class Hierarchy:
    """Tracks HL ids of one transaction set and reports broken parent links."""

    def __init__(self, el: ElementReader) -> None:
        self.el = el
        self.levels: dict[str, str] = {}  # HL01 -> HL03
        self.parents: dict[str, str] = {}  # HL01 -> HL02

    def open(self, segment: Segment) -> str:
        """Register one HL; returns its level code (HL03)."""
        el = self.el
        number = el.text(segment, 1, required=True)
        parent = segment.get(2)
        level = el.text(segment, 3, required=True)
        if number in self.levels:
            el.report(
                "hl.duplicate",
                f"HL01 {number[:12]!r} is used twice in the transaction set",
                segment,
                SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
                1,
            )
        if parent and parent not in self.levels:
            el.report(
                "hl.parent",
                f"HL02 parent {parent[:12]!r} does not precede this level",
                segment,
                SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
                2,
            )
        self.levels[number] = level
        self.parents[number] = parent
        return level

    def ancestors(self, number: str) -> list[str]:
        """The ids above ``number``, nearest first (cycles and gaps end the walk)."""
        found: list[str] = []
        seen = {number}
        current = self.parents.get(number, "")
        while current and current not in seen and current in self.levels:
            found.append(current)
            seen.add(current)
            current = self.parents.get(current, "")
        return found


def check_parent_level(
    el: ElementReader,
    hierarchy: Hierarchy,
    segment: Segment,
    expected: str,
    rule: str,
) -> None:
    """HL02 must name a level of the ``expected`` kind (HL03), or be empty for a top level."""
    parent = segment.get(2)
    if not expected:
        if parent:
            el.report(
                rule,
                f"HL02 {parent[:12]!r}: level {segment.get(3)[:6]!r} is a top level",
                segment,
                SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
                2,
            )
        return
    if not parent:
        el.report(
            rule,
            f"HL02 is required: level {segment.get(3)[:6]!r} sits under a level {expected}",
            segment,
            ElementSyntaxError.REQUIRED_ELEMENT_MISSING,
            2,
        )
        return
    found = hierarchy.levels.get(parent)
    if found is not None and found != expected:
        el.report(
            rule,
            f"HL02 {parent[:12]!r} is a level {found[:6]!r}, not the level {expected} "
            f"that level {segment.get(3)[:6]!r} sits under",
            segment,
            SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
            2,
        )


def open_level(
    el: ElementReader,
    hierarchy: Hierarchy,
    segment: Segment,
    loops: Mapping[str, str],
    parents: Mapping[str, str],
    transaction_set_id: str,
) -> str:
    """Open an HL of a transaction whose levels are ``loops`` (HL03 -> the 2000 loop's letter) and
    must sit under ``parents`` (HL03 -> its parent's HL03); returns the level code (HL03)."""
    suffix = loops.get(segment.get(3))
    el.loop = f"2000{suffix}" if suffix else None
    code = hierarchy.open(segment)
    if suffix is None:
        el.report(
            f"{transaction_set_id}.hl_level",
            f"HL03 {code[:6]!r} is not a {transaction_set_id} level ({_level_list(loops)})",
            segment,
            SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
            3,
        )
    else:
        rule = f"{transaction_set_id}.hl_parent_level"
        check_parent_level(el, hierarchy, segment, parents[code], rule)
    return code


def _level_list(loops: Mapping[str, str]) -> str:
    """``20, 21, 22 or 23``: the level codes in loop order."""
    *rest, last = loops
    return f"{', '.join(rest)} or {last}" if rest else last


def require_bht(
    el: ElementReader, bht: Segment | None, first: Segment, transaction_set_id: str
) -> None:
    """Report a transaction set without its BHT (reported at ``first``, the ST)."""
    if bht is None:
        el.report(
            f"{transaction_set_id}.bht_missing",
            "the required BHT beginning of hierarchical transaction segment is missing",
            first,
            SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
        )


Level = TypeVar("Level")


class LevelReader(Generic[Level]):
    """What every HL transaction reader keeps: its findings, the HL ids and its levels in order."""

    def __init__(self, transaction: TransactionSet) -> None:
        self.transaction = transaction
        self.el = ElementReader(transaction)
        self.hierarchy = Hierarchy(self.el)
        self.levels: dict[str, Level] = {}  # HL01 -> level
        self.ordered: list[Level] = []

    def body(self) -> Iterator[tuple[Segment, str]]:
        """The segments after ST and before SE, each with its id."""
        for segment in self.transaction.segments[1:]:
            sid = segment.elements[0]
            if sid == "SE":
                return
            yield segment, sid
