"""Answer 276 claim status inquiries from what the payer remembers.

A claim the payer never accepted is not found; an accepted one is pending until an 835 carried
it, then finalized with what was paid, when, and under which check or EFT trace. claimdesk has
no writer for the 277 claim status response (005010X212) yet, so the answers are records; the
277 is written once ``claimdesk.edi`` can write it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from claimdesk.domain.money import Money
from claimdesk.edi.x276.read import StatusQuestion
from claimdesk.payer_sim.state import ClaimRecord, ClaimState, SimState


class StatusKind(StrEnum):
    NOT_FOUND = "not_found"
    PENDING = "pending"
    FINALIZED = "finalized"


@dataclass(frozen=True, slots=True)
class ClaimStatusAnswer:
    trace_number: str  # TRN02 of the inquiry, which the 277 echoes
    patient_control_number: str
    kind: StatusKind
    payer_claim_number: str = ""
    charge: Money | None = None
    paid: Money | None = None
    paid_on: date | None = None
    payment_trace: str = ""  # TRN02 of the 835: the check or EFT number


def _matches(record: ClaimRecord, question: StatusQuestion) -> bool:
    if question.payer_claim_number:
        return record.payer_claim_number == question.payer_claim_number
    return (
        record.payer_id == question.payer_id
        and record.claim_id == question.patient_control_number
        and (not question.member_id or record.member_id == question.member_id)
    )


def claim_status(question: StatusQuestion, state: SimState) -> ClaimStatusAnswer:
    """The latest claim (not taken back) the question identifies."""
    found = [
        r
        for r in state.claims.values()
        if _matches(r, question) and r.state is not ClaimState.REVERSED
    ]
    if not found:
        return ClaimStatusAnswer(
            question.trace_number, question.patient_control_number, StatusKind.NOT_FOUND
        )
    record = max(found, key=lambda r: (r.received, r.payer_claim_number))
    pending = record.state is ClaimState.PENDING
    return ClaimStatusAnswer(
        trace_number=question.trace_number,
        patient_control_number=record.claim_id,
        kind=StatusKind.PENDING if pending else StatusKind.FINALIZED,
        payer_claim_number=record.payer_claim_number,
        charge=record.payment.charge,
        paid=None if pending else record.payment.paid,
        paid_on=None if pending else record.paid_on,
        payment_trace="" if pending else record.trace_number,
    )
