"""The claim and its life as an explicit state machine with an audit trail of every change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from claimdesk.domain.encounters import Encounter, ServiceLine
from claimdesk.domain.money import Money


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    HELD = "held"  # scrub found an error; Tier 1 must fix it
    READY = "ready"
    SUBMITTED = "submitted"
    REJECTED = "rejected"  # 999/277CA: never entered adjudication
    ACCEPTED = "accepted"  # in adjudication
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    DENIED = "denied"
    APPEALED = "appealed"
    CLOSED = "closed"
    VOIDED = "voided"
    WRITTEN_OFF = "written_off"  # never adjudicated, and its whole balance written off


S = ClaimStatus

# Why each edge exists: a claim only moves the way a real claim can. Adjudicated states may go
# back to ACCEPTED because a payer reversal (CLP02 = 22) reopens adjudication. A claim no payer
# ever adjudicated (never sent, or rejected before adjudication) whose whole balance is written
# off ends WRITTEN_OFF: final, so submit never scrubs it again.
TRANSITIONS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    S.DRAFT: frozenset({S.HELD, S.READY, S.VOIDED, S.WRITTEN_OFF}),
    S.HELD: frozenset({S.READY, S.VOIDED, S.WRITTEN_OFF}),
    S.READY: frozenset({S.HELD, S.SUBMITTED, S.VOIDED, S.WRITTEN_OFF}),
    S.SUBMITTED: frozenset({S.REJECTED, S.ACCEPTED, S.PAID, S.PARTIALLY_PAID, S.DENIED}),
    S.REJECTED: frozenset({S.HELD, S.READY, S.VOIDED, S.WRITTEN_OFF}),
    S.ACCEPTED: frozenset({S.PAID, S.PARTIALLY_PAID, S.DENIED, S.REJECTED}),
    S.PAID: frozenset({S.CLOSED, S.ACCEPTED}),
    S.PARTIALLY_PAID: frozenset({S.PAID, S.APPEALED, S.CLOSED, S.ACCEPTED}),
    S.DENIED: frozenset({S.APPEALED, S.CLOSED, S.ACCEPTED, S.PAID, S.PARTIALLY_PAID}),
    S.APPEALED: frozenset({S.PAID, S.PARTIALLY_PAID, S.DENIED, S.CLOSED}),
    S.CLOSED: frozenset(),
    S.VOIDED: frozenset(),
    S.WRITTEN_OFF: frozenset(),
}


class FrequencyCode(StrEnum):
    """CLM05-3 claim frequency type code."""

    ORIGINAL = "1"
    REPLACEMENT = "7"
    VOID = "8"


class IllegalTransitionError(ValueError):
    def __init__(self, claim_id: str, current: ClaimStatus, target: ClaimStatus) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none (final state)"
        super().__init__(
            f"claim {claim_id}: cannot go from {current} to {target}; allowed: {allowed}"
        )
        self.claim_id = claim_id
        self.current = current
        self.target = target


@dataclass(frozen=True, slots=True)
class StatusChange:
    at: datetime
    by: str
    from_status: ClaimStatus | None
    to_status: ClaimStatus
    reason: str = ""


@dataclass(slots=True)
class Claim:
    """A bill to one payer for one encounter under one coverage.

    ``claim_id`` is our patient control number (CLM01, echoed back in CLP01).
    """

    claim_id: str
    encounter: Encounter
    coverage_id: str
    payer_id: str
    created_at: datetime
    created_by: str
    frequency: FrequencyCode = FrequencyCode.ORIGINAL
    replaces_payer_claim_number: str = ""
    payer_claim_number: str = ""
    status: ClaimStatus = ClaimStatus.DRAFT
    history: list[StatusChange] = field(default_factory=list)
    # The billed payer's authorization number when it is not the visit's: each payer
    # authorizes under a number of its own (2300 REF*G1 is the billed payer's).
    prior_authorization: str = ""

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ValueError(f"claim {self.claim_id}: created_at needs an explicit time zone")
        if self.frequency != FrequencyCode.ORIGINAL and not self.replaces_payer_claim_number:
            raise ValueError(
                f"claim {self.claim_id}: a replacement or void needs the payer claim number "
                "(REF*F8)"
            )
        if not self.history:
            self.history.append(
                StatusChange(self.created_at, self.created_by, None, self.status, "created")
            )

    @property
    def lines(self) -> tuple[ServiceLine, ...]:
        return self.encounter.lines

    @property
    def awaits_correction(self) -> bool:
        """A corrected claim (CLM05-3 = 7) not yet saved by the biller: it is not scrubbed or
        sent until a change is saved on it, or the reason none is needed."""
        return self.status is ClaimStatus.DRAFT and self.frequency is FrequencyCode.REPLACEMENT

    @property
    def authorization(self) -> str:
        """The prior authorization this claim carries: its own, else its visit's."""
        return self.prior_authorization.strip() or self.encounter.prior_authorization.strip()

    @property
    def total_charge(self) -> Money:
        return self.encounter.total_charge

    def can_move_to(self, target: ClaimStatus) -> bool:
        return target in TRANSITIONS[self.status]

    def move_to(
        self, target: ClaimStatus, *, by: str, at: datetime, reason: str = ""
    ) -> StatusChange:
        if not self.can_move_to(target):
            raise IllegalTransitionError(self.claim_id, self.status, target)
        if at.tzinfo is None:
            raise ValueError("status changes are timestamped in an explicit time zone")
        change = StatusChange(at, by, self.status, target, reason)
        self.status = target
        self.history.append(change)
        return change
