"""Hand-built facts for the KPI unit tests: one small practice whose every figure is known."""

from __future__ import annotations

from datetime import UTC, date, datetime

from claimdesk.analytics.facts import (
    Adjustment,
    ClaimFact,
    LedgerFact,
    PaymentFact,
    StatusEvent,
)
from claimdesk.domain.money import Money


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def claim(
    claim_id: str,
    *statuses: tuple[date, str],
    payer: str = "P1",
    charge: str = "100.00",
    dos: date = date(2024, 3, 1),
    frequency: str = "1",
    patient: str = "A1",
    npi: str = "1111111112",
    facility: str = "F1",
) -> ClaimFact:
    return ClaimFact(
        claim_id=claim_id,
        payer_id=payer,
        patient_account=patient,
        rendering_npi=npi,
        facility_id=facility,
        date_of_service=dos,
        frequency=frequency,
        charge=Money(charge),
        events=tuple(StatusEvent(at(day), status) for day, status in statuses),
    )


def payment(
    payment_id: int,
    claim_id: str,
    paid_on: date,
    *,
    paid: str,
    charge: str = "100.00",
    clp_status: str = "1",
    patient: str = "0.00",
    denied: str = "0.00",
    shortfall: str = "0.00",
    reversed: bool = False,
    adjustments: tuple[tuple[str, str, str], ...] = (),
) -> PaymentFact:
    return PaymentFact(
        payment_id=payment_id,
        claim_id=claim_id,
        paid_on=paid_on,
        clp_status=clp_status,
        charge=Money(charge),
        paid=Money(paid),
        patient_share=Money(patient),
        denied=Money(denied),
        shortfall=Money(shortfall),
        reversed=reversed,
        adjustments=tuple(Adjustment(g, c, Money(a)) for g, c, a in adjustments),
    )


def posting(
    claim_id: str | None,
    account: str,
    amount: str,
    effective: date,
    *,
    kind: str = "charge",
    patient: str = "A1",
    payer: str | None = "P1",
) -> LedgerFact:
    return LedgerFact(claim_id, patient, payer, account, kind, effective, Money(amount), 1)
