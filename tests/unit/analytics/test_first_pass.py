"""Clean claim rate, first-pass resolution, initial denials and the denial Pareto, pinned on a
hand-built month whose every figure is counted below."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from claimdesk.analytics.denials import denials
from claimdesk.analytics.facts import Facts, Period
from claimdesk.analytics.first_pass import (
    clean_claim_rate,
    first_pass_resolution_rate,
    initial_denial_rate,
    initial_denial_rate_dollars,
)
from claimdesk.analytics.results import ClaimAmount
from claimdesk.denials.table import shipped_table
from claimdesk.domain.money import Money

from .builders import claim, payment

MARCH = Period(date(2024, 3, 1), date(2024, 3, 31))
APRIL = Period(date(2024, 4, 1), date(2024, 4, 30))


def d(day: int, month: int = 3) -> date:
    return date(2024, month, day)


def practice() -> Facts:
    """C1 clean and paid; C2 held by the scrubber then paid; C3 rejected by the clearinghouse
    then paid; C4 denied, appealed, paid in April; C5 submitted in February, paid in part; C6 a
    replacement (not counted); C7 submitted, not adjudicated; C8 paid, reversed, paid again; C9
    held by the scrubber and not fixed yet."""
    claims = (
        claim("C1", (d(1), "draft"), (d(1), "ready"), (d(2), "submitted"), (d(20), "paid")),
        claim("C2", (d(1), "held"), (d(2), "ready"), (d(3), "submitted"), (d(20), "paid")),
        claim(
            "C3",
            (d(2), "submitted"),
            (d(3), "rejected"),
            (d(4), "ready"),
            (d(5), "submitted"),
            (d(21), "paid"),
        ),
        claim(
            "C4",
            (d(2), "submitted"),
            (d(15), "denied"),
            (d(16), "appealed"),
            (d(10, 4), "paid"),
            charge="200.00",
            payer="P2",
        ),
        claim("C5", (d(20, 2), "submitted"), (d(10), "partially_paid")),
        claim("C6", (d(5), "submitted"), (d(25), "paid"), frequency="7"),
        claim("C7", (d(28), "submitted")),
        claim("C8", (d(2), "submitted"), (d(12), "paid"), (d(14), "accepted"), (d(14), "paid")),
        claim("C9", (d(1), "draft"), (d(29), "held")),
    )
    payments = (
        payment(1, "C1", d(20), paid="80.00", adjustments=(("CO", "45", "20.00"),)),
        payment(2, "C2", d(20), paid="80.00"),
        payment(3, "C3", d(21), paid="80.00"),
        payment(
            4,
            "C4",
            d(15),
            paid="0.00",
            charge="200.00",
            clp_status="4",
            denied="200.00",
            adjustments=(("CO", "50", "200.00"),),
        ),
        payment(5, "C4", d(10, 4), paid="150.00", charge="200.00"),
        payment(
            6,
            "C5",
            d(10),
            paid="40.00",
            patient="10.00",
            denied="30.00",
            adjustments=(("CO", "16", "30.00"), ("CO", "45", "20.00"), ("PR", "1", "10.00")),
        ),
        payment(7, "C6", d(25), paid="80.00"),
        payment(8, "C8", d(12), paid="90.00", reversed=True),
        payment(9, "C8", d(14), paid="-90.00", charge="-100.00", clp_status="22"),
        payment(10, "C8", d(14), paid="85.00"),
    )
    return Facts(claims=claims, payments=payments)


def ids(rows: Sequence[ClaimAmount] | None) -> list[str]:
    assert rows is not None
    return [r.claim_id for r in rows]


def test_clean_claim_rate_counts_claims_scrubbed_in_the_period_never_held_or_rejected() -> None:
    kpi = clean_claim_rate(practice(), MARCH)
    assert ids(kpi.denominator) == ["C1", "C2", "C3", "C4", "C7", "C8", "C9"]
    assert ids(kpi.numerator) == ["C1", "C4", "C7", "C8"]
    assert kpi.value == Decimal(4) / Decimal(7)
    assert kpi.display() == "57.1%"


def test_first_pass_resolution_excludes_rejected_denied_and_counts_reversed_payment_as_first() -> (
    None
):
    kpi = first_pass_resolution_rate(practice(), MARCH)
    assert ids(kpi.denominator) == ["C1", "C2", "C3", "C4", "C5", "C8"]
    assert ids(kpi.numerator) == ["C1", "C2", "C8"]
    assert kpi.value == Decimal("0.5")


def test_a_claim_denied_then_paid_on_appeal_is_an_initial_denial_and_not_first_pass() -> None:
    facts = practice()
    assert "C4" in ids(initial_denial_rate(facts, MARCH).numerator)
    assert "C4" not in ids(first_pass_resolution_rate(facts, MARCH).numerator)
    # The appeal's payment in April is no new first adjudication.
    april = initial_denial_rate(facts, APRIL)
    assert april.value is None
    assert april.denominator == ()
    assert april.empty_reason == "no claim was adjudicated in the period"
    assert april.display() == "n/a (no claim was adjudicated in the period)"


def test_initial_denial_rate_in_claims_and_dollars() -> None:
    count = initial_denial_rate(practice(), MARCH)
    assert ids(count.numerator) == ["C4", "C5"]
    assert count.value == Decimal(2) / Decimal(6)
    dollars = initial_denial_rate_dollars(practice(), MARCH)
    assert [(r.claim_id, r.amount) for r in dollars.numerator] == [
        ("C4", Money("200.00")),
        ("C5", Money("30.00")),
    ]
    assert sum(r.amount.cents for r in dollars.denominator) == 70000
    assert dollars.value == Decimal("230.00") / Decimal("700.00")


def test_underpaid_claim_is_not_resolved_on_first_pass() -> None:
    facts = Facts(
        claims=(claim("C1", (d(1), "submitted"), (d(9), "partially_paid")),),
        payments=(payment(1, "C1", d(9), paid="60.00", shortfall="20.00"),),
    )
    assert first_pass_resolution_rate(facts, MARCH).value == Decimal(0)
    assert initial_denial_rate(facts, MARCH).value == Decimal(0)


def test_denial_pareto_by_category_carc_and_payer_sums_to_the_dollars_denied() -> None:
    kpi = denials(practice(), MARCH, shipped_table())
    assert kpi.value == Money("230.00")
    assert [(r.claim_id, r.amount, r.label) for r in kpi.numerator] == [
        ("C4", Money("200.00"), "medical_necessity CO-50"),
        ("C5", Money("30.00"), "missing_information CO-16"),
    ]
    by_name = {t.name: t for t in kpi.tables}
    share = Decimal("200") / Decimal("230")
    assert by_name["denials_by_category"].rows == (
        ("medical_necessity", 1, Money("200.00"), share, share),
        ("missing_information", 1, Money("30.00"), Decimal("30") / Decimal("230"), Decimal(1)),
    )
    assert [row[0] for row in by_name["denials_by_carc"].rows] == ["CO-50", "CO-16"]
    assert [row[:3] for row in by_name["denials_by_payer"].rows] == [
        ("P2", 1, Money("200.00")),
        ("P1", 1, Money("30.00")),
    ]
