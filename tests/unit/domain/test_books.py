"""The books' invariants over hand-made facts: each check's failure and what it names."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from claimdesk.domain.books import (
    BadDebtRecovery,
    BooksFacts,
    ChargeDate,
    Check,
    ClaimBalance,
    ClosedPeriodEntry,
    EntryTotal,
    PatientCredit,
    Recovery,
    Referral,
    StoredFigure,
    TraceCash,
    UnprovenCash,
    verify,
)
from claimdesk.domain.money import Money

M = Money
DAY = date(2024, 3, 20)


def test_no_facts_no_findings_and_every_check_is_reported() -> None:
    report = verify(BooksFacts(as_of=DAY))
    assert report.holds
    answer = json.loads(json.dumps(report.as_json()))
    assert [c["code"] for c in answer["checks"]] == [f"BOOKS{n:03d}" for n in range(1, 15)]
    assert answer["holds"] is True


def test_patient_aging_that_does_not_add_up_to_the_patient_receivables_fails() -> None:
    # By account the buckets hold 135.00, by guarantor 120.00; the ledger's patient A/R is 135.00.
    facts = BooksFacts(
        as_of=DAY, patient_aging_totals=(M("135.00"), M("120.00")), patient_receivables=M("135.00")
    )
    [found] = verify(facts).of(Check.PATIENT_AGING_EQUALS_PATIENT_AR)
    assert found.message == (
        "patient aging totals 120.00, the ledger's patient A/R 135.00 as of 2024-03-20 "
        "(off by -15.00)"
    )


def test_aging_that_does_not_add_up_to_the_receivables_fails() -> None:
    # Aging shows 400.00 but the ledger's A/R is 420.00: 20.00 of A/R is missing from the buckets.
    facts = BooksFacts(as_of=DAY, aging_total=M("400.00"), receivables=M("420.00"))
    [found] = verify(facts).of(Check.AGING_EQUALS_RECEIVABLES)
    assert found.message == (
        "A/R aging totals 400.00, the ledger's receivables 420.00 as of 2024-03-20 (off by -20.00)"
    )


def test_each_check_keeps_what_holds_out_of_its_findings() -> None:
    facts = BooksFacts(
        as_of=DAY,
        unbalanced=(EntryTotal("e1", 2, M("1.00"), ("C1",)), EntryTotal("e2", 2, M(0))),
        charges=(
            ChargeDate("c1", "C1", 1, date(2024, 2, 9), date(2024, 2, 10)),  # a day early
            ChargeDate("c2", "C2", 1, date(2024, 2, 11), date(2024, 2, 10)),  # a late charge
        ),
        negative_balances=(
            ClaimBalance("C3", "ar:insurance", M("-5.00"), credit_item_open=False),
            ClaimBalance("C4", "ar:insurance", M("-5.00"), credit_item_open=True),
        ),
        traces=(
            TraceCash("R1", "T1", M("100.00"), M("100.00"), ("C5",)),
            # BPR02 75.00 = CLP04 100.00 - PLB 25.00, but only the CLP04s were posted.
            TraceCash("R2", "T2", M("75.00"), M("100.00"), ("C6",)),
        ),
        recoveries=(
            Recovery(7, "C7", M("50.00"), M("50.00")),
            Recovery(8, "C8", M("50.00"), M("0.00")),
        ),
    )
    report = verify(facts)
    assert [(f.check, f.claims) for f in report.findings] == [
        (Check.ENTRIES_BALANCE, ("C1",)),
        (Check.NO_CHARGE_BEFORE_SERVICE, ("C1",)),
        (Check.NO_UNWORKED_CREDIT, ("C3",)),
        (Check.CASH_PER_TRACE, ("C6",)),
        (Check.RECOVERIES_ARE_CASH, ("C8",)),
    ]
    assert "off by 25.00" in report.of(Check.CASH_PER_TRACE)[0].message


def test_a_trial_balance_off_zero_fails() -> None:
    [found] = verify(BooksFacts(as_of=DAY, trial_balance_total=M("0.01"))).findings
    assert (found.check, found.message) == (
        Check.FIGURES_EQUAL_POSTINGS,
        "the trial balance sums to 0.01, not zero",
    )


def test_rollups_that_drifted_from_the_books_fail_naming_their_claims() -> None:
    facts = BooksFacts(as_of=DAY, rollups_drifted=3, drifted_claims=("C1", "C2", "C9"))
    [found] = verify(facts).findings
    assert (found.check, found.claims) == (Check.ROLLUPS_EQUAL_BOOKS, ("C1", "C2", "C9"))
    assert found.message.startswith("3 claim(s) keep KPI rollups that differ")


def test_an_entry_recorded_into_a_closed_period_fails_naming_it() -> None:
    facts = BooksFacts(
        as_of=DAY,
        closed_period_entries=(ClosedPeriodEntry("e9", date(2024, 2, 20), "2024-02", ("C1",)),),
        closed_period_problems=("period 2024-02 patient: closed with ...",),
    )
    found = verify(facts).of(Check.CLOSED_PERIODS_HOLD)
    assert [(f.entries, f.claims) for f in found] == [(("e9",), ("C1",)), ((), ())]
    assert "effective 2024-02-20, in period 2024-02" in found[0].message


def test_cash_no_deposit_proves_fails_with_the_money() -> None:
    # BPR02 812.15, the bank received 811.78: 0.37 unproven; a matched trace is no finding.
    facts = BooksFacts(
        as_of=DAY,
        unproven_cash=(
            UnprovenCash("T1", "amount_mismatch", ("R1",), M("812.15"), M("0.37")),
            UnprovenCash("T2", "matched", ("R2",), M("50.00"), M("0.00")),
            UnprovenCash("T3", "era_without_eft", ("R3", "R4"), M("75.00"), M("75.00")),
        ),
    )
    found = verify(facts).of(Check.CASH_IN_BANK)
    assert [f.message for f in found] == [
        "835 TRN02 T1 (remittance R1): 0.37 of 812.15 paid is in no deposit (amount_mismatch)",
        "835 TRN02 T3 (remittance R3, R4): 75.00 of 75.00 paid is in no deposit (era_without_eft)",
    ]


def test_patient_credit_must_be_the_credit_account_and_be_worked() -> None:
    facts = BooksFacts(
        as_of=DAY,
        payment_figures=(
            StoredFigure("payment receipt 1 credit", M("10.00"), M("10.00"), "", "pp:1"),
            StoredFigure("payment receipt 2 credit", M("10.00"), M("4.00"), "", "pp:2"),
        ),
        patient_credits=(
            PatientCredit("P1", M("6.00"), True),
            PatientCredit("P2", M("-1.00"), False),
            PatientCredit("P3", M("3.00"), False),
        ),
    )
    report = verify(facts)
    assert [f.message for f in report.of(Check.PATIENT_CREDIT_IS_ACCOUNT)] == [
        "payment receipt 2 credit keeps 10.00, but entry pp:2 posted 4.00",
        "patient P2: credit account in debit (-1.00): more was applied or refunded than was paid",
    ]
    assert [f.message for f in report.of(Check.NO_UNWORKED_PATIENT_CREDIT)] == [
        "patient P3: unapplied credit 3.00 with no open credit-balance work item"
    ]


def test_collections_must_be_the_bad_debt_their_entries_moved() -> None:
    def referral(n: int, **changed: object) -> Referral:
        base: dict[str, Any] = {
            "referral_id": n,
            "account": "G1",
            "exported": True,
            "referred": M("35.00"),
            "claims": ("C1",),
            "bad_debt": M("35.00"),
            "patient_ar": M("35.00"),
            "entry_claims": ("C1",),
            "entries": (f"collections:{n}:C1",),
        }
        return Referral(**{**base, **changed})

    def recovery(entry_id: str, *, posted: bool, referred: bool) -> BadDebtRecovery:
        return BadDebtRecovery(entry_id, "C1", "PAY1", M("5.00"), posted, referred)

    facts = BooksFacts(
        as_of=DAY,
        referrals=(
            referral(1),
            referral(2, exported=False, account="", referred=M(0), claims=()),
            referral(3, patient_ar=M("30.00")),
            referral(4, claims=("C1", "C9")),
        ),
        bad_debt_recoveries=(
            recovery("r1", posted=True, referred=True),
            recovery("r2", posted=True, referred=False),
        ),
    )

    found = verify(facts).of(Check.COLLECTIONS_ARE_BAD_DEBT)

    assert [f.message for f in found] == [
        "collections referral 2 (account ) was not exported, but entries moved 35.00 to bad "
        "debt for it",
        "collections referral 3 (account G1): referred 35.00 to the agency, but its entries took "
        "30.00 off patient A/R and put 35.00 in bad debt",
        "collections referral 4 (account G1): lists claims C1 C9, but its entries write off C1",
        "entry r2: recovers 5.00 of bad debt on claim C1, which no exported collections referral "
        "wrote off",
    ]
    assert found[2].claims == ("C1", "C9")
