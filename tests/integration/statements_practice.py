"""A hand-built practice whose patients owe known amounts, for the statement tests.

Served 2024-02-10 (store_practice's encounters), answered by the payers on 2024-03-15:

- C1 (E1, Jane Doe, guarantor G1 John Doe; 150.00 + 40.00): Acme pays 100.00 on line 1,
  adjusts 30.00 (CO-45) and leaves a 20.00 deductible (PR-1); on line 2 it adjusts 15.00 and
  leaves a 25.00 copay (PR-3). Jane's guarantor pays 10.00 on 2024-03-20: G1 owes 35.00.
- C2 (E2, Jane Doe; 150.00): Acme pays 100.00, moves 10.00 coinsurance (PR-2) and leaves
  40.00 open on insurance: not billed to the patient yet.
- C3 (E3, Rick Roe, his own guarantor; 150.00): Medicare pays nothing, 150.00 not covered
  (PR-96): P2 owes 150.00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from store_practice import (
    ACME,
    ADULT,
    CHILD,
    CHILD_ACME,
    DOCTOR,
    GROUP,
    MEDICARE,
    OFFICE,
    PARENT,
    VISIT_ADULT,
    VISIT_CHILD,
    VISIT_CHILD_2,
)

from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.encounters import Encounter
from claimdesk.domain.ledger import Dimensions, Entry, EntryKind, Responsibility, standard_entry
from claimdesk.domain.money import Money
from claimdesk.store.uow import UnitOfWork

SERVED, ANSWERED = date(2024, 2, 10), date(2024, 3, 15)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 15, tzinfo=UTC)


def entry(
    entry_id: str, kind: EntryKind, amount: str, dims: Dimensions, day: date, memo: str = ""
) -> Entry:
    return standard_entry(
        entry_id=entry_id,
        kind=kind,
        amount=Money(amount),
        dims=dims,
        effective=day,
        recorded_at=at(day),
        recorded_by="alice",
        responsibility=Responsibility.INSURANCE,
        memo=memo,
    )


def patient_payment(entry_id: str, claim: str, amount: str, day: date) -> Entry:
    patient = "P2" if claim == "C3" else "P1"
    payer = "MCR" if claim == "C3" else "ACME"
    return entry(
        entry_id, EntryKind.PATIENT_PAYMENT, amount, Dimensions(patient, claim, 1, payer), day
    )


def _claim(claim_id: str, visit: Encounter, coverage: str | None, payer: str) -> Claim:
    claim = Claim(claim_id, visit, coverage, payer, at(SERVED), "al")
    for status in (ClaimStatus.READY, ClaimStatus.SUBMITTED):
        claim.move_to(status, by="al", at=at(date(2024, 2, 11)))
    return claim


def entries() -> list[Entry]:
    c1 = (Dimensions("P1", "C1", 1, "ACME"), Dimensions("P1", "C1", 2, "ACME"))
    c2 = Dimensions("P1", "C2", 1, "ACME")
    c3 = Dimensions("P2", "C3", 1, "MCR")
    k, day = EntryKind, ANSWERED
    return [
        entry("c1-1", k.CHARGE, "150.00", c1[0], SERVED),
        entry("c1-2", k.CHARGE, "40.00", c1[1], SERVED),
        entry("c2-1", k.CHARGE, "150.00", c2, SERVED),
        entry("c3-1", k.CHARGE, "150.00", c3, SERVED),
        entry("p1", k.INSURANCE_PAYMENT, "100.00", c1[0], day, "SVC03 paid"),
        entry("a1", k.CONTRACTUAL_ADJUSTMENT, "30.00", c1[0], day, "CO-45 contractual"),
        entry("t1", k.TRANSFER_TO_PATIENT, "20.00", c1[0], day, "PR-1 patient_share"),
        entry("a1-2", k.CONTRACTUAL_ADJUSTMENT, "15.00", c1[1], day, "CO-45 contractual"),
        entry("t1-2", k.TRANSFER_TO_PATIENT, "25.00", c1[1], day, "PR-3 patient_share"),
        entry("p2", k.INSURANCE_PAYMENT, "100.00", c2, day, "SVC03 paid"),
        entry("t2", k.TRANSFER_TO_PATIENT, "10.00", c2, day, "PR-2 patient_share"),
        entry("t3", k.TRANSFER_TO_PATIENT, "150.00", c3, day, "PR-96 non_covered"),
        patient_payment("pp1", "C1", "10.00", date(2024, 3, 20)),
    ]


def store(uow: UnitOfWork) -> None:
    """Store the practice, its three claims and their books (the caller commits)."""
    uow.payers.add(ACME)
    uow.payers.add(MEDICARE)
    uow.providers.add(DOCTOR)
    uow.providers.add(GROUP)
    uow.facilities.add(OFFICE)
    uow.guarantors.add(PARENT)
    uow.patients.add(CHILD)
    uow.patients.add(ADULT)
    uow.coverages.add(CHILD_ACME)
    uow.encounters.add_many([VISIT_CHILD, VISIT_CHILD_2, VISIT_ADULT])
    uow.claims.add(_claim("C1", VISIT_CHILD, "COV1", "ACME"))
    uow.claims.add(_claim("C2", VISIT_CHILD_2, "COV1", "ACME"))
    uow.claims.add(_claim("C3", VISIT_ADULT, None, "MCR"))
    uow.ledger.append_many(entries())
