"""The audit log's hash chain: each record's hash covers its fields and the previous hash.

Changing, removing or reordering any stored record changes a hash that a later record (or the
record itself) stored, so :func:`first_break` finds the first record that no longer fits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditRecord:
    at: datetime
    user_id: str
    patient_account: str | None
    action: str
    target: str
    outcome: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class StoredRecord:
    record_id: int
    record: AuditRecord
    prev_hash: str
    row_hash: str


@dataclass(frozen=True, slots=True)
class ChainBreak:
    record_id: int
    reason: str


def record_hash(prev_hash: str, record: AuditRecord) -> str:
    fields = [
        prev_hash,
        record.at.isoformat(),
        record.user_id,
        record.patient_account,
        record.action,
        record.target,
        record.outcome,
        record.detail,
    ]
    canonical = json.dumps(fields, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def first_break(stored: Iterable[StoredRecord], start: str | None = None) -> ChainBreak | None:
    """The first record whose link or hash does not hold, reading in id order.

    ``start`` is the hash the first record must link to: the genesis value for the whole chain,
    or the last hash already checked when the chain is read in pages.
    """
    expected_prev = GENESIS if start is None else start
    for row in stored:
        if row.prev_hash != expected_prev:
            return ChainBreak(
                row.record_id, "its previous-hash does not match the record before it"
            )
        if record_hash(row.prev_hash, row.record) != row.row_hash:
            return ChainBreak(row.record_id, "its fields do not match its stored hash")
        expected_prev = row.row_hash
    return None
