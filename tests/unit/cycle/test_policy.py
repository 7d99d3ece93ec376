"""The simulated staff policy: the shipped TOML reads, and a bad value is named with its key."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claimdesk.cycle.policy import StaffPolicyError, parse_staff_policy, shipped_staff_policy
from claimdesk.routing.access import Role


def test_the_shipped_policy_has_one_person_per_tier() -> None:
    policy = shipped_staff_policy()
    assert [p.role for p in policy.people] == [Role.TIER1, Role.TIER2, Role.MANAGER]
    assert len({p.user_id for p in policy.people}) == 3
    assert Decimal(0) < policy.appeal_success_rate < Decimal(1)
    assert "medical_necessity" in policy.appeal_categories


def test_a_rate_outside_zero_to_one_is_named_with_its_table_and_key() -> None:
    from importlib.resources import files

    text = files("claimdesk.cycle").joinpath("policy.toml").read_text(encoding="utf-8")
    bad = text.replace('appeal_success_rate = "0.55"', 'appeal_success_rate = "1.5"')
    assert bad != text
    with pytest.raises(StaffPolicyError, match=r"mine.toml: \[tier2\] appeal_success_rate"):
        parse_staff_policy(bad, "mine.toml")


def test_a_missing_tier_is_named() -> None:
    with pytest.raises(StaffPolicyError, match=r"\[tier1\] is missing"):
        parse_staff_policy("seed = 1\n", "mine.toml")
