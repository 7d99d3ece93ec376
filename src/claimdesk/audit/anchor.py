"""Anchors of the audit chain, kept in a file outside the database.

A hash chain only proves that what is stored fits together: someone who can write the table can
cut its tail, empty it, or change a record and recompute every later hash. An anchor (the
number of records, the last record's id and hash) written to an append-only file elsewhere after
each batch pins what existed: verification against the file finds each such change.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path


class AnchorFileError(ValueError):
    """An anchor file that cannot be read: it names the file, line and reason."""


@dataclass(frozen=True, slots=True)
class Anchor:
    records: int
    last_id: int
    last_hash: str
    at: str  # when it was taken, ISO 8601 (for people; not checked)


def append_anchor(path: Path, anchor: Anchor) -> None:
    """Add ``anchor`` as one JSON line; the file is the owner's alone (0600)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as anchors:
        anchors.write(json.dumps(asdict(anchor), sort_keys=True) + "\n")
        anchors.flush()
        os.fsync(anchors.fileno())


def read_anchors(path: Path) -> list[Anchor]:
    anchors: list[Anchor] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise AnchorFileError(f"{path}: cannot be read ({error.strerror})") from error
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
            anchor = Anchor(
                records=int(fields["records"]),
                last_id=int(fields["last_id"]),
                last_hash=str(fields["last_hash"]),
                at=str(fields.get("at", "")),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise AnchorFileError(f"{path} line {number}: not an anchor ({error})") from error
        anchors.append(anchor)
    return anchors


def anchor_of(records: int, last_id: int, last_hash: str, at: datetime) -> Anchor:
    return Anchor(records, last_id, last_hash, at.isoformat())
