"""A hand-built practice whose A/R on any day is known, for the as-of and KPI tests.

Three claims served 2024-02-10 (store_practice's encounters):

- CE1 (Acme, 190.00): submitted 2/11; on 3/15 the 835 pays 100.00, adjusts 50.00 (CO-45) and
  moves 20.00 to the patient; the patient pays 15.00 on 4/20.
- CE2 (Acme, 150.00): held by the scrubber 2/11 and never submitted: unbilled A/R.
- CE3 (Medicare, 150.00): submitted 2/11; paid 90.00 and adjusted 60.00 on 4/05.

As of 3/31 (49 days after service: bucket 31-60): CE1 insurance 20.00 + patient 20.00, CE2
150.00 unbilled, CE3 150.00 billed: 340.00 = billed insurance 170.00 + unbilled 150.00 +
patient 20.00. As of 4/30 (80 days: 61-90): CE1 20.00 + 5.00, CE2 150.00, CE3 0.00: 175.00.
"""

from __future__ import annotations

from collections.abc import Callable
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

UowFactory = Callable[[], UnitOfWork]
SERVED = date(2024, 2, 10)
MARCH_END, APRIL_END = date(2024, 3, 31), date(2024, 4, 30)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 15, tzinfo=UTC)


def _entry(
    entry_id: str,
    kind: EntryKind,
    amount: str,
    dims: Dimensions,
    day: date,
    responsibility: Responsibility = Responsibility.INSURANCE,
) -> Entry:
    return standard_entry(
        entry_id=entry_id,
        kind=kind,
        amount=Money(amount),
        dims=dims,
        effective=day,
        recorded_at=at(day),
        recorded_by="alice",
        responsibility=responsibility,
    )


def _claim(
    claim_id: str, visit: Encounter, coverage: str, payer: str, *moves: ClaimStatus
) -> Claim:
    claim = Claim(claim_id, visit, coverage, payer, at(SERVED), "al")
    for status in moves:
        claim.move_to(status, by="al", at=at(date(2024, 2, 11)))
    return claim


def entries() -> list[Entry]:
    ce1 = (Dimensions("P1", "CE1", 1, "ACME"), Dimensions("P1", "CE1", 2, "ACME"))
    ce2 = Dimensions("P1", "CE2", 1, "ACME")
    ce3 = Dimensions("P2", "CE3", 1, "MCR")
    march, april = date(2024, 3, 15), date(2024, 4, 5)
    return [
        _entry("c1-1", EntryKind.CHARGE, "150.00", ce1[0], SERVED),
        _entry("c1-2", EntryKind.CHARGE, "40.00", ce1[1], SERVED),
        _entry("c2-1", EntryKind.CHARGE, "150.00", ce2, SERVED),
        _entry("c3-1", EntryKind.CHARGE, "150.00", ce3, SERVED),
        _entry("p1", EntryKind.INSURANCE_PAYMENT, "100.00", ce1[0], march),
        _entry("a1", EntryKind.CONTRACTUAL_ADJUSTMENT, "50.00", ce1[0], march),
        _entry("t1", EntryKind.TRANSFER_TO_PATIENT, "20.00", ce1[0], march),
        _entry("pp1", EntryKind.PATIENT_PAYMENT, "15.00", ce1[0], date(2024, 4, 20)),
        _entry("p3", EntryKind.INSURANCE_PAYMENT, "90.00", ce3, april),
        _entry("a3", EntryKind.CONTRACTUAL_ADJUSTMENT, "60.00", ce3, april),
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
    ready, sent = ClaimStatus.READY, ClaimStatus.SUBMITTED
    uow.claims.add(_claim("CE1", VISIT_CHILD, "COV1", "ACME", ready, sent))
    uow.claims.add(_claim("CE2", VISIT_CHILD_2, "COV1", "ACME", ClaimStatus.HELD))
    uow.claims.add(_claim("CE3", VISIT_ADULT, "", "MCR", ready, sent))
    uow.ledger.append_many(entries())
