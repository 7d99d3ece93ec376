"""File names on the partner's server: what an upload is called, what a fetch takes.

An upload is written under a temporary name and renamed when whole, so the clearinghouse never
picks up half a file; the same convention tells claimdesk which of the partner's files are still
being written (a leading dot, or a temporary suffix), which it leaves for the next fetch.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from fnmatch import fnmatchcase

from claimdesk.edi.x12.errors import X12Error
from claimdesk.edi.x12.tokenizer import read_delimiters

UPLOAD_SUFFIX = ".part"
# What file transfer programs call a file they are still writing (WinSCP .filepart, FileZilla
# and lftp .part, curl and many servers .tmp), besides dot-files and editors' "~" copies.
TEMPORARY_SUFFIXES = (".part", ".filepart", ".partial", ".tmp", ".temp", ".upload", ".writing")
# An ISA element is letters, digits, spaces and a few marks; anything else in a name becomes "_".
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
STAMP_FORMAT = "%Y%m%d%H%M%S"


@dataclass(frozen=True, slots=True)
class Parties:
    """Who an interchange is from and to, and its control number (ISA06, ISA08, ISA13)."""

    submitter: str
    receiver: str
    control: str


def parties_of(text: str) -> Parties | None:
    """The ISA's sender, receiver and control number; None when ``text`` does not begin with a
    readable ISA (the file goes to the partner that takes every receiver)."""
    try:
        delimiters = read_delimiters(text)
    except X12Error:
        return None
    end = text.find(delimiters.segment, 3)
    isa = text[: end if end > 0 else len(text)].split(delimiters.element)
    if len(isa) < 14:
        return None
    return Parties(isa[6].strip(), isa[8].strip(), isa[13].strip())


def upload_name(pattern: str, local_name: str, parties: Parties | None, stamp: datetime) -> str:
    """The name a local outbox file gets on the partner's server, by the partner's pattern.

    ``stamp`` is when the file was published to the outbox, so a retry after a cut upload gives
    the same name and finds its own earlier copy rather than sending a second one."""
    stem, dot, suffix = local_name.rpartition(".")
    if not dot:
        stem, suffix = local_name, ""
    values = {
        "name": local_name,
        "stem": stem,
        "suffix": suffix,
        "submitter": parties.submitter if parties else "",
        "receiver": parties.receiver if parties else "",
        "control": parties.control if parties else "",
        "stamp": stamp.astimezone(UTC).strftime(STAMP_FORMAT),
    }
    return pattern.format(**{key: _UNSAFE.sub("_", value) for key, value in values.items()})


def uploading_name(final: str) -> str:
    """The temporary name an upload is written under before its rename to ``final``."""
    return f".{final}{UPLOAD_SUFFIX}"


def is_plain(name: str) -> bool:
    """A name that stays in its folder: no separator, not "." or "..", no NUL."""
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\0")


def is_temporary(name: str) -> bool:
    """A file still being written by its sender, by the conventions of transfer programs."""
    lowered = name.lower()
    return name.startswith((".", "~")) or name.endswith("~") or lowered.endswith(TEMPORARY_SUFFIXES)


def wanted(name: str, patterns: Sequence[str]) -> bool:
    """Whether ``name`` matches one of the partner's fetch patterns (letter case ignored:
    clearinghouses write ``.835`` and ``.TA1`` alike)."""
    lowered = name.lower()
    return any(fnmatchcase(lowered, pattern.lower()) for pattern in patterns)
