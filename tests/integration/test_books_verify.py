"""``books verify`` on SQLite and PostgreSQL: each invariant holds on books posted the normal
way, and fails, naming the claims and entries behind it, once a row is broken directly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from remit_practice import NOW, VISIT_DAY, ensure_person, file_of, paid_claim, remittance, seed
from sqlalchemy import Engine, delete, insert, select, update

from claimdesk.denials.table import shipped_table
from claimdesk.domain.books import BooksReport, Check
from claimdesk.domain.money import Money
from claimdesk.domain.work import Problem, WorkKind
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.books import verify_books
from claimdesk.services.post_remittance import post_bytes
from claimdesk.services.tier2 import request_write_off
from claimdesk.services.work_queue import open_item
from claimdesk.store.tables.claim_rollups import (
    ClaimRollupRow,
    FirstAdjustmentRow,
    OpenArSumRow,
    PatientSinceRow,
)
from claimdesk.store.tables.ledger import LedgerDayRow, LedgerEntryRow, LedgerPostingRow
from claimdesk.store.tables.remittances import RemittanceRow
from claimdesk.store.tables.work_items import WorkItemRow
from claimdesk.store.tables.write_offs import WriteOffRequestRow
from claimdesk.store.uow import UnitOfWork

Factory = Callable[[], UnitOfWork]
AS_OF = date(2024, 3, 20)
M = Money


def post(uow_factory: Factory, trace: str, claim_id: str, now: datetime = NOW) -> None:
    post_bytes(
        uow_factory,
        file_of(remittance(trace, paid_claim(claim_id))),
        name=trace,
        now=now,
        by="poster",
        table=shipped_table(),
        policy=shipped_policy(),
    )


@pytest.fixture
def books(uow_factory: Factory) -> Factory:
    """Claims C1..C3 charged 190.00 each on 2024-02-10; C1 paid 92.50 by 835 TRN02 T1."""
    seed(uow_factory)
    post(uow_factory, "T1", "C1")
    return uow_factory


def verified(uow_factory: Factory, as_of: date = AS_OF) -> BooksReport:
    return verify_books(uow_factory, as_of=as_of, now=NOW)


def raw_entry(engine: Engine, entry_id: str, kind: str, day: date, *postings: Any) -> None:
    """An entry written straight to the tables, past every check the ledger makes."""
    with engine.begin() as db:
        db.execute(
            insert(LedgerEntryRow),
            [
                {
                    "entry_id": entry_id,
                    "kind": kind,
                    "effective": day,
                    "recorded_at": datetime(2024, 3, 1, tzinfo=UTC),
                    "recorded_by": "intruder",
                    "source": "",
                    "memo": "",
                }
            ],
        )
        db.execute(
            insert(LedgerPostingRow),
            [
                {
                    "entry_id": entry_id,
                    "position": n,
                    "account": account,
                    "amount": Decimal(amount),
                    "patient_account": "P1",
                    "claim_id": claim_id,
                    "line_number": line,
                    "payer_id": "ACME",
                    "effective": day,
                }
                for n, (account, amount, claim_id, line) in enumerate(postings, 1)
            ],
        )


def test_books_posted_the_normal_way_hold(books: Factory) -> None:
    report = verified(books)
    assert report.holds, report.findings
    assert report.as_json()["holds"] is True


def test_an_unbalanced_entry_is_named_with_its_claim(books: Factory, engine: Engine) -> None:
    # 5.00 debited, 4.00 credited: off by 1.00.
    raw_entry(
        engine,
        "bad-1",
        "other_adjustment",
        date(2024, 3, 1),
        ("cash", "5.00", "C2", None),
        ("adjustment:other", "-4.00", "C2", None),
    )
    raw_entry(engine, "bad-2", "other_adjustment", date(2024, 3, 1), ("cash", "0.00", "C3", 1))
    [unbalanced, lonely] = verified(books).of(Check.ENTRIES_BALANCE)
    assert (unbalanced.entries, unbalanced.claims) == (("bad-1",), ("C2",))
    assert "sum to 1.00" in unbalanced.message
    assert (lonely.entries, lonely.claims) == (("bad-2",), ("C3",))
    # An entry effective after the as-of date is not yet in the books.
    assert verified(books, date(2024, 2, 28)).of(Check.ENTRIES_BALANCE) == ()


def test_stored_figures_must_equal_their_postings(books: Factory, engine: Engine) -> None:
    request_id = request_write_off(
        books,
        "C2",
        amount=M("40.00"),
        reason_code="small-balance",
        note="",
        by=ensure_person(books, "bill"),
        now=NOW,
        policy=shipped_policy(),
    )
    assert verified(books).of(Check.FIGURES_EQUAL_POSTINGS) == ()
    with engine.begin() as db:
        db.execute(
            update(WriteOffRequestRow)
            .where(WriteOffRequestRow.id == request_id)
            .values(amount=Decimal("50.00"))
        )
    raw_entry(
        engine,
        "odd-1",
        "other_adjustment",
        date(2024, 3, 1),
        ("adjustment:mystery", "5.00", "C3", None),
        ("cash", "-5.00", "C3", None),
    )
    [account, request] = verified(books).of(Check.FIGURES_EQUAL_POSTINGS)
    assert request.message == (
        f"write-off request {request_id} keeps 50.00, but entry write-off:{request_id} posted 40.00"
    )
    assert request.claims == ("C2",)
    assert (account.entries, account.claims) == (("odd-1",), ("C3",))


def test_a_charge_before_its_date_of_service_fails(books: Factory, engine: Engine) -> None:
    early = VISIT_DAY - timedelta(days=9)
    raw_entry(
        engine,
        "charge:early",
        "charge",
        early,
        ("ar:insurance", "10.00", "C2", 1),
        ("revenue:gross-charges", "-10.00", "C2", 1),
    )
    [found] = verified(books).of(Check.NO_CHARGE_BEFORE_SERVICE)
    assert (found.claims, found.entries) == (("C2",), ("charge:early",))
    assert "before its date of service 2024-02-10" in found.message


def test_a_negative_balance_needs_an_open_credit_balance_item(
    books: Factory, engine: Engine
) -> None:
    # C3 was charged 190.00; 300.00 paid on it leaves insurance A/R at -110.00.
    raw_entry(
        engine,
        "overpaid-1",
        "insurance_payment",
        date(2024, 3, 15),
        ("cash", "300.00", "C3", None),
        ("ar:insurance", "-300.00", "C3", None),
    )
    [found] = verified(books).of(Check.NO_UNWORKED_CREDIT)
    assert found.claims == ("C3",)
    assert "ar:insurance balance -110.00" in found.message
    open_item(
        books,
        Problem(
            kind=WorkKind.CREDIT_BALANCE,
            category="credit_balance",
            problem_key="credit:C3",
            amount_at_stake=M("110.00"),
            claim_id="C3",
            patient_account="P1",
            payer_id="ACME",
        ),
        now=NOW - timedelta(days=1),
        by="poster",
        policy=shipped_policy(),
    )
    assert verified(books).of(Check.NO_UNWORKED_CREDIT) == ()


def test_cash_per_trace_must_equal_bpr02(books: Factory, engine: Engine) -> None:
    with engine.begin() as db:
        db.execute(
            update(RemittanceRow)
            .where(RemittanceRow.trace_number == "T1")
            .values(payment_amount=Decimal("93.50"))
        )
    [found] = verified(books).of(Check.CASH_PER_TRACE)
    assert found.claims == ("C1",)
    assert "cash posted 92.50, BPR02 93.50 (off by -1.00)" in found.message


def test_the_aging_report_adds_up_to_the_receivables(books: Factory) -> None:
    report = verified(books)
    # C1: 190.00 - 92.50 paid - 77.50 contractual = 20.00 on the patient; C2, C3: 190.00 each.
    assert report.of(Check.AGING_EQUALS_RECEIVABLES) == ()


def test_an_underpayment_recovery_must_be_cash_posted_after_the_item_opened(
    books: Factory, engine: Engine
) -> None:
    opened = open_item(
        books,
        Problem(
            kind=WorkKind.UNDERPAYMENT,
            category="underpayment",
            problem_key="underpayment",
            amount_at_stake=M("92.50"),
            claim_id="C2",
            patient_account="P1",
            payer_id="ACME",
        ),
        now=NOW - timedelta(days=1),
        by="poster",
        policy=shipped_policy(),
    ).item
    post(books, "T2", "C2")  # 92.50 paid on C2 after the item opened

    def closed_recovered(amount: str) -> None:
        with engine.begin() as db:
            db.execute(
                update(WorkItemRow)
                .where(WorkItemRow.id == opened.item_id)
                .values(
                    status="done",
                    outcome="recovered",
                    resolved_amount=Decimal(amount),
                    closed_at=NOW + timedelta(hours=1),
                )
            )

    closed_recovered("92.50")
    assert verified(books).of(Check.RECOVERIES_ARE_CASH) == ()
    closed_recovered("100.00")
    [found] = verified(books).of(Check.RECOVERIES_ARE_CASH)
    assert found.claims == ("C2",)
    assert "closed recovered 100.00, but 92.50 cash was posted on the claim" in found.message


def test_kpi_rollups_follow_every_posting_and_a_broken_one_is_found(
    books: Factory, engine: Engine
) -> None:
    assert verified(books).of(Check.ROLLUPS_EQUAL_BOOKS) == ()
    with engine.connect() as db:
        row = db.execute(select(ClaimRollupRow).where(ClaimRollupRow.claim_id == "C1")).one()
    # C1: charged 190.00, paid 92.50 with 77.50 contractual, 20.00 moved to the patient.
    assert (row.adjudicated_paid, row.first_paid, row.insurance_ar, row.patient_ar) == (
        Decimal("92.50"),
        Decimal("92.50"),
        Decimal("0.00"),
        Decimal("20.00"),
    )
    assert (row.contractual, row.gross_charges) == (Decimal("77.50"), Decimal("-190.00"))
    with engine.begin() as db:
        db.execute(
            update(ClaimRollupRow)
            .where(ClaimRollupRow.claim_id == "C2")
            .values(insurance_ar=Decimal("1.00"))
        )
        db.execute(delete(ClaimRollupRow).where(ClaimRollupRow.claim_id == "C3"))
    # The open receivables' sums were kept with the rollups as they were: they differ too.
    found, sums = verified(books).of(Check.ROLLUPS_EQUAL_BOOKS)
    assert "open_ar_sums" in sums.message
    assert found.claims == ("C2", "C3")
    assert found.message.startswith("2 claim(s) keep KPI rollups")


def test_first_adjudication_adjustments_follow_the_835_and_a_broken_one_is_found(
    books: Factory, engine: Engine
) -> None:
    """The denial KPIs read each claim's first-adjudication CAS adjustments from
    ``first_adjustments``, written with the claim's rollup; a row changed, missing or extra is
    found, naming its claim."""
    assert verified(books).of(Check.ROLLUPS_EQUAL_BOOKS) == ()
    a = FirstAdjustmentRow
    with engine.connect() as db:
        c1 = db.execute(select(a.group_code, a.amount).where(a.claim_id == "C1")).all()
        claims = set(db.scalars(select(a.claim_id)))
    # C1: 77.50 contractual (CO) and 20.00 moved to the patient (PR) on its 835; the other
    # claims have no adjudication with adjustments.
    assert sorted(c1) == [("CO", Decimal("77.50")), ("PR", Decimal("20.00"))]
    assert claims == {"C1"}
    with engine.begin() as db:
        db.execute(
            update(a).where(a.claim_id == "C1", a.group_code == "PR").values(amount=Decimal("2"))
        )
        db.execute(
            insert(a).values(
                claim_id="C2",
                group_code="OA",
                carc="23",
                payer_id="X",
                adjudicated_on=date(2026, 1, 1),
                amount=Decimal("1.00"),
            )
        )
    findings = verified(books).of(Check.ROLLUPS_EQUAL_BOOKS)
    [found] = [f for f in findings if "first_adjustments" in f.message]
    assert found.claims == ("C1", "C2")
    assert found.message.startswith("2 claim(s) keep first-adjudication CAS adjustments")


def test_the_first_day_on_patient_ar_follows_the_postings_and_a_broken_one_is_found(
    books: Factory, engine: Engine
) -> None:
    """The patient aging dates each visit from ``patient_since``, written with the claim's
    rollup; a row changed, missing or extra is found, naming its claim."""
    assert verified(books).of(Check.ROLLUPS_EQUAL_BOOKS) == ()
    s = PatientSinceRow
    with engine.connect() as db:
        rows = db.execute(select(s.claim_id, s.patient_account, s.since)).all()
    # C1's 20.00 moved to the patient with its 835: the only claim billed to a patient.
    [(claim, patient, day)] = rows
    assert (claim, patient) == ("C1", "P1")
    with engine.begin() as db:
        db.execute(update(s).where(s.claim_id == "C1").values(since=day - timedelta(days=1)))
        db.execute(
            insert(s).values(
                claim_id="C3", encounter_id="E3", patient_account="P1", since=date(2026, 1, 1)
            )
        )
    findings = verified(books).of(Check.ROLLUPS_EQUAL_BOOKS)
    [found] = [f for f in findings if "patient_since" in f.message]
    assert found.claims == ("C1", "C3")
    assert found.message.startswith("2 claim(s) keep a first day on patient A/R")


def test_the_open_receivables_sums_follow_every_posting_and_a_broken_one_is_found(
    books: Factory, engine: Engine
) -> None:
    """The A/R as it stands reads the open receivables' sums, kept with the rollups: after
    every posting of the books they equal the same sums over the rollups, and a sum that
    drifts is found, naming its table."""
    assert verified(books).of(Check.ROLLUPS_EQUAL_BOOKS) == ()
    o = OpenArSumRow
    with engine.connect() as db:
        rows = db.execute(select(o).where(o.claims != 0)).all()
        rollups = db.execute(select(ClaimRollupRow.insurance_ar, ClaimRollupRow.patient_ar)).all()
    assert sum(r.insurance + r.patient for r in rows) == sum(i + p for i, p in rollups)
    assert sum(r.claims for r in rows) == sum(1 for i, p in rollups if i or p)
    first = rows[0]
    with engine.begin() as db:
        db.execute(
            update(o)
            .where(o.payer_id == first.payer_id, o.date_of_service == first.date_of_service)
            .values(insurance=first.insurance + Decimal("0.01"))
        )
    [found] = verified(books).of(Check.ROLLUPS_EQUAL_BOOKS)
    assert found.message.endswith("open_ar_sums")


def test_the_day_balances_follow_every_posting_and_a_broken_one_is_found(
    books: Factory, engine: Engine
) -> None:
    """The trial balance reads the balances by day (``ledger_days``): posted in the same
    transactions as the postings, equal to them (several entries of one day add up in one
    row), and a row that drifts, goes missing or is extra is found."""
    assert verified(books).of(Check.ROLLUPS_EQUAL_BOOKS) == ()
    with engine.connect() as db:
        days = db.execute(select(LedgerDayRow)).all()
        summed = db.execute(
            select(
                LedgerEntryRow.effective, LedgerPostingRow.account, LedgerPostingRow.amount
            ).join(LedgerEntryRow, LedgerEntryRow.entry_id == LedgerPostingRow.entry_id)
        ).all()
    expected: dict[tuple[object, str], Decimal] = {}
    for day, account, amount in summed:
        expected[(day, account)] = expected.get((day, account), Decimal(0)) + amount
    kept: dict[tuple[object, str], Decimal] = {}
    for d in days:
        kept[(d.effective, d.account)] = kept.get((d.effective, d.account), Decimal(0)) + d.amount
    assert kept == expected
    assert any(d.postings > 1 for d in days)
    first = days[0]
    with engine.begin() as db:
        db.execute(
            update(LedgerDayRow)
            .where(
                LedgerDayRow.effective == first.effective,
                LedgerDayRow.account == first.account,
                LedgerDayRow.kind == first.kind,
                LedgerDayRow.from_payer == first.from_payer,
            )
            .values(amount=first.amount + Decimal("0.01"))
        )
        db.execute(
            insert(LedgerDayRow).values(
                effective=date(1999, 1, 1),
                account="cash",
                kind="patient_payment",
                from_payer=False,
                amount=Decimal("5.00"),
                postings=1,
            )
        )
    [found] = verified(books).of(Check.ROLLUPS_EQUAL_BOOKS)
    assert found.message.startswith("2 day balance(s) of an account")


def test_each_posting_carries_its_entrys_day_and_a_moved_one_is_found(
    books: Factory, engine: Engine
) -> None:
    """The period sums read the day each posting carries (a copy of its entry's): every
    posting written by the ledger carries it, and a posting moved to another day behind the
    ledger is found, naming its entry."""
    with engine.connect() as db:
        dated = db.execute(
            select(LedgerPostingRow.effective, LedgerEntryRow.effective).join(
                LedgerEntryRow, LedgerEntryRow.entry_id == LedgerPostingRow.entry_id
            )
        ).all()
        moved = db.execute(select(LedgerPostingRow).order_by(LedgerPostingRow.id)).first()
    assert dated
    assert all(posting == entry for posting, entry in dated)
    assert moved is not None
    assert verified(books).of(Check.ROLLUPS_EQUAL_BOOKS) == ()
    with engine.begin() as db:
        db.execute(
            update(LedgerPostingRow)
            .where(LedgerPostingRow.id == moved.id)
            .values(effective=moved.effective + timedelta(days=1))
        )
    [found] = verified(books).of(Check.ROLLUPS_EQUAL_BOOKS)
    assert found.entries == (moved.entry_id,)
    assert "another effective day" in found.message
