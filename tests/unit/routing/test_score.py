"""Priority score: exact values for the default rates, learned rates and deadline urgency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from claimdesk.domain.money import Money
from claimdesk.routing.policy import shipped_policy
from claimdesk.routing.score import CategoryRecord, score, urgency

POLICY = shipped_policy()
TODAY = date(2026, 3, 1)


def test_default_rate_per_hour_without_deadline() -> None:
    result = score(
        amount_at_stake=Money("1000.00"),
        category="coding",
        deadline=None,
        today=TODAY,
        policy=POLICY,
        history={},
    )
    assert result.recovery_rate == Decimal("0.60")
    assert result.rate_source == "default"
    assert result.expected_recovery == Money("600.00")
    assert result.effort_minutes == 30
    assert result.urgency == Decimal(1)
    assert result.days_left is None
    assert result.value == Decimal("1200.00")
    assert "600.00" in result.explain()
    assert "no deadline" in result.explain()


def test_deadline_inside_the_horizon_raises_the_score_linearly() -> None:
    result = score(
        amount_at_stake=Money("1000.00"),
        category="coding",
        deadline=date(2026, 3, 11),
        today=TODAY,
        policy=POLICY,
        history={},
    )
    assert result.days_left == 10
    assert result.urgency == Decimal("2.333")
    assert result.value == Decimal("2799.60")


def test_urgency_is_flat_outside_the_horizon_and_capped_on_and_after_the_deadline() -> None:
    assert urgency(date(2026, 4, 15), TODAY, POLICY) == (Decimal(1), 45)
    assert urgency(date(2026, 3, 31), TODAY, POLICY) == (Decimal(1), 30)
    assert urgency(date(2026, 3, 30), TODAY, POLICY) == (Decimal("1.067"), 29)
    assert urgency(TODAY, TODAY, POLICY) == (Decimal("3.000"), 0)
    assert urgency(date(2026, 2, 26), TODAY, POLICY) == (Decimal("3.000"), -3)


def test_the_practice_rate_replaces_the_default_once_enough_items_closed() -> None:
    learned = {"coding": CategoryRecord(30, Money("10000.00"), Money("2500.00"))}
    result = score(
        amount_at_stake=Money("1000.00"),
        category="coding",
        deadline=None,
        today=TODAY,
        policy=POLICY,
        history=learned,
    )
    assert (result.recovery_rate, result.rate_source) == (Decimal("0.2500"), "practice")
    assert result.expected_recovery == Money("250.00")
    assert result.value == Decimal("500.00")


def test_too_few_closed_items_keep_the_default_rate() -> None:
    learned = {"coding": CategoryRecord(29, Money("10000.00"), Money("2500.00"))}
    result = score(
        amount_at_stake=Money("1000.00"),
        category="coding",
        deadline=None,
        today=TODAY,
        policy=POLICY,
        history=learned,
    )
    assert (result.recovery_rate, result.rate_source) == (Decimal("0.60"), "default")


def test_learned_rate_is_capped_at_one_and_zero_at_stake_recovers_nothing() -> None:
    assert CategoryRecord(40, Money("100.00"), Money("150.00")).rate == Decimal(1)
    assert CategoryRecord(40, Money(0), Money(0)).rate == Decimal(0)


def test_cheap_quick_items_can_outrank_bigger_slow_ones() -> None:
    quick = score(
        amount_at_stake=Money("300.00"),
        category="registration",
        deadline=None,
        today=TODAY,
        policy=POLICY,
        history={},
    )
    slow = score(
        amount_at_stake=Money("1000.00"),
        category="medical_necessity",
        deadline=None,
        today=TODAY,
        policy=POLICY,
        history={},
    )
    assert quick.value == Decimal("1620.00")  # 270 expected over 10 minutes
    assert slow.value == Decimal("400.00")  # 400 expected over 60 minutes
