"""Charge capture rules shared by imports: claim ids, charge entries and their deterministic ids.

Entry ids are derived from what they record, so posting the same charge twice collides on the
ledger's unique entry id instead of doubling a balance.
"""

from __future__ import annotations

from datetime import date, datetime

from claimdesk.domain.coverage import Coverage, Priority
from claimdesk.domain.encounters import ServiceLine
from claimdesk.domain.ledger import (
    Dimensions,
    Entry,
    EntryKind,
    Responsibility,
    reversal_of,
    standard_entry,
)
from claimdesk.domain.payers import Payer, PayerKind

CLAIM_ID_MAX = 38  # CLM01 patient control number: at most 38 characters
SELF_PAY_PAYER_ID = "SELFPAY"


def self_pay_payer() -> Payer:
    """The payer of a visit without active primary coverage: the patient."""
    # Self-pay has no payer filing deadline; a year keeps the payer valid and the rule visible.
    return Payer(
        payer_id=SELF_PAY_PAYER_ID,
        name="Self-pay",
        kind=PayerKind.SELF_PAY,
        timely_filing_days=365,
        appeal_window_days=365,
    )


def claim_id_for(encounter_id: str) -> str:
    """The original claim of an encounter: ``C`` + the encounter id."""
    claim_id = f"C{encounter_id}"
    if len(claim_id) > CLAIM_ID_MAX:
        raise ValueError(
            f"encounter {encounter_id}: id is longer than {CLAIM_ID_MAX - 1} characters, so "
            f"it cannot form a claim id (CLM01 allows {CLAIM_ID_MAX})"
        )
    return claim_id


def primary_coverage_on(coverages: list[Coverage], day: date) -> Coverage | None:
    """The primary coverage active on ``day``; the latest effective wins an overlap."""
    active = [c for c in coverages if c.priority is Priority.PRIMARY and c.active_on(day)]
    return max(active, key=lambda c: (c.effective, c.coverage_id), default=None)


def responsibility_of(kind: PayerKind) -> Responsibility:
    return Responsibility.PATIENT if kind is PayerKind.SELF_PAY else Responsibility.INSURANCE


def charge_entry_id(claim_id: str, line_number: int, revision: int = 1) -> str:
    """``charge:C1:2`` for line 2's first charge; ``charge:C1:2:3`` for its third."""
    base = f"charge:{claim_id}:{line_number}"
    return base if revision == 1 else f"{base}:{revision}"


def reversal_entry_id(original_entry_id: str) -> str:
    # An entry is reversed at most once, so its reversal id is unique too.
    return f"reversal:{original_entry_id}"


def charge_entry(
    *,
    claim_id: str,
    patient_account: str,
    payer_id: str,
    responsibility: Responsibility,
    line: ServiceLine,
    revision: int,
    recorded_at: datetime,
    recorded_by: str,
    source: str,
    effective: date | None = None,
) -> Entry:
    """Debit the responsible receivable, credit gross charges, for one service line: effective
    on its date of service, or on ``effective`` when that month is closed (a late charge posts
    on the first open day; the line keeps its date of service)."""
    return standard_entry(
        entry_id=charge_entry_id(claim_id, line.line_number, revision),
        kind=EntryKind.CHARGE,
        amount=line.charge,
        dims=Dimensions(patient_account, claim_id, line.line_number, payer_id),
        effective=effective or line.date_of_service,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        responsibility=responsibility,
        source=source,
        memo=f"{line.procedure_code} line {line.line_number}",
    )


def reverse_charge(
    original: Entry, *, effective: date, recorded_at: datetime, recorded_by: str, why: str
) -> Entry:
    """Undo a charge (the ledger is append-only); ``effective`` is the practice's date of the
    reversal."""
    return reversal_of(
        original,
        entry_id=reversal_entry_id(original.entry_id),
        effective=effective,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        memo=why,
    )
