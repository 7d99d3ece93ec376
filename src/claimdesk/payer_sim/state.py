"""What the simulated payers remember between files: accumulators, claims, scheduled payments.

The simulator is pure: this state is plain data that the caller keeps (the cycle holds one per
run). Nothing here reads a clock; every date comes from the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from claimdesk.domain.money import Money
from claimdesk.edi.x835.model import ClaimPayment, Party


@dataclass(slots=True)
class Accumulator:
    """One member's cost share met in one plan year (the deductible is used up across claims)."""

    deductible_met: Money = field(default_factory=Money.zero)
    out_of_pocket_met: Money = field(default_factory=Money.zero)


class ClaimState(StrEnum):
    PENDING = "pending"  # accepted, the payment not yet issued
    FINALIZED = "finalized"  # an 835 carried the payment (or the denial)
    REVERSED = "reversed"  # a replacement or void took it back


@dataclass(slots=True)
class ClaimRecord:
    """One claim the payer accepted into adjudication."""

    payer_id: str
    claim_id: str
    payer_claim_number: str
    member_id: str
    received: date
    pay_on: date
    payment: ClaimPayment
    accumulator_key: tuple[str, str, int] | None
    deductible_applied: Money
    patient_applied: Money
    state: ClaimState = ClaimState.PENDING
    paid_on: date | None = None
    trace_number: str = ""  # TRN02 of the 835 that carried it
    prior_open: tuple[Money, ...] | None = None  # billed as a later payer: what was left open


@dataclass(frozen=True, slots=True)
class ScheduledRemittance:
    """Claim payments (one claim, or a reversal and its correction) due on ``pay_on``."""

    payer_id: str
    submitter_id: str  # ISA06 of the 837: who receives the 835
    payee: Party
    pay_on: date
    payments: tuple[ClaimPayment, ...]
    interest: Money = field(default_factory=Money.zero)  # PLB L6, owed to the provider
    reference: str = ""  # PLB03-2: the payer claim number the interest is for

    @property
    def net(self) -> Money:
        return sum((p.paid for p in self.payments), Money.zero()) + self.interest


@dataclass(slots=True)
class SimState:
    accumulators: dict[tuple[str, str, int], Accumulator] = field(default_factory=dict)
    claims: dict[str, ClaimRecord] = field(default_factory=dict)  # by payer claim number
    submissions: dict[tuple[str, str], int] = field(default_factory=dict)
    # (payer, member, patient, day, lines) of each adjudicated claim: its payer claim number.
    seen: dict[tuple[object, ...], str] = field(default_factory=dict)
    scheduled: list[ScheduledRemittance] = field(default_factory=list)
    control_number: int = 0
    trace_number: int = 0

    def next_control_number(self) -> int:
        self.control_number += 1
        return self.control_number

    def next_trace_number(self) -> int:
        self.trace_number += 1
        return self.trace_number

    def accumulator(self, key: tuple[str, str, int]) -> Accumulator:
        found = self.accumulators.get(key)
        if found is None:
            found = self.accumulators[key] = Accumulator()
        return found
