"""Split X12 text into segments and elements, with the delimiters each ISA declares.

The ISA is the only fixed-layout segment: its fourth character is the element separator, ISA16
is the component separator and the character after ISA16 ends every segment. ISA11 is the
repetition separator from version 00402 on. Splitting uses ``str.split`` on the terminator and the
element separator only: there is no per-character loop and no regular expression per element.
"""

from __future__ import annotations

import gc
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from claimdesk.edi.x12.codes import InterchangeNote, SegmentSyntaxError
from claimdesk.edi.x12.delimiters import Delimiters
from claimdesk.edi.x12.errors import Location, Severity, X12Error, X12Finding

_BOM = "\ufeff"
_LINE_BREAKS = "\r\n"
_WHITESPACE = " \t\r\n"
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

    def padded(self, last: int) -> list[str]:
        """The elements with "" up to element ``last``, for reading many of them by index."""
        elements = self.elements
        missing = last + 1 - len(elements)
        return elements + [""] * missing if missing > 0 else elements

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


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while a reader builds many small acyclic objects.

    Segments and records hold no reference cycles, yet their sheer number makes the collector
    rescan the growing heap again and again; pausing it more than halves the time to read a
    large file. The previous state is restored, so nesting is harmless.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    with bulk_allocation():
        _split(text, start, delimiters, streams, findings)
    return TokenizedText(tuple(streams), tuple(findings))


def _split(
    text: str,
    start: int,
    delimiters: Delimiters,
    streams: list[SegmentStream],
    findings: list[X12Finding],
) -> None:
    """Split each interchange from ``start`` on with the delimiters its own ISA declares."""
    while True:
        end = _next_interchange(text, start, delimiters.segment)
        index = len(streams) + 1
        streams.append(
            SegmentStream(
                index, delimiters, _segments(text[start:end], delimiters, index, findings)
            )
        )
        if end == len(text):
            return
        start = end
        try:
            delimiters = read_delimiters(text, start, index + 1)
        except X12Error as exc:
            findings.append(exc.finding)
            return


def _next_interchange(text: str, start: int, terminator: str) -> int:
    """Where the next ISA after ``start`` begins a segment, or the end of the text."""
    position = start + 3
    while True:
        position = text.find("ISA", position)
        if position < 0:
            return len(text)
        before = position - 1
        while before > start and text[before] in _WHITESPACE:
            before -= 1
        if text[before] == terminator or (terminator in _WHITESPACE and before < position - 1):
            return position
        position += 3


def _segments(
    chunk: str, delimiters: Delimiters, index: int, findings: list[X12Finding]
) -> list[Segment]:
    terminator = delimiters.segment
    separator = delimiters.element
    pieces = chunk.split(terminator)
    if "\n" in chunk or "\r" in chunk or " " + terminator in chunk or terminator + " " in chunk:
        # Line breaks (and stray indentation) between segments are layout, not data.
        pieces = [p.lstrip().rstrip(_LINE_BREAKS) for p in pieces]
    unterminated = bool(pieces[-1]) and not terminator.isspace()
    segments = [
        Segment(piece.split(separator), position)
        for position, piece in enumerate(filter(None, pieces), start=1)
    ]
    bad_ids = {s.elements[0] for s in segments} - _VALID_IDS
    bad_ids = {i for i in bad_ids if not _is_id(i)}
    if bad_ids:
        findings.extend(
            X12Finding(
                "tokenizer.segment_id",
                f"{s.elements[0][:20]!r} is not a segment id",
                Location(s.position, s.elements[0][:3], interchange_index=index),
                SegmentSyntaxError.UNRECOGNIZED_SEGMENT_ID,
            )
            for s in segments
            if s.elements[0] in bad_ids
        )
    if unterminated and segments:
        last = segments[-1]
        findings.append(
            X12Finding(
                "tokenizer.unterminated",
                f"the last segment is not ended by the terminator {terminator!r}",
                Location(last.position, last.elements[0][:3], interchange_index=index),
                InterchangeNote.PREMATURE_END_OF_FILE,
                Severity.WARNING,
            )
        )
    return segments


def _is_id(segment_id: str) -> bool:
    """X12 segment ids are two or three upper-case letters and digits, starting with a letter."""
    return (
        2 <= len(segment_id) <= 3
        and segment_id.isascii()
        and segment_id.isalnum()
        and segment_id[0].isalpha()
        and segment_id == segment_id.upper()
    )


# Ids seen in every file; checking against this set first keeps the id check off the hot path.
_VALID_IDS = frozenset(
    {"ISA", "GS", "ST", "SE", "GE", "IEA", "BPR", "TRN", "REF", "DTM", "N1", "N3", "N4", "PER"}
    | {"LX", "CLP", "CAS", "NM1", "SVC", "AMT", "QTY", "LQ", "PLB", "MIA", "MOA", "HL", "CLM"}
)


class StreamState:
    """Which interchange :func:`iter_segments` is in: updated before each ISA is yielded."""

    __slots__ = ("delimiters", "index")

    def __init__(self) -> None:
        self.index = 0
        self.delimiters = Delimiters()


