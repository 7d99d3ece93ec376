"""Structural checks of written X12 that pyx12 cannot do for every transaction (270/276)."""

from __future__ import annotations


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
