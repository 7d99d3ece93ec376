"""A file of HL7 v2 messages: one after another, with or without the batch envelope (FHS, BHS,
BTS, FTS) or MLLP framing, segments ended by CR, LF or CR LF."""

from __future__ import annotations

ENVELOPE = ("FHS", "BHS", "BTS", "FTS")
FRAMING = str.maketrans("", "", "\x0b\x1c")


def split_batch(text: str) -> list[str]:
    """The messages of a batch file, each with its segments ended by CR."""
    segments = [
        s
        for s in text.translate(FRAMING).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if s.strip()
    ]
    messages: list[list[str]] = []
    for segment in segments:
        if segment[:3] in ENVELOPE:
            continue
        if segment.startswith("MSH") or not messages:
            messages.append([])
        messages[-1].append(segment)
    return ["\r".join(m) + "\r" for m in messages]
