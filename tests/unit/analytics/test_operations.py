"""Days to pay, underpayment recoveries, productivity and estimate accuracy, pinned by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from claimdesk.analytics.facts import EstimateFact, Facts, WorkFact
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


def test_underpayment_dollars_recovered_against_dollars_at_stake() -> None:
    kpi = underpayment_recovered(Facts(work=WORK), MARCH)
    assert kpi.value == Money("15.00")
    assert [(r.claim_id, r.amount) for r in kpi.numerator] == [("C1", Money("15.00"))]
    assert [r.claim_id for r in kpi.denominator or ()] == ["C1", "C2"]
    assert kpi.tables[0].rows == ((2, Money("25.00"), Money("15.00"), Decimal("0.6")),)


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
