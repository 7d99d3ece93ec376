"""Days to pay, underpayment recoveries, productivity and estimate accuracy, pinned by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from claimdesk.analytics.facts import ClaimCashFact, EstimateFact, Facts, WorkFact
from claimdesk.analytics.operations import (
    days_to_pay,
    estimate_accuracy,
    productivity,
    underpayment_recovered,
)
from claimdesk.domain.money import Money

from .test_first_pass import APRIL, MARCH, practice


def when(day: int, month: int = 3) -> datetime:
    return datetime(2024, month, day, 9, tzinfo=UTC)


def item(
    item_id: int,
    kind: str,
    claim_id: str,
    *,
    tier: int,
    by: str,
    created: datetime,
    closed: datetime,
    outcome: str,
    at_stake: str = "0.00",
    resolved: str | None = None,
) -> WorkFact:
    return WorkFact(
        item_id=item_id,
        kind=kind,
        claim_id=claim_id,
        payer_id="P1",
        tier=tier,
        queue=f"tier{tier}",
        status="done",
        outcome=outcome,
        closed_by=by,
        created_at=created,
        closed_at=closed,
        amount_at_stake=Money(at_stake),
        resolved_amount=None if resolved is None else Money(resolved),
    )


WORK = (
    item(
        1,
        "underpayment",
        "C1",
        tier=2,
        by="bea",
        created=when(1),
        closed=when(10),
        outcome="recovered",
        at_stake="20.00",
        resolved="15.00",
    ),
    item(
        2,
        "underpayment",
        "C2",
        tier=2,
        by="bea",
        created=when(2),
        closed=when(12),
        outcome="written_off",
        at_stake="5.00",
    ),
    item(
        3,
        "denial",
        "C4",
        tier=2,
        by="system",
        created=when(15),
        closed=when(20),
        outcome="problem_solved",
        at_stake="200.00",
    ),
    item(
        4,
        "scrub_hold",
        "C2",
        tier=1,
        by="al",
        created=when(1),
        closed=when(2),
        outcome="no_action_needed",
    ),
    item(
        5,
        "underpayment",
        "C3",
        tier=2,
        by="bea",
        created=when(1),
        closed=when(2, 4),
        outcome="recovered",
        at_stake="7.00",
        resolved="7.00",
    ),
)


def test_days_to_pay_from_first_submission_to_first_payment() -> None:
    kpi = days_to_pay(practice(), MARCH)
    assert [(r.claim_id, r.days) for r in kpi.numerator] == [
        ("C1", 18),
        ("C2", 17),
        ("C3", 19),
        ("C5", 19),  # 2024 is a leap year
        ("C8", 10),
    ]
    assert kpi.value == Decimal("16.6")
    april = days_to_pay(practice(), APRIL)
    assert april.tables[0].rows == (("P2", 1, Decimal(39)),)


def cash(claim_id: str, day: int, amount: str, month: int = 3) -> ClaimCashFact:
    return ClaimCashFact(claim_id, date(2024, month, day), Money(amount))


# Insurance cash posted to the claims of the underpayment items (items 1, 2 and 5).
CASH = (
    cash("C1", 1, "80.00"),  # the underpaid payment that opened item 1 (3/1): not a recovery
    cash("C1", 8, "12.00"),  # after the item opened: recovered
    cash("C1", 12, "15.00"),  # recovered, but item 1 had only 20.00 at stake: capped at 20.00
    cash("C2", 9, "3.00"),  # item 2 was closed "written off", yet 3.00 came in: cash counts
    cash("C2", 20, "-1.00"),  # a recoupment nets out: 2.00 recovered on C2
    cash("C3", 3, "7.00", month=4),  # item 5 closed in April: outside the March report
)


def test_underpayment_recovered_counts_cash_posted_after_the_item_opened() -> None:
    # Item 1 says "recovered 15.00" but 27.00 came in after it opened: 20.00 at stake, so 20.00;
    # item 2 says nothing recovered but 2.00 came in. March: 22.00 of 25.00 at stake.
    kpi = underpayment_recovered(Facts(work=WORK, insurance_cash=CASH), MARCH)
    assert kpi.value == Money("22.00")
    assert [(r.claim_id, r.amount) for r in kpi.numerator] == [
        ("C1", Money("20.00")),
        ("C2", Money("2.00")),
    ]
    assert [r.claim_id for r in kpi.denominator or ()] == ["C1", "C2"]
    assert kpi.tables[0].rows == ((2, Money("25.00"), Money("22.00"), Decimal("0.88")),)


def test_a_typed_in_recovery_without_cash_recovers_nothing() -> None:
    # Item 1 typed resolved 15.00, but no insurance cash reached C1 after it opened.
    kpi = underpayment_recovered(Facts(work=WORK), MARCH)
    assert kpi.value == Money.zero()
    assert kpi.numerator == ()


def test_productivity_per_tier_and_person_leaves_out_the_system() -> None:
    kpi = productivity(Facts(work=WORK), MARCH)
    assert kpi.value == 3
    assert kpi.tables[0].rows == (
        (1, "al", 1, Money("0.00"), Decimal("1.00")),
        (2, "bea", 2, Money("15.00"), Decimal("9.50")),
    )


def test_estimate_accuracy_compares_with_the_patient_share_still_standing() -> None:
    facts = practice()
    # C8's first payment gave the patient 50.00; its reversal takes that back.
    payments = tuple(
        replace(p, patient_share=Money("50.00"))
        if p.payment_id == 8
        else replace(p, patient_share=Money("-50.00"))
        if p.payment_id == 9
        else p
        for p in facts.payments
    )
    estimates = (
        EstimateFact("C1", Money("0.00"), when(1)),
        EstimateFact("C5", Money("25.00"), when(1, 2)),
        EstimateFact("C8", Money("3.00"), when(1)),
    )
    kpi = estimate_accuracy(replace(facts, payments=payments, estimates=estimates), MARCH)
    assert [r.claim_id for r in kpi.denominator or ()] == ["C1", "C5", "C8"]
    assert [r.claim_id for r in kpi.numerator] == ["C1", "C8"]
    assert kpi.value == Decimal(2) / Decimal(3)
    assert kpi.tables[0].rows == ((3, Money("28.00"), Money("10.00"), Decimal("6.00")),)


def test_estimate_accuracy_without_estimates_says_so() -> None:
    kpi = estimate_accuracy(practice(), MARCH)
    assert kpi.value is None
    assert kpi.empty_reason == "no estimated claim was adjudicated in the period"
