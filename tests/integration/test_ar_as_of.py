"""A/R as of a day, summed by the database: one figure, its parts, its drill-down pages.

Every expectation is hand-computed (see ar_practice) and checked again against plain SQL over
the ledger, never through claimdesk.analytics.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from ar_practice import APRIL_END, MARCH_END, UowFactory, store
from sqlalchemy import text

from claimdesk.analytics.position import ArFilter
from claimdesk.denials.table import shipped_table
from claimdesk.domain.ledger import Account
from claimdesk.domain.money import Money
from claimdesk.services.kpis import kpi_report
from claimdesk.services.practice_summary import practice_summary
from claimdesk.store.queries.receivables import (
    ar_claims,
    ar_position,
    iter_ar_claims,
    trial_balance,
)
from claimdesk.store.uow import UnitOfWork

LEDGER_RECEIVABLES = text(
    "SELECT SUM(p.amount) FROM ledger_postings p "
    "JOIN ledger_entries e ON e.entry_id = p.entry_id "
    "WHERE p.account IN ('ar:insurance', 'ar:patient') AND e.effective <= :day"
)


def raw_money(uow: UnitOfWork, value: object) -> Money:
    """A SUM read with plain SQL: SQLite keeps money as integer cents, PostgreSQL as NUMERIC."""
    if value is None:
        return Money.zero()
    if uow.read.dialect.name == "sqlite":
        return Money.from_cents(int(str(value)))
    return Money(str(value))


@pytest.fixture
def books(uow_factory: UowFactory) -> UowFactory:
    with uow_factory() as uow:
        store(uow)
        uow.commit()
    return uow_factory


@pytest.mark.parametrize(
    ("day", "total", "billed", "unbilled", "patient", "bucket"),
    [
        # 3/31: CE1 20.00 + CE3 150.00 billed (CE3's 4/05 payment not yet), CE2 150.00 never
        # sent, CE1's patient 20.00 (the 4/20 payment not yet); 49 days since service.
        pytest.param(MARCH_END, "340.00", "170.00", "150.00", "20.00", "31-60", id="march"),
        # 4/30: CE3 paid and adjusted in full, the patient paid 15.00 of 20.00; 80 days.
        pytest.param(APRIL_END, "175.00", "20.00", "150.00", "5.00", "61-90", id="april"),
        # Before any posting: nothing owed.
        pytest.param(date(2024, 2, 9), "0.00", "0.00", "0.00", "0.00", "0-30", id="before"),
    ],
)
def test_the_ar_figure_as_of_a_day_equals_ledger_receivables(
    books: UowFactory,
    day: date,
    total: str,
    billed: str,
    unbilled: str,
    patient: str,
    bucket: str,
) -> None:
    with books() as uow:
        position = ar_position(uow.read, day)
        ledger = raw_money(uow, uow.read.execute(LEDGER_RECEIVABLES, {"day": day}).scalar())
    assert position.total == Money(total) == ledger
    assert position.parts() == {
        "insurance billed": Money(billed),
        "insurance unbilled": Money(unbilled),
        "patient": Money(patient),
    }
    # Aging total = ledger receivables: every dollar sits in one bucket.
    assert sum(position.by_bucket().values(), Money.zero()) == position.total
    assert position.by_bucket()[bucket] == position.total


def test_a_payment_after_the_as_of_day_does_not_count(books: UowFactory) -> None:
    with books() as uow:
        before = ar_position(uow.read, date(2024, 4, 4)).by_payer()
        after = ar_position(uow.read, date(2024, 4, 5)).by_payer()
    # CE3's 90.00 payment and 60.00 adjustment are effective 4/05.
    assert before["MCR"] == Money("150.00")
    assert "MCR" not in after  # nothing open


def test_unbilled_claims_are_their_own_part_of_the_aging(books: UowFactory) -> None:
    with books() as uow:
        position = ar_position(uow.read, MARCH_END)
    assert position.aging_by_payer("insurance unbilled") == [
        (
            "ACME",
            {
                **dict.fromkeys(("0-30", "61-90", "91-120", "120+"), Money.zero()),
                "31-60": Money("150.00"),
            },
            Money("150.00"),
        ),
    ]
    billed = {payer: amount for payer, _, amount in position.aging_by_payer("insurance billed")}
    assert billed == {"ACME": Money("20.00"), "MCR": Money("150.00")}


def test_the_trial_balance_as_of_a_day_balances(books: UowFactory) -> None:
    with books() as uow:
        march = trial_balance(uow.read, MARCH_END)
    assert sum(march.values(), Money.zero()) == Money.zero()
    # Charges 490.00; only CE1's payment (100.00) and adjustment (50.00) by 3/31.
    assert march[Account.GROSS_CHARGES] == Money("-490.00")
    assert march[Account.CASH] == Money("100.00")
    assert march[Account.CONTRACTUAL] == Money("50.00")


def test_the_drill_down_is_paged_and_complete(books: UowFactory) -> None:
    everything = ArFilter()
    with books() as uow:
        first = ar_claims(uow.read, MARCH_END, everything, limit=2)
        assert first.next_after is not None
        second = ar_claims(uow.read, MARCH_END, everything, after=first.next_after, limit=2)
        assert second.next_after is None
        streamed = list(iter_ar_claims(uow.read, MARCH_END, everything, page_size=1))
        unbilled = ar_claims(uow.read, MARCH_END, ArFilter(part="insurance unbilled"))
        acme_old = ar_claims(uow.read, MARCH_END, ArFilter(payer_id="ACME", bucket="61-90"))
    rows = [*first.rows, *second.rows]
    # CE1 owes on both receivables, so four rows: no row twice, none left out.
    assert [(r.claim_id, r.part, r.amount) for r in rows] == [
        ("CE1", "insurance billed", Money("20.00")),
        ("CE1", "patient", Money("20.00")),
        ("CE2", "insurance unbilled", Money("150.00")),
        ("CE3", "insurance billed", Money("150.00")),
    ]
    assert streamed == rows
    assert [r.claim_id for r in unbilled.rows] == ["CE2"]
    assert acme_old.rows == ()


SUM_IN_PERIOD = text(
    "SELECT SUM(p.amount) FROM ledger_postings p "
    "JOIN ledger_entries e ON e.entry_id = p.entry_id "
    "WHERE p.account = :account AND e.effective BETWEEN :start AND :end"
)


def test_the_kpis_printed_equal_a_recomputation_by_hand_and_sql(books: UowFactory) -> None:
    start = date(2024, 2, 1)
    with books() as uow:
        report = kpi_report(uow, start=start, end=MARCH_END, table=shipped_table())
        summary = practice_summary(uow, MARCH_END)

        def summed(account: str, first: date = start) -> Money:
            found = uow.read.execute(
                SUM_IN_PERIOD, {"account": account, "start": first, "end": MARCH_END}
            ).scalar()
            return raw_money(uow, found)

        cash = summed(Account.CASH.value)
        charges = -summed(Account.GROSS_CHARGES.value, date(2024, 1, 2))
        contractual = summed(Account.CONTRACTUAL.value, date(2024, 1, 2))
    # One A/R figure: the KPI report's aging, the summary and the ledger say 340.00.
    aging = report.get("ar_aging")
    assert aging.value == summary.ar.total == Money("340.00")
    # Net revenue of the 90 days to 3/31: charges 490.00 - contractual 50.00 = 440.00.
    assert (charges, contractual) == (Money("490.00"), Money("50.00"))
    # Net A/R: CE1 was adjusted 50.00 on 190.00 of charges (Acme's ratio, and the practice's for
    # Medicare, which has none); CE2 and CE3 (150.00 each, no adjustment yet) carry an allowance
    # of 150.00 x 50/190 = 39.47 each: 340.00 - 78.94 = 261.06.
    days = report.get("net_days_in_ar")
    assert days.numerator_summary().amount == Money("261.06")
    assert days.value == Decimal("261.06") * 90 / Decimal("440.00")
    # Net collection rate: cash 100.00 (CE1's payment; the patient's 4/20 payment is later) over
    # charges less contractual of the period, 440.00.
    assert cash == Money("100.00")
    assert report.get("net_collection_rate").value == Decimal("100.00") / Decimal("440.00")
    # A/R over 90: nothing is older than 49 days; billed A/R is 170.00 + 20.00 patient.
    over = report.get("ar_over_90")
    assert over.value == Decimal(0)
    billed = over.denominator_summary()
    assert billed is not None
    assert billed.amount == Money("190.00")
