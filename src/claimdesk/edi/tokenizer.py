"""Split X12 text into segments and elements, with the delimiters each ISA declares.

The ISA is the only fixed-layout segment: its fourth character is the element separator, ISA16
is the component separator and the character after ISA16 ends every segment. ISA11 is the
repetition separator from version 00402 on. Splitting uses ``str.split`` on the terminator and the
element separator only: there is no per-character loop and no regular expression per element.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimdesk.edi.codes import InterchangeNote, SegmentSyntaxError
from claimdesk.edi.delimiters import Delimiters
from claimdesk.edi.errors import Location, Severity, X12Error, X12Finding

_BOM = "\ufeff"
_LINE_BREAKS = "\r\n"
# ISA has 16 elements; the 16th separator precedes ISA16.
_ISA_SEPARATORS = 16


class Segment:
    """One segment: ``elements[0]`` is the segment id, ``elements[n]`` is element n.

    ``position`` is 1-based within the interchange (the ISA is 1).
    """

    __slots__ = ("elements", "position")

    def __init__(self, elements: list[str], position: int) -> None:
        self.elements = elements
        self.position = position

    @property
    def id(self) -> str:
        return self.elements[0]

    def get(self, index: int) -> str:
        """Element ``index`` (1-based), or "" when the segment is shorter."""
        elements = self.elements
        return elements[index] if index < len(elements) else ""

    def __len__(self) -> int:
        """The number of elements after the segment id."""
        return len(self.elements) - 1

    def __repr__(self) -> str:
        return f"Segment({self.position}, {'*'.join(self.elements)!r})"


@dataclass(frozen=True, slots=True)
class SegmentStream:
    """The segments of one interchange (ISA through IEA or the end of input)."""

    index: int
    delimiters: Delimiters
    segments: list[Segment]


@dataclass(frozen=True, slots=True)
class TokenizedText:
    interchanges: tuple[SegmentStream, ...]
    findings: tuple[X12Finding, ...]


def _refuse(
    rule: str, message: str, code: InterchangeNote, index: int, segment_id: str | None = "ISA"
) -> X12Error:
    location = Location(
        segment_position=1 if segment_id else None, segment_id=segment_id, interchange_index=index
    )
    return X12Error(X12Finding(rule, message, location, code))


def read_delimiters(text: str, start: int = 0, index: int = 1) -> Delimiters:
    """Delimiters declared by the ISA that begins at ``text[start]``; raises :class:`X12Error`."""
    if text[start : start + 3] != "ISA":
        raise _refuse(
            "tokenizer.no_isa",
            "input does not start with ISA",
            InterchangeNote.INVALID_CONTROL_STRUCTURE,
            index,
        )
    if len(text) < start + 4:
        raise _refuse(
            "tokenizer.truncated_isa",
            "ISA is cut off before its element separator",
            InterchangeNote.PREMATURE_END_OF_FILE,
            index,
        )
    element = text[start + 3]
    if element.isalnum() or element.isspace():
        raise _refuse(
            "tokenizer.element_separator",
            f"ISA element separator {element!r} is a letter, digit or space",
            InterchangeNote.INVALID_ELEMENT_SEPARATOR,
            index,
        )
    pos = start + 3
    for _ in range(_ISA_SEPARATORS - 1):
        pos = text.find(element, pos + 1)
        if pos < 0:
            raise _refuse(
                "tokenizer.truncated_isa",
                "ISA has fewer than 16 elements",
                InterchangeNote.PREMATURE_END_OF_FILE,
                index,
            )
    if len(text) < pos + 3:
        raise _refuse(
            "tokenizer.truncated_isa",
            "ISA is cut off before its segment terminator",
            InterchangeNote.PREMATURE_END_OF_FILE,
            index,
        )
    component = text[pos + 1]
    segment = text[pos + 2]
    if component.isalnum() or component in (element, " "):
        raise _refuse(
            "tokenizer.component_separator",
            f"ISA16 component separator {component!r} is not a delimiter character",
            InterchangeNote.INVALID_COMPONENT_SEPARATOR,
            index,
        )
    if segment in _LINE_BREAKS:
        # Some writers put the line break before the terminator ("...*^\n~GS"): the first
        # character after the break is the terminator when it cannot start a segment id.
        after = pos + 3
        while after < len(text) and text[after] in _LINE_BREAKS:
            after += 1
        if after < len(text):
            candidate = text[after]
            if (
                not candidate.isalnum()
                and not candidate.isspace()
                and candidate not in (element, component)
            ):
                segment = candidate
    if segment.isalnum() or segment in (element, component, " "):
        raise _refuse(
            "tokenizer.segment_terminator",
            f"segment terminator {segment!r} after ISA16 is not a delimiter character",
            InterchangeNote.INVALID_SEGMENT_TERMINATOR,
            index,
        )
    isa = text[start:pos].split(element)
    # ISA11 is a repetition separator from 00402 on; in 4010 it is the standards id "U".
    isa11 = isa[11] if len(isa) > 11 else ""
    repetition = (
        isa11
        if len(isa11) == 1 and not isa11.isalnum() and isa11 not in (element, component, segment)
        else ""
    )
    return Delimiters(element=element, component=component, repetition=repetition, segment=segment)


def _clean(text: str) -> str:
    text = text.strip()
    while text.startswith(_BOM):
        text = text[1:].strip()
    return text


def tokenize(text: str) -> TokenizedText:
    """Split ``text`` into interchanges of segments.

    Tolerates a UTF-8 byte-order mark, surrounding white space and line breaks between segments.
    Raises :class:`X12Error` when there is no readable ISA at all.
    """
    text = _clean(text)
    if not text:
        raise _refuse(
            "tokenizer.empty", "input is empty", InterchangeNote.PREMATURE_END_OF_FILE, 1, None
        )
    start = text.find("ISA")
    if start < 0:
        raise _refuse(
            "tokenizer.no_isa",
            "no ISA segment found: not an X12 interchange",
            InterchangeNote.INVALID_CONTROL_STRUCTURE,
            1,
            None,
        )
    findings: list[X12Finding] = []
    if start > 0:
        findings.append(
            X12Finding(
                "tokenizer.leading_garbage",
                f"{start} characters before the first ISA were ignored",
                Location(),
                InterchangeNote.INVALID_CONTENT,
            )
        )
    delimiters = read_delimiters(text, start)
    streams: list[SegmentStream] = []
    _split(text, start, delimiters, streams, findings)
    return TokenizedText(tuple(streams), tuple(findings))


def _split(
    text: str,
    start: int,
    delimiters: Delimiters,
    streams: list[SegmentStream],
    findings: list[X12Finding],
) -> None:
    """Split from ``start``; a later ISA with other delimiters restarts the split there."""
    while True:
        terminator = delimiters.segment
        separator = delimiters.element
        pieces = text[start:].split(terminator)
        step = len(terminator)
        offset = start
        segments: list[Segment] = []
        streams.append(SegmentStream(len(streams) + 1, delimiters, segments))
        index = len(streams)
        restart: tuple[int, Delimiters] | None = None
        last = len(pieces) - 1
        known_ids: set[str] = set()
        for number, raw in enumerate(pieces):
            piece_offset = offset
            offset += len(raw) + step
            # Line breaks (and stray indentation) between segments are layout, not data.
            piece = raw.lstrip().rstrip(_LINE_BREAKS) if raw else raw
            if not piece:
                continue
            if piece.startswith("ISA") and segments:
                next_start = piece_offset + raw.index("ISA")
                try:
                    found = read_delimiters(text, next_start, len(streams) + 1)
                except X12Error as exc:
                    findings.append(exc.finding)
                    return
                segments = []
                streams.append(SegmentStream(len(streams) + 1, found, segments))
                index = len(streams)
                if found != delimiters:
                    restart = (next_start, found)
                    streams.pop()
                    break
            elements = piece.split(separator)
            segment_id = elements[0]
            position = len(segments) + 1
            if segment_id not in known_ids:
                if _is_id(segment_id):
                    known_ids.add(segment_id)
                else:
                    findings.append(
                        X12Finding(
                            "tokenizer.segment_id",
                            f"{segment_id[:20]!r} is not a segment id",
                            Location(position, segment_id[:3], interchange_index=index),
                            SegmentSyntaxError.UNRECOGNIZED_SEGMENT_ID,
                        )
                    )
            if number == last and not terminator.isspace():
                findings.append(
                    X12Finding(
                        "tokenizer.unterminated",
                        f"the last segment is not ended by the terminator {terminator!r}",
                        Location(position, segment_id[:3], interchange_index=index),
                        InterchangeNote.PREMATURE_END_OF_FILE,
                        Severity.WARNING,
                    )
                )
            segments.append(Segment(elements, position))
        if restart is None:
            return
        start, delimiters = restart


def _is_id(segment_id: str) -> bool:
    """X12 segment ids are two or three upper-case letters and digits, starting with a letter."""
    return (
        2 <= len(segment_id) <= 3
        and segment_id.isascii()
        and segment_id.isalnum()
        and segment_id[0].isalpha()
        and segment_id == segment_id.upper()
    )
