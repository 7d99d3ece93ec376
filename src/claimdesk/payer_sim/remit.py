"""Payments as the payers issue them: scheduling, reversals with corrections, interest, 835s.

A claim's payment is due ``remit_lag_days`` after the payer received it (later when pended for
review). Paid past the prompt-pay limit, it earns simple interest, paid as a PLB L6 adjustment
(a negative amount adds to the payment). A share of paid claims is reviewed after payment: the
payer reverses the payment (CLP02 22, every amount negated) and pays the claim again corrected,
with one line denied. A remittance never pays a negative amount, so a recoupment larger than
the day's payments waits for a later remittance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from claimdesk.domain.money import Money, total
from claimdesk.edi.x12.codes import AdjustmentGroup, ClaimStatus, PaymentMethod
from claimdesk.edi.x12.composites import Adjustment
from claimdesk.edi.x835.model import (
    BankAccount,
    ClaimPayment,
    Party,
    ProviderAdjustment,
    ProviderAdjustmentItem,
    Remark,
    Remittance,
)
from claimdesk.edi.x835.write import remittance_of, reversal_of
from claimdesk.edi.x837.model import Claim837
from claimdesk.payer_sim.policy import PayerPolicy
from claimdesk.payer_sim.state import ClaimState, ScheduledRemittance, SimState
from claimdesk.payer_sim.world import PayerWorld

INTEREST = "L6"  # PLB03-1: interest owed
_PLB_ITEMS = 6  # PLB03..PLB14: six adjustments in one segment
_DAYS_IN_YEAR = Decimal(365)


def payee_of(claim: Claim837) -> Party:
    """N1*PE: the billing provider (2010AA), identified by NPI, with its address."""
    provider = claim.billing.provider
    if provider is None:
        return Party("PE", "UNKNOWN", "XX", "")
    address = provider.address
    return Party(
        entity="PE",
        name=provider.name.last_or_organization,
        id_qualifier="XX",
        id=provider.npi,
        address_lines=tuple(line for line in (address.line1, address.line2) if line)
        if address
        else (),
        city=address.city if address else "",
        state=address.state if address else "",
        postal_code=address.postal_code if address else "",
    )


def interest(paid: Money, received: date, pay_on: date, policy: PayerPolicy) -> Money:
    """Simple interest on a payment made after the prompt-pay limit, for the days late."""
    late = (pay_on - received).days - policy.prompt_pay_days
    if late <= 0 or not paid.is_positive():
        return Money.zero()
    return Money.rounded(paid.amount * policy.annual_interest_rate * late / _DAYS_IN_YEAR)


def correction_of(payment: ClaimPayment, policy: PayerPolicy) -> ClaimPayment:
    """The claim paid again after review, with its best-paid line denied (post-payment audit)."""
    code = policy.adjustments.recoupment
    best = max(range(len(payment.service_lines)), key=lambda n: (payment.service_lines[n].paid, -n))
    lines = list(payment.service_lines)
    line = lines[best]
    lines[best] = replace(
        line,
        paid=Money.zero(),
        amounts=(),
        adjustments=(Adjustment(code.group, code.carc, line.charge),),
        remarks=(Remark("HE", code.rarc),) if code.rarc else (),
    )
    paid = total(ln.paid for ln in lines)
    patient = total(
        a.amount
        for ln in lines
        for a in ln.adjustments
        if a.group is AdjustmentGroup.PATIENT_RESPONSIBILITY
    )
    status = payment.status if paid or patient else ClaimStatus.DENIED
    return replace(
        payment,
        status=status,
        paid=paid,
        patient_responsibility=patient,
        payer_claim_control_number=f"{payment.payer_claim_control_number}R"[:50],
        service_lines=tuple(lines),
    )


def schedule_recoupment(
    state: SimState, item: ScheduledRemittance, payment: ClaimPayment, policy: PayerPolicy
) -> None:
    state.scheduled.append(
        replace(
            item,
            pay_on=item.pay_on + timedelta(days=policy.recoupment_after_days),
            payments=(reversal_of(payment), correction_of(payment, policy)),
            interest=Money.zero(),
            reference="",
        )
    )


def _payable(
    items: list[ScheduledRemittance],
) -> tuple[list[ScheduledRemittance], list[ScheduledRemittance]]:
    """The items one remittance can carry without going negative, and those that must wait."""
    ordered = sorted(items, key=lambda s: (s.net.is_negative(), s.pay_on, _first_claim(s)))
    taken: list[ScheduledRemittance] = []
    waiting: list[ScheduledRemittance] = []
    running = Money.zero()
    for item in ordered:
        if (running + item.net).is_negative():
            waiting.append(item)
            continue
        running += item.net
        taken.append(item)
    return taken, waiting


def _chunks(items: list[ScheduledRemittance]) -> list[list[ScheduledRemittance]]:
    """Split one payee's items so that each remittance's interest fits one PLB segment (six
    adjustments): pyx12 takes the 835's PLB as a footer that occurs once. A recoupment (net
    negative) stays in the chunk that can absorb it: the first, which comes out largest."""
    chunks: list[list[ScheduledRemittance]] = [[]]
    counts = [0]
    for item in items:
        if item.net.is_negative():
            chunks[0].append(item)
            continue
        if item.interest and counts[-1] == _PLB_ITEMS:
            chunks.append([])
            counts.append(0)
        chunks[-1].append(item)
        counts[-1] += 1 if item.interest else 0
    return [chunk for chunk in chunks if chunk]


def _finalize(state: SimState, written: Remittance, today: date) -> None:
    """Mark the claims a remittance carried: paid (with its trace), or reversed."""
    for payment in written.claims:
        record = state.claims.get(payment.payer_claim_control_number)
        if record is None:
            continue
        if payment.status is ClaimStatus.REVERSAL:
            record.state = ClaimState.REVERSED
        else:
            record.state = ClaimState.FINALIZED
            record.paid_on = today
            record.trace_number = written.trace.number if written.trace else ""


def _first_claim(item: ScheduledRemittance) -> str:
    return item.payments[0].patient_control_number if item.payments else ""


# The simulated payers pay by EFT (BPR04 ACH, BPR05 CCP) from their bank into the practice's;
# both routing numbers pass the ABA check digit (3, 7, 1 weights, a multiple of 10).
PAYER_BANK_ROUTING = "123456780"
PRACTICE_ACCOUNT = BankAccount("987654320", "000123456789")


def _payer_account(payer_id: str) -> str:
    digits = "".join(c for c in payer_id if c.isdigit())
    return (digits or "1")[-12:].rjust(12, "0")


def remittance(
    world: PayerWorld,
    state: SimState,
    payer_id: str,
    payee: Party,
    items: Iterable[ScheduledRemittance],
    today: date,
) -> Remittance:
    policy = world.policy.for_payer(payer_id)
    payer = world.payers.get(payer_id)
    items = list(items)
    interest_items = tuple(
        ProviderAdjustmentItem(INTEREST, item.reference, -item.interest)
        for item in items
        if item.interest
    )
    address = policy.address
    return remittance_of(
        tuple(p for item in items for p in item.payments),
        payer=Party(
            entity="PR",
            name=payer.name if payer is not None else payer_id,
            id_qualifier="XV",
            id=payer_id,
            address_lines=(address.line1,),
            city=address.city,
            state=address.state,
            postal_code=address.postal_code,
        ),
        payee=payee,
        payer_tax_id=policy.tax_id,
        technical_contact_phone=policy.phone,
        trace_number=f"{payer_id}{today:%Y%m%d}{state.next_trace_number():06d}",
        method=PaymentMethod.ACH,
        payer_account=BankAccount(PAYER_BANK_ROUTING, _payer_account(payer_id)),
        payee_account=PRACTICE_ACCOUNT,
        payment_date=today,
        production_date=today,
        provider_adjustments=(
            (ProviderAdjustment(payee.id, date(today.year, 12, 31), interest_items),)
            if interest_items
            else ()
        ),
    )


def due_remittances(
    world: PayerWorld, state: SimState, today: date
) -> dict[tuple[str, str], list[Remittance]]:
    """Take every payment due by ``today`` off the schedule, as remittances per payer and
    receiver (one per payee)."""
    due = [s for s in state.scheduled if s.pay_on <= today]
    later = [s for s in state.scheduled if s.pay_on > today]
    groups: dict[tuple[str, str, Party], list[ScheduledRemittance]] = {}
    for item in due:
        groups.setdefault((item.payer_id, item.submitter_id, item.payee), []).append(item)
    result: dict[tuple[str, str], list[Remittance]] = {}
    for (payer_id, submitter_id, payee), items in sorted(
        groups.items(), key=lambda g: (g[0][0], g[0][1], g[0][2].id)
    ):
        taken, waiting = _payable(items)
        later.extend(waiting)
        for chunk in _chunks(taken):
            written = remittance(world, state, payer_id, payee, chunk, today)
            result.setdefault((payer_id, submitter_id), []).append(written)
            _finalize(state, written, today)
    state.scheduled = later
    return result
