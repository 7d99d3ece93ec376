"""Escalation rules: SLA age, amount threshold and repeated failure, with the reason recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from claimdesk.domain.money import Money
from claimdesk.routing.escalation import Escalation, escalation_for, sla_cutoff
from claimdesk.routing.policy import shipped_policy

POLICY = shipped_policy()
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def check(tier: int, amount: str, failures: int, age: timedelta) -> Escalation | None:
    return escalation_for(
        tier=tier,
        amount_at_stake=Money(amount),
        failures=failures,
        created_at=NOW - age,
        now=NOW,
        policy=POLICY,
    )


def test_nothing_moves_below_every_threshold() -> None:
    assert check(1, "2499.99", 1, timedelta(days=5, hours=23)) is None
    assert check(2, "9999.99", 1, timedelta(days=15, hours=23)) is None


def test_past_the_sla_moves_up_one_tier() -> None:
    moved = check(1, "100.00", 1, timedelta(days=6))
    assert moved is not None
    assert (moved.to_tier, moved.to_queue) == (2, "t2-escalations")
    assert moved.reason == "6 days old, past the 5-day SLA of tier 1"


def test_amount_threshold_is_inclusive() -> None:
    moved = check(1, "2500.00", 1, timedelta(0))
    assert moved is not None
    assert moved.reason == "2500.00 at stake reaches the 2500.00 threshold"
    tier2 = check(2, "10000.00", 1, timedelta(0))
    assert tier2 is not None
    assert (tier2.to_tier, tier2.to_queue) == (3, "t3-escalations")


def test_failing_twice_moves_up_and_all_reasons_are_recorded() -> None:
    moved = check(1, "3000.00", 2, timedelta(days=7))
    assert moved is not None
    assert moved.reason == (
        "failed 2 times on this claim; 3000.00 at stake reaches the 2500.00 threshold; "
        "7 days old, past the 5-day SLA of tier 1"
    )


def test_the_top_tier_never_escalates() -> None:
    assert check(3, "999999.00", 5, timedelta(days=400)) is None


def test_sla_cutoff_matches_the_age_rule() -> None:
    cutoff = sla_cutoff(1, NOW, POLICY)
    assert cutoff == NOW - timedelta(days=6)
    assert check(1, "1.00", 1, NOW - cutoff) is not None
    assert check(1, "1.00", 1, NOW - cutoff - timedelta(seconds=1)) is None
