"""The collections hand-off and recovery through the desk, on SQLite and PostgreSQL, on the
hand-built practice of statements_practice.py: G1 owes 35.00 on C1 and P2 owes 150.00 on C3,
both the patient's since 2024-03-15; the books verify after every step (docs/collections.md).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, update
from statements_practice import store

from claimdesk.desk.guard import ForbiddenError
from claimdesk.desk.statements import StatementDesk
from claimdesk.domain.books import Check
from claimdesk.domain.ledger import Account, BalanceQuery, EntryKind
from claimdesk.domain.money import Money
from claimdesk.domain.patient_payments import PaymentMethod
from claimdesk.domain.statements import HoldReason, shipped_dunning
from claimdesk.domain.work import WorkKind
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.books import verify_books
from claimdesk.services.collections import CollectionsError
from claimdesk.services.patient_payments import PaymentRequest, credit_of, post_payment
from claimdesk.services.users import add_user
from claimdesk.store.tables.collections import CollectionReferralRow
from claimdesk.store.tables.ledger import LedgerEntryRow, LedgerPostingRow
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 4, 1, 15, tzinfo=UTC)

    def on(self, day: date) -> None:
        self.now = datetime.combine(day, time(15), tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(uow_factory: UowFactory, tmp_path: Path, clock: Clock) -> StatementDesk:
    with uow_factory() as uow:
        store(uow)
        uow.practice.put("time_zone", "UTC", at=clock.now, by="root")
        uow.practice.put("name", "Springfield Clinic", at=clock.now, by="root")
        uow.commit()
    people = (("root", Role.ADMIN), ("tia", Role.TIER1), ("mia", Role.MANAGER))
    for user_id, role in (*people, ("max", Role.MANAGER), ("aud", Role.AUDITOR)):
        add_user(uow_factory, user_id=user_id, name=user_id, role=role, by="root", now=clock.now)
    return StatementDesk(
        uow_factory,
        shipped_policy(),
        lambda: clock.now,
        dunning=shipped_dunning(),
        archive=tmp_path / "archive",
    )


def _books_hold(uow_factory: UowFactory, day: date) -> None:
    report = verify_books(uow_factory, as_of=day, now=datetime.combine(day, time(15), tzinfo=UTC))
    assert report.holds, report.findings


def _balance(uow_factory: UowFactory, account: Account, claim_id: str) -> Money:
    with uow_factory() as uow:
        return uow.ledger.balance(BalanceQuery(accounts=frozenset({account}), claim_id=claim_id))


def _three_statements(desk: StatementDesk, clock: Clock) -> None:
    tia = desk.actor_named("tia")
    for day in (date(2024, 4, 1), date(2024, 5, 1), date(2024, 5, 31)):
        clock.on(day)
        assert len(desk.run_statements(tia).sent) == 2


def _pay(uow_factory: UowFactory, clock: Clock, amount: str, reference: str) -> Money:
    posted = post_payment(
        uow_factory,
        PaymentRequest("P2", Money(amount), PaymentMethod.CHECK, reference=reference),
        now=clock.now,
        by="tia",
        policy=shipped_policy(),
    )
    return posted.payment.applied


def test_hand_off_writes_the_balance_off_as_bad_debt_and_a_payment_recovers_it(
    desk: StatementDesk, uow_factory: UowFactory, clock: Clock, tmp_path: Path
) -> None:
    tia, mia, maximilian = (desk.actor_named(u) for u in ("tia", "mia", "max"))
    _three_statements(desk, clock)

    # 2024-07-12 is 119 days after 2024-03-15: not yet; 2024-07-13 is the 120th day.
    clock.on(date(2024, 7, 12))
    assert desk.review_collections(mia, dry_run=True).candidates == []
    clock.on(date(2024, 7, 13))
    found = desk.review_collections(mia, dry_run=True).candidates
    assert {c.account: str(c.balance) for c in found} == {"G1": "35.00", "P2": "150.00"}
    # A dispute on G1 blocks its hand-off.
    desk.hold_statements(tia, "G1", HoldReason.DISPUTE, "says the copay was paid")
    reviewed = desk.review_collections(mia)
    assert [c.account for c in reviewed.candidates] == ["P2"]
    (referral,) = reviewed.proposed
    assert desk.review_collections(mia).proposed == []  # proposed once
    with uow_factory() as uow:
        (item,) = [
            i
            for i in uow.work_items.without_claim_prefixed("collections:")
            if i.kind is WorkKind.COLLECTIONS_APPROVAL
        ]
    assert (item.tier, item.queue, item.amount_at_stake) == (3, "t3-approvals", Money("150.00"))

    # Nobody approves their own proposal; a Tier 1 person may not decide at all.
    with pytest.raises(CollectionsError, match="you proposed it"):
        desk.decide_collections(mia, referral, approve=True)
    with pytest.raises(ForbiddenError):
        desk.decide_collections(tia, referral, approve=True)
    assert desk.decide_collections(maximilian, referral, approve=True) == "approved"
    _books_hold(uow_factory, date(2024, 7, 13))

    out = tmp_path / "agency.csv"
    exported = desk.export_collections(maximilian, out)

    assert exported.written_off == Money("150.00")
    with out.open(encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert row == {
        "referral": str(referral),
        "account": "P2",
        "name": "Rick Roe",
        "address": row["address"],
        "balance": "150.00",
        "dates_of_service": "2024-02-10",
        "last_statement_date": "2024-05-31",
        "last_payment_date": "",
        "referred_on": "2024-07-13",
    }
    assert "9 Elm St" in row["address"]
    assert _balance(uow_factory, Account.PATIENT_AR, "C3") == Money.zero()
    assert _balance(uow_factory, Account.WRITE_OFF_BAD_DEBT, "C3") == Money("150.00")
    _books_hold(uow_factory, date(2024, 7, 13))
    # Exporting again finds nothing approved: no second write-off.
    assert desk.export_collections(maximilian).written_off == Money.zero()
    # In collections, statements stop.
    clock.on(date(2024, 7, 14))
    skipped = {s["account"]: s["reason"] for s in desk.run_statements(tia).skipped}
    assert skipped["P2"] == "on hold: collections"

    # A recovery: 60.00 undoes 60.00 of the write-off and pays it: 90.00 still bad debt.
    clock.on(date(2024, 7, 20))
    assert _pay(uow_factory, clock, "60.00", "1001") == Money("60.00")
    assert _balance(uow_factory, Account.WRITE_OFF_BAD_DEBT, "C3") == Money("90.00")
    assert _balance(uow_factory, Account.PATIENT_AR, "C3") == Money.zero()
    _books_hold(uow_factory, date(2024, 7, 20))
    # 100.00 more: the last 90.00 recovered, 10.00 left as the patient's credit.
    assert _pay(uow_factory, clock, "100.00", "1002") == Money("90.00")
    assert _balance(uow_factory, Account.WRITE_OFF_BAD_DEBT, "C3") == Money.zero()
    assert _balance(uow_factory, Account.PATIENT_AR, "C3") == Money.zero()
    with uow_factory() as uow:
        assert credit_of(uow, "P2") == Money("10.00")
    _books_hold(uow_factory, date(2024, 7, 20))


@pytest.mark.parametrize(
    ("minimum", "due"),
    [
        (None, {"G1": "35.00", "P2": "150.00"}),  # the default 25.00: both
        ("35.00", {"G1": "35.00", "P2": "150.00"}),  # a balance at the minimum goes
        ("35.01", {"P2": "150.00"}),
        ("150.01", {}),
    ],
)
def test_no_referral_below_the_minimum_balance(
    desk: StatementDesk,
    uow_factory: UowFactory,
    clock: Clock,
    minimum: str | None,
    due: dict[str, str],
) -> None:
    _three_statements(desk, clock)
    clock.on(date(2024, 7, 13))
    if minimum is not None:
        with uow_factory() as uow:
            uow.practice.put("collections.min_balance", minimum, at=clock.now, by="root")
            uow.commit()
    found = desk.review_collections(desk.actor_named("mia"), dry_run=True).candidates
    assert {c.account: str(c.balance) for c in found} == due


def test_a_rejected_referral_writes_nothing_off_and_an_auditor_may_not_review(
    desk: StatementDesk, uow_factory: UowFactory, clock: Clock
) -> None:
    _three_statements(desk, clock)
    clock.on(date(2024, 7, 13))
    mia, maximilian = desk.actor_named("mia"), desk.actor_named("max")
    first, _second = desk.review_collections(mia).proposed

    assert desk.decide_collections(maximilian, first, approve=False) == "rejected"
    with pytest.raises(CollectionsError, match="no proposed referral"):
        desk.decide_collections(maximilian, first, approve=True)
    assert desk.export_collections(maximilian).referrals == []
    assert _balance(uow_factory, Account.WRITE_OFF_BAD_DEBT, "C1") == Money.zero()
    with pytest.raises(ForbiddenError):
        desk.review_collections(desk.actor_named("aud"))
    _books_hold(uow_factory, date(2024, 7, 13))


def test_books_find_a_referral_its_entries_do_not_match_and_a_recovery_of_no_payment(
    desk: StatementDesk, uow_factory: UowFactory, clock: Clock, engine: Engine
) -> None:
    _three_statements(desk, clock)
    clock.on(date(2024, 7, 13))
    mia, maximilian = desk.actor_named("mia"), desk.actor_named("max")
    for referral in desk.review_collections(mia).proposed:
        desk.decide_collections(maximilian, referral, approve=True)
    desk.export_collections(maximilian)
    clock.on(date(2024, 7, 20))
    _pay(uow_factory, clock, "60.00", "1001")
    day = date(2024, 7, 20)
    _books_hold(uow_factory, day)

    with engine.begin() as db:
        # The referral says the agency was handed 149.00; its entries moved 150.00.
        db.execute(
            update(CollectionReferralRow)
            .where(CollectionReferralRow.account == "P2")
            .values(written_off=Decimal("149.00"))
        )
        # Bad debt "recovered" for a payment that was never taken.
        db.execute(
            insert(LedgerEntryRow).values(
                entry_id="collections-recovery:NO-SUCH-PAYMENT:C3",
                kind=EntryKind.WRITE_OFF.value,
                effective=day,
                recorded_at=clock.now,
                recorded_by="intruder",
            )
        )
        db.execute(
            insert(LedgerPostingRow),
            [
                {
                    "entry_id": "collections-recovery:NO-SUCH-PAYMENT:C3",
                    "position": n,
                    "account": account.value,
                    "amount": Decimal(amount),
                    "patient_account": "P2",
                    "claim_id": "C3",
                    "line_number": None,
                    "payer_id": "MCR",
                    "effective": day,
                }
                for n, (account, amount) in enumerate(
                    ((Account.WRITE_OFF_BAD_DEBT, "-10.00"), (Account.PATIENT_AR, "10.00")), 1
                )
            ],
        )

    report = verify_books(uow_factory, as_of=day, now=clock.now)

    found = report.of(Check.COLLECTIONS_ARE_BAD_DEBT)
    assert [f.message for f in found] == [
        "collections referral 2 (account P2): referred 149.00 to the agency, but its entries "
        "moved 150.00 from patient A/R to bad debt",
        "entry collections-recovery:NO-SUCH-PAYMENT:C3: recovers 10.00 of bad debt on claim C3 "
        "for payment NO-SUCH-PAYMENT, which is not in the books",
    ]
    assert [(f.claims, f.entries) for f in found] == [
        (("C3",), ("collections:2:C3",)),
        (("C3",), ("collections-recovery:NO-SUCH-PAYMENT:C3",)),
    ]
