"""Who may work which queues, and who may add people or grant queues."""

from __future__ import annotations

import pytest

from claimdesk.routing.access import AccessError, Role, allowed_queues, check_add, check_grant
from claimdesk.routing.policy import shipped_policy

POLICY = shipped_policy()


def test_each_role_works_its_own_tier() -> None:
    assert allowed_queues(Role.TIER1, (), POLICY) == ("t1-front-end", "t1-rejections", "t1-scrub")
    assert allowed_queues(Role.TIER2, (), POLICY) == (
        "t2-coding",
        "t2-denials",
        "t2-escalations",
        "t2-follow-up",
        "t2-payments",
    )
    assert allowed_queues(Role.MANAGER, (), POLICY) == (
        "t3-approvals",
        "t3-escalations",
        "t3-payer-issues",
    )
    assert allowed_queues(Role.ADMIN, (), POLICY) == ()


def test_granted_queues_are_added_and_auditors_work_nothing() -> None:
    assert "t2-denials" in allowed_queues(Role.TIER1, ("t2-denials",), POLICY)
    assert allowed_queues(Role.AUDITOR, ("t2-denials",), POLICY) == ()


def test_grants_and_additions_need_a_manager_or_admin() -> None:
    check_grant(Role.MANAGER, Role.TIER1, "t2-denials", POLICY)
    with pytest.raises(AccessError, match="a tier2 cannot grant"):
        check_grant(Role.TIER2, Role.TIER1, "t2-denials", POLICY)
    with pytest.raises(AccessError, match="read-only"):
        check_grant(Role.ADMIN, Role.AUDITOR, "t2-denials", POLICY)
    with pytest.raises(AccessError, match="unknown queue 'nope'"):
        check_grant(Role.ADMIN, Role.TIER1, "nope", POLICY)
    check_add(Role.MANAGER, Role.TIER2)
    with pytest.raises(AccessError, match="only an admin can add an admin"):
        check_add(Role.MANAGER, Role.ADMIN)
    with pytest.raises(AccessError):
        check_add(Role.AUDITOR, Role.TIER1)
