"""The rule that applies a patient payment, over hand-computed cases (docs/patient-payments.md)."""

from __future__ import annotations

from datetime import date

import pytest

from claimdesk.domain.money import Money
from claimdesk.domain.patient_payments import (
    Application,
    OpenBalance,
    PaymentError,
    allocate,
    looks_like_card_number,
    medicare_deadline,
)

M = Money
# B (visit on Feb 1) is older than A (Feb 9); C and D share Mar 1, so the claim id decides.
BALANCES = (
    OpenBalance("A", date(2024, 2, 9), M("50.00"), {1: M("30.00"), 2: M("20.00")}),
    OpenBalance("B", date(2024, 2, 1), M("25.00"), {1: M("25.00")}),
    OpenBalance("D", date(2024, 3, 1), M("10.00"), {1: M("10.00")}),
    OpenBalance("C", date(2024, 3, 1), M("40.00"), {1: M("15.00")}),  # 25.00 at claim level
    OpenBalance("E", date(2024, 1, 1), M("0.00")),  # paid: takes nothing
)


@pytest.mark.parametrize(
    ("amount", "claim", "applications", "unapplied"),
    [
        ("10.00", None, [("B", 1, "10.00")], "0.00"),
        ("25.00", None, [("B", 1, "25.00")], "0.00"),
        ("60.00", None, [("B", 1, "25.00"), ("A", 1, "30.00"), ("A", 2, "5.00")], "0.00"),
        (
            "100.00",
            None,
            [
                ("B", 1, "25.00"),
                ("A", 1, "30.00"),
                ("A", 2, "20.00"),
                ("C", 1, "15.00"),
                ("C", None, "10.00"),
            ],
            "0.00",
        ),
        (
            "130.00",
            None,
            [
                ("B", 1, "25.00"),
                ("A", 1, "30.00"),
                ("A", 2, "20.00"),
                ("C", 1, "15.00"),
                ("C", None, "25.00"),
                ("D", 1, "10.00"),
            ],
            "5.00",
        ),
        ("45.00", "A", [("A", 1, "30.00"), ("A", 2, "15.00")], "0.00"),
        ("70.00", "A", [("A", 1, "30.00"), ("A", 2, "20.00")], "20.00"),
        ("20.00", "C", [("C", 1, "15.00"), ("C", None, "5.00")], "0.00"),
        ("5.00", "E", [], "5.00"),
    ],
)
def test_a_payment_pays_oldest_first_or_the_named_claim(
    amount: str,
    claim: str | None,
    applications: list[tuple[str, int | None, str]],
    unapplied: str,
) -> None:
    found = allocate(M(amount), BALANCES, claim)
    assert found.applications == tuple(Application(c, n, M(a)) for c, n, a in applications)
    assert found.unapplied == M(unapplied)
    assert found.applied + found.unapplied == M(amount)


def test_nothing_owed_everything_is_credit_and_no_payment_is_zero() -> None:
    assert allocate(M("12.00"), ()).unapplied == M("12.00")
    with pytest.raises(PaymentError, match=r"more than 0\.00"):
        allocate(M("0.00"), BALANCES)


@pytest.mark.parametrize(
    ("text", "card"),
    [
        ("4111 1111 1111 1111", True),
        ("4111-1111-1111-1111", True),
        ("5500005555555559", True),
        ("ch_3OpK2xLkdIwHu7ix", False),
        ("check 1001", False),
        ("4111111111111112", False),  # fails the Luhn check
        ("123456789012", False),  # too short for a card
    ],
)
def test_card_numbers_are_recognised(text: str, card: bool) -> None:
    assert looks_like_card_number(text) is card


def test_a_medicare_overpayment_is_returned_within_60_days() -> None:
    # 42 CFR 401.305(b): identified on 2024-03-20, returned by 2024-05-19.
    assert medicare_deadline(date(2024, 3, 20)) == date(2024, 5, 19)