# Enough text past an ISA to read its delimiters, even with line breaks before the terminator.
_ISA_LOOKAHEAD = 4096


class _Chunks:
    """Text arriving in chunks, kept in one buffer that the splitter consumes from the front."""

    __slots__ = ("buffer", "ended", "source")

    def __init__(self, chunks: Iterable[str]) -> None:
        self.source = iter(chunks)
        self.buffer = ""
        self.ended = False

    def more(self) -> bool:
        """Append the next chunk; at the end of input strip trailing white space, as tokenize."""
        for chunk in self.source:
            if chunk:
                self.buffer += chunk
                return True
        if not self.ended:
            self.ended = True
            self.buffer = self.buffer.rstrip()
        return False

    def fill(self, size: int) -> None:
        while len(self.buffer) < size and self.more():
            pass


def iter_segments(
    chunks: Iterable[str], state: StreamState, findings: list[X12Finding]
) -> Iterator[Segment]:
    """The segments of X12 text that arrives in chunks, split as :func:`tokenize` splits them.

    Only the current chunk and the unfinished segment at its end are held. Each interchange's
    ISA is yielded after ``state`` names its index and delimiters; problems are appended to
    ``findings`` as they are met. Raises :class:`X12Error` when there is no readable ISA at all.
    """
    text = _Chunks(chunks)
    skipped = 0
    while True:
        buffer = text.buffer
        while skipped < len(buffer) and (buffer[skipped].isspace() or buffer[skipped] == _BOM):
            skipped += 1
        if skipped < len(buffer) or not text.more():
            break
    text.buffer = text.buffer[skipped:]
    if not text.buffer:
        raise _refuse(
            "tokenizer.empty", "input is empty", InterchangeNote.PREMATURE_END_OF_FILE, 1, None
        )
    while (start := text.buffer.find("ISA")) < 0:
        if not text.more():
            raise _refuse(
                "tokenizer.no_isa",
                "no ISA segment found: not an X12 interchange",
                InterchangeNote.INVALID_CONTROL_STRUCTURE,
                1,
                None,
            )
    if start > 0:
        findings.append(
            X12Finding(
                "tokenizer.leading_garbage",
                f"{start} characters before the first ISA were ignored",
                Location(),
                InterchangeNote.INVALID_CONTENT,
            )
        )
    text.fill(start + _ISA_LOOKAHEAD)
    delimiters = read_delimiters(text.buffer, start)
    text.buffer = text.buffer[start:]
    index = 1
    while True:
        state.index, state.delimiters = index, delimiters
        found = yield from _interchange_segments(text, delimiters, index, findings)
        if not found:
            return
        text.fill(_ISA_LOOKAHEAD)
        isa = len(text.buffer) - len(text.buffer.lstrip(_WHITESPACE))
        try:
            delimiters = read_delimiters(text.buffer, isa, index + 1)
        except X12Error as exc:
            findings.append(exc.finding)
            return
        text.buffer = text.buffer[isa:]
        index += 1


def _interchange_segments(
    text: _Chunks, delimiters: Delimiters, index: int, findings: list[X12Finding]
) -> Generator[Segment, None, bool]:
    """Yield one interchange's segments; True when another ISA follows (left in the buffer)."""
    terminator = delimiters.segment
    separator = delimiters.element
    position = 0
    last: Segment | None = None
    while True:
        buffer = text.buffer
        cut = buffer.rfind(terminator)
        if not text.ended and cut < 0:
            text.more()
            continue
        if text.ended:
            complete, rest = buffer, ""
        else:
            complete, rest = buffer[:cut], buffer[cut + 1 :]
        raw = complete.split(terminator)
        pieces = raw
        if (
            "\n" in buffer
            or "\r" in buffer
            or " " + terminator in buffer
            or terminator + " " in buffer
        ):
            # Line breaks (and stray indentation) between segments are layout, not data.
            pieces = [p.lstrip().rstrip(_LINE_BREAKS) for p in raw]
        for number, piece in enumerate(pieces):
            if not piece:
                continue
            if position and piece.startswith("ISA"):
                text.buffer = terminator.join(raw[number:]) + (
                    terminator + rest if not text.ended else ""
                )
                return True
            position += 1
            last = Segment(piece.split(separator), position)
            segment_id = last.elements[0]
            if segment_id not in _VALID_IDS and not _is_id(segment_id):
                findings.append(
                    X12Finding(
                        "tokenizer.segment_id",
                        f"{segment_id[:20]!r} is not a segment id",
                        Location(position, segment_id[:3], interchange_index=index),
                        SegmentSyntaxError.UNRECOGNIZED_SEGMENT_ID,
                    )
                )
            yield last
        if text.ended:
            if pieces[-1] and not terminator.isspace() and last is not None:
                findings.append(
                    X12Finding(
                        "tokenizer.unterminated",
                        f"the last segment is not ended by the terminator {terminator!r}",
                        Location(last.position, last.elements[0][:3], interchange_index=index),
                        InterchangeNote.PREMATURE_END_OF_FILE,
                        Severity.WARNING,
                    )
                )
            return False
        text.buffer = rest
        text.more()
