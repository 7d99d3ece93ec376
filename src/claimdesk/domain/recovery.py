"""Tier 2 recovery records: write-off requests and their decisions, appeals, payer follow-ups.

A write-off above the practice's approval amount waits for a manager; the request records who
asked, who decided, and the ledger entry that wrote the amount off. An appeal is drafted (with its
letter), submitted, then decided by the payer; each further appeal of a claim is a level higher.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

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


DRAFTED, SUBMITTED, DECIDED = "drafted", "submitted", "decided"


@dataclass(frozen=True, slots=True)
class Appeal:
    claim_id: str
    level: int
    denial_codes: str  # comma-separated, as the remittance gave them (CO-50,CO-97)
    amount: Money
    argument: str
    deadline: date | None
    letter_path: str
    created_at: datetime
    created_by: str
    status: str = DRAFTED
    # None until the store has numbered the appeal.
    appeal_id: int | None = None
    submitted_on: date | None = None
    outcome: str | None = None  # won or lost, once decided
    decided_on: date | None = None

    def submitted(self, on: date) -> Appeal:
        return replace(self, status=SUBMITTED, submitted_on=on)

    def decided(self, outcome: str, on: date) -> Appeal:
        return replace(self, status=DECIDED, outcome=outcome, decided_on=on)


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One entry of the payer follow-up log: a call, a portal check, a 276 or a 277 answer."""

    claim_id: str
    at: datetime
    by: str
    channel: str  # call, portal, 276, 277
    reference: str
    notes: str
    next_follow_up: date | None
    # None until the store has numbered the entry.
    follow_up_id: int | None = None
