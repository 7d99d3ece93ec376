"""Tier 2 recovery records: write-off requests and their decisions.

A write-off above the practice's approval amount waits for a manager; the request records who
asked, who decided, and the ledger entry that wrote the amount off.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from claimdesk.domain.money import Money

PENDING, POSTED, REJECTED = "pending", "posted", "rejected"


@dataclass(frozen=True, slots=True)
class WriteOffRequest:
    claim_id: str
    amount: Money
    reason_code: str
    note: str
    requested_by: str
    requested_at: datetime
    status: str = PENDING
    # None until the store has numbered the request.
    request_id: int | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    entry_id: str | None = None
    work_item_id: int | None = None

    @property
    def pending(self) -> bool:
        return self.status == PENDING

    def posted(self, *, by: str, at: datetime, entry_id: str) -> WriteOffRequest:
        return replace(self, status=POSTED, decided_by=by, decided_at=at, entry_id=entry_id)

    def rejected(self, *, by: str, at: datetime) -> WriteOffRequest:
        return replace(self, status=REJECTED, decided_by=by, decided_at=at)
