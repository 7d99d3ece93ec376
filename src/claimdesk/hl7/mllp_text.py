"""The text of a frame's bytes: HL7 v2 defaults to ASCII and names another character set in
MSH-18; claimdesk reads UTF-8 (of which ASCII is a part) and falls back to Latin-1, which
every byte decodes as, so no message is lost to its encoding."""

from __future__ import annotations


def decoded(block: bytes) -> str:
    try:
        return block.decode("utf-8")
    except UnicodeDecodeError:
        return block.decode("latin-1")
