"""Structural checks of written X12 that pyx12 cannot do for every transaction (270/276), and
the envelope a read interchange was written under, for the round-trip tests."""

from __future__ import annotations

from datetime import datetime, time

from claimdesk.edi.x12.envelope import Interchange
from claimdesk.edi.x12.writer import Envelope


def segments(x12: str) -> list[list[str]]:
    """The segments of ``x12`` written with the default delimiters, split into elements."""
    return [s.strip().split("*") for s in x12.split("~") if s.strip()]


def check_envelope(x12: str) -> list[list[str]]:
    """Assert ISA/GS/ST..SE/GE/IEA counts and control numbers agree; return the segments."""
    segs = segments(x12)
    isa, gs, ge, iea = segs[0], segs[1], segs[-2], segs[-1]
    assert isa[0] == "ISA"
    assert len("*".join(isa)) == 105  # fixed length before the terminator
    assert (gs[0], ge[0], iea[0]) == ("GS", "GE", "IEA")
    assert iea[2] == isa[13]
    assert iea[1] == "1"
    assert ge[2] == gs[6]
    starts = [i for i, s in enumerate(segs) if s[0] == "ST"]
    ends = [i for i, s in enumerate(segs) if s[0] == "SE"]
    assert len(starts) == len(ends) == int(ge[1])
    for start, end in zip(starts, ends, strict=True):
        assert int(segs[end][1]) == end - start + 1
        assert segs[end][2] == segs[start][2]
        assert segs[start][3] == gs[8]
    return segs


def check_hierarchy(segs: list[list[str]]) -> list[list[str]]:
    """Assert HL ids run 1, 2, 3... per transaction set and each parent precedes its child."""
    hls: list[list[str]] = []
    for seg in segs:
        if seg[0] == "ST":
            seen: dict[str, str] = {}
            expected = 1
        if seg[0] == "HL":
            assert seg[1] == str(expected)
            expected += 1
            if seg[2]:
                assert seg[2] in seen
            seen[seg[1]] = seg[3]
            hls.append(seg)
    return hls


def envelope_as_read(ic: Interchange, first_transaction: str) -> Envelope:
    """The envelope ``ic`` was written under: ISA, GS and the first ST02 as read."""
    header = ic.header
    (group,) = ic.groups
    assert group.header.date is not None
    hours, minutes = int(group.header.time[:2]), int(group.header.time[2:4])
    return Envelope(
        sender_id=header.sender_id,
        receiver_id=header.receiver_id,
        interchange_control_number=int(header.control_number),
        group_control_number=int(group.header.control_number),
        created=datetime.combine(group.header.date, time(hours, minutes)),
        sender_qualifier=header.sender_qualifier,
        receiver_qualifier=header.receiver_qualifier,
        application_sender=group.header.sender,
        application_receiver=group.header.receiver,
        production=header.usage == "P",
        acknowledgment_requested=header.acknowledgment_requested,
        first_transaction_number=int(first_transaction),
    )
