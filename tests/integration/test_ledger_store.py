"""The stored ledger: append-only, and SQL balances equal the domain journal's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from store_practice import (
    ACME,
    ADULT,
    CHILD,
    CHILD_ACME,
    DOCTOR,
    GROUP,
    LATER,
    MEDICARE,
    NOW,
    OFFICE,
    PARENT,
    VISIT_ADULT,
    VISIT_CHILD,
)

from claimdesk.domain.claims import Claim
from claimdesk.domain.ledger import (
    Account,
    BalanceQuery,
    Dimensions,
    Entry,
    EntryKind,
    Journal,
    LedgerError,
    Responsibility,
    reversal_of,
    standard_entry,
)
from claimdesk.domain.money import Money
from claimdesk.store.repositories.ledger import LedgerRepository
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


def _entry(
    entry_id: str,
    kind: EntryKind,
    amount: str,
    dims: Dimensions,
    responsibility: Responsibility = Responsibility.INSURANCE,
) -> Entry:
    return standard_entry(
        entry_id=entry_id,
        kind=kind,
        amount=Money(amount),
        dims=dims,
        effective=date(2024, 2, 10),
        recorded_at=NOW,
        recorded_by="alice",
        responsibility=responsibility,
    )


def _books() -> list[Entry]:
    """Charges, a payment, an adjustment, a transfer, a patient payment and a reversal."""
    c1l1 = Dimensions("P1", "CE1", 1, "ACME")
    c1l2 = Dimensions("P1", "CE1", 2, "ACME")
    c3l1 = Dimensions("P2", "CE3", 1, "MCR")
    charge = _entry("chg-1", EntryKind.CHARGE, "150.00", c1l1)
    wrong = _entry("chg-2", EntryKind.CHARGE, "45.00", c1l2)
    return [
        charge,
        wrong,
        reversal_of(
            wrong,
            entry_id="rev-2",
            effective=date(2024, 2, 11),
            recorded_at=LATER,
            recorded_by="bob",
        ),
        _entry("chg-2b", EntryKind.CHARGE, "40.00", c1l2),
        _entry("chg-3", EntryKind.CHARGE, "150.00", c3l1),
        _entry("pay-1", EntryKind.INSURANCE_PAYMENT, "80.00", c1l1),
        _entry("adj-1", EntryKind.CONTRACTUAL_ADJUSTMENT, "57.50", c1l1),
        _entry("xfer-1", EntryKind.TRANSFER_TO_PATIENT, "12.50", c1l1),
        _entry("ppay-1", EntryKind.PATIENT_PAYMENT, "10.00", c1l1),
        _entry("misc-1", EntryKind.WRITE_OFF, "1.01", Dimensions("P2"), Responsibility.PATIENT),
    ]


def _store_claims(uow: UnitOfWork) -> None:
    uow.payers.add(ACME)
    uow.payers.add(MEDICARE)
    uow.providers.add(DOCTOR)
    uow.providers.add(GROUP)
    uow.facilities.add(OFFICE)
    uow.guarantors.add(PARENT)
    uow.patients.add(CHILD)
    uow.patients.add(ADULT)
    uow.coverages.add(CHILD_ACME)
    uow.encounters.add_many([VISIT_CHILD, VISIT_ADULT])
    uow.claims.add(Claim("CE1", VISIT_CHILD, "COV1", "ACME", NOW, "alice"))
    uow.claims.add(Claim("CE3", VISIT_ADULT, "", "MCR", NOW, "alice"))


@pytest.fixture
def books(uow_factory: UowFactory) -> Journal:
    entries = _books()
    with uow_factory() as uow:
        _store_claims(uow)
        uow.ledger.append_many(entries[:3])
        uow.commit()
    with uow_factory() as uow:
        for entry in entries[3:]:
            uow.ledger.append(entry)
        uow.commit()
    return Journal(entries)


def test_entries_round_trip_in_posting_order(uow_factory: UowFactory, books: Journal) -> None:
    with uow_factory() as uow:
        assert uow.ledger.entries() == list(books)
        assert uow.ledger.get("rev-2") == books.get("rev-2")
        assert uow.ledger.get("none") is None
        claim_journal = uow.ledger.journal(claim_id="CE1")
        assert [e.entry_id for e in claim_journal] == [
            "chg-1",
            "chg-2",
            "rev-2",
            "chg-2b",
            "pay-1",
            "adj-1",
            "xfer-1",
            "ppay-1",
        ]
        assert claim_journal.is_reversed("chg-2")
        assert [e.entry_id for e in uow.ledger.entries(patient_account="P2")] == [
            "chg-3",
            "misc-1",
        ]


def test_sql_balances_equal_the_journal(uow_factory: UowFactory, books: Journal) -> None:
    with uow_factory() as uow:
        ledger = uow.ledger
        assert ledger.balance() == books.balance()
        for claim_id in ("CE1", "CE3"):
            assert ledger.balances_by_claim()[claim_id] == books.balance(
                BalanceQuery(claim_id=claim_id)
            )
        assert ledger.balances_by_claim() == {"CE1": Money("42.50"), "CE3": Money("150.00")}
        assert ledger.balances_by_line("CE1") == {
            1: books.balance(BalanceQuery(claim_id="CE1", line_number=1)),
            2: books.balance(BalanceQuery(claim_id="CE1", line_number=2)),
        }
        assert ledger.balances_by_line("CE1")[2] == Money("40.00")
        for payer in ("ACME", "MCR"):
            assert ledger.balances_by_payer()[payer] == books.balance(BalanceQuery(payer_id=payer))
        for patient in ("P1", "P2"):
            assert ledger.balances_by_patient()[patient] == books.balance(
                BalanceQuery(patient_account=patient)
            )
        patient_ar = BalanceQuery(accounts=frozenset({Account.PATIENT_AR}), patient_account="P1")
        assert ledger.balance(patient_ar) == books.balance(patient_ar) == Money("2.50")
        assert ledger.trial_balance() == books.trial_balance()
        assert sum(ledger.trial_balance().values(), Money.zero()) == Money.zero()
        assert ledger.balance(BalanceQuery(claim_id="nothing")) == Money.zero()


def test_the_ledger_has_no_way_to_change_or_remove_an_entry() -> None:
    public = {name for name in dir(LedgerRepository) if not name.startswith("_")}
    assert not {n for n in public if any(w in n for w in ("update", "delete", "remove", "set"))}


def test_posting_an_entry_id_twice_is_refused(uow_factory: UowFactory, books: Journal) -> None:
    with uow_factory() as uow, pytest.raises(LedgerError, match="already in the ledger"):
        uow.ledger.append(_entry("chg-1", EntryKind.CHARGE, "1.00", Dimensions("P1", "CE1", 1)))


def test_reversals_are_checked_against_the_stored_journal(
    uow_factory: UowFactory, books: Journal
) -> None:
    charge = books.get("chg-1")
    reversed_charge = books.get("chg-2")
    reversal = books.get("rev-2")
    assert charge is not None
    assert reversed_charge is not None
    assert reversal is not None
    again = reversal_of(
        reversed_charge,
        entry_id="rev-2x",
        effective=date(2024, 3, 1),
        recorded_at=LATER,
        recorded_by="bob",
    )
    of_reversal = reversal_of(
        reversal,
        entry_id="rev-rev",
        effective=date(2024, 3, 1),
        recorded_at=LATER,
        recorded_by="bob",
    )
    with uow_factory() as uow:
        with pytest.raises(LedgerError, match="already been reversed"):
            uow.ledger.append(again)
        with pytest.raises(LedgerError, match="cannot be reversed"):
            uow.ledger.append(of_reversal)
        uow.ledger.append(
            reversal_of(
                charge,
                entry_id="rev-1",
                effective=date(2024, 3, 1),
                recorded_at=LATER,
                recorded_by="bob",
            )
        )
        uow.commit()
    with uow_factory() as uow:
        journal = uow.ledger.journal()
        assert journal.is_reversed("chg-1")
        # 2.50 was still owed on line 1; without its 150.00 charge the line is 147.50 in credit.
        line_1 = BalanceQuery(claim_id="CE1", line_number=1)
        assert uow.ledger.balances_by_line("CE1")[1] == journal.balance(line_1)
        assert journal.balance(line_1) == Money("-147.50")
