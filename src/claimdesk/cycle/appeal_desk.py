"""The payers' appeal desk: decides the appeals the simulated staff send, at a modeled rate.

The payer simulator adjudicates claims; reconsideration is modeled here. An appeal is decided
``appeal_decision_days`` after it was sent, won with the policy's success rate (one seeded draw
per appeal, so the same seed gives the same decisions). A won appeal is paid the way a payer
pays an overturned denial in its next 835: the reversal (CLP02 = 22) of its first answer, then
the corrected claim payment (its own payer claim number), each denied line now allowed at the
contract rate less the contractual adjustment (CO-45), so the check carries only the difference.
A payer billed as secondary pays no more than the prior payers left open on the line, and says
what they paid and adjusted as OA-23, as its first answer would have.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from claimdesk.domain.money import Money, total
from claimdesk.edi.x12.codes import AdjustmentGroup
from claimdesk.edi.x12.codes import ClaimStatus as ClpStatus
from claimdesk.edi.x12.composites import Adjustment, QualifiedAmount
from claimdesk.edi.x835.model import ClaimPayment, ServicePayment
from claimdesk.edi.x835.write import reversal_of
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.state import ClaimState, ScheduledRemittance

CONTRACTUAL = "45"  # CARC 45: charge exceeds the fee schedule (CO-45), not a denial
PRIOR_PAYER = "23"  # CARC 23: the impact of prior payer(s) adjudication (OA-23)


@dataclass(frozen=True, slots=True)
class PendingAppeal:
    appeal_id: int
    claim_id: str
    decide_on: date
    won: bool


def _denied(line: ServicePayment) -> bool:
    """A line the payer refused: nothing paid and an adjustment that is neither the patient's
    share nor the contractual one."""
    return not line.paid.is_positive() and any(
        a.group is not AdjustmentGroup.PATIENT_RESPONSIBILITY and a.reason != CONTRACTUAL
        for a in line.adjustments
    )


class AppealDesk:
    def __init__(self, simulator: PayerSimulator, seed: int, success_rate: float) -> None:
        self.simulator = simulator
        self._rng = random.Random(seed)
        self._success_rate = success_rate
        self.pending: list[PendingAppeal] = []
        self.won = 0
        self.lost = 0

    def receive(self, appeal_id: int, claim_id: str, sent: date, decision_days: int) -> None:
        won = self._rng.random() < self._success_rate
        self.pending.append(
            PendingAppeal(appeal_id, claim_id, sent + timedelta(days=decision_days), won)
        )

    def decisions(self, today: date) -> list[PendingAppeal]:
        """The appeals decided by ``today`` (each returned once)."""
        due = [a for a in self.pending if a.decide_on <= today]
        self.pending = [a for a in self.pending if a.decide_on > today]
        for appeal in due:
            self.won += appeal.won
            self.lost += not appeal.won
        return due

    def pay(self, claim_id: str, route: ScheduledRemittance, today: date) -> ClaimPayment:
        """Schedule the overturned claim's payment for ``today``'s 835."""
        state = self.simulator.state
        records = [
            r
            for r in state.claims.values()
            if r.claim_id == claim_id and r.state is ClaimState.FINALIZED
        ]
        if not records:
            raise LookupError(f"claim {claim_id}: the payer has no finalized adjudication")
        record = max(records, key=lambda r: (r.paid_on or r.received, r.payer_claim_number))
        world = self.simulator.world
        lines: list[ServicePayment] = []
        for position, line in enumerate(record.payment.service_lines):
            if not _denied(line):
                lines.append(line)
                continue
            allowed = world.allowed(
                record.payer_id,
                line.procedure.code,
                line.procedure.modifiers,
                line.service_date or record.received,
                line.units or Decimal(1),
                line.charge,
            ).amount
            left = line.charge if record.prior_open is None else record.prior_open[position]
            pays = min(allowed, left)
            adjustments = tuple(
                Adjustment(group, reason, amount)
                for group, reason, amount in (
                    (AdjustmentGroup.OTHER_ADJUSTMENT, PRIOR_PAYER, line.charge - left),
                    (AdjustmentGroup.CONTRACTUAL_OBLIGATION, CONTRACTUAL, left - pays),
                )
                if amount.is_positive()
            )
            lines.append(
                replace(
                    line,
                    paid=pays,
                    amounts=(QualifiedAmount("B6", allowed),),  # AMT*B6: the allowed amount
                    adjustments=adjustments,
                    remarks=(),
                )
            )
        status = record.payment.status
        if status is ClpStatus.DENIED:
            status = ClpStatus.PRIMARY if record.prior_open is None else ClpStatus.SECONDARY
        payment = replace(
            record.payment,
            status=status,
            paid=total(ln.paid for ln in lines),
            payer_claim_control_number=f"{record.payer_claim_number}A"[:50],
            service_lines=tuple(lines),
        )
        undone = reversal_of(record.payment)
        state.scheduled.append(
            replace(
                route,
                pay_on=today,
                payments=(undone, payment),
                interest=Money.zero(),
                reference="",
            )
        )
        return payment
