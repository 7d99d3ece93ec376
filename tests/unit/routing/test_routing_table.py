"""The shipped routing table, routing by kind and category, and triage of a new problem."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import resources

import pytest

from claimdesk.domain.money import Money
from claimdesk.domain.work import Problem, WorkAction, WorkKind, WorkStatus
from claimdesk.routing.actions import actions_for
from claimdesk.routing.policy import PolicyError, parse_policy, shipped_policy
from claimdesk.routing.triage import new_item

POLICY = shipped_policy()
NOW = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "category", "tier", "queue"),
    [
        (WorkKind.DENIAL, "registration", 1, "t1-front-end"),
        (WorkKind.DENIAL, "eligibility", 1, "t1-front-end"),
        (WorkKind.DENIAL, "coding", 2, "t2-coding"),
        (WorkKind.DENIAL, "medical_necessity", 2, "t2-coding"),
        (WorkKind.DENIAL, "authorization", 2, "t2-denials"),
        (WorkKind.DENIAL, "payer_pattern", 3, "t3-payer-issues"),
        (WorkKind.WRITE_OFF_APPROVAL, "write_off", 3, "t3-approvals"),
        (WorkKind.CLEARINGHOUSE_REJECTION, "syntax", 1, "t1-rejections"),
        (WorkKind.SCRUB_HOLD, "scrub", 1, "t1-scrub"),
        (WorkKind.NO_RESPONSE, "no_response", 2, "t2-follow-up"),
    ],
)
def test_routes(kind: WorkKind, category: str, tier: int, queue: str) -> None:
    route = POLICY.route(kind, category)
    assert (route.tier, route.queue) == (tier, queue)


def test_every_kind_has_a_route_and_queues_know_their_tier() -> None:
    for kind in WorkKind:
        assert POLICY.route(kind, "other").tier in (1, 2, 3)
    assert POLICY.queues_of_tier(1) == ("t1-front-end", "t1-rejections", "t1-scrub")
    assert POLICY.queues()["t2-escalations"] == 2
    assert POLICY.queues()["t3-escalations"] == 3


def problem(category: str, amount: str, **extra: object) -> Problem:
    return Problem(
        kind=WorkKind.DENIAL,
        category=category,
        problem_key=f"denial:{category}",
        amount_at_stake=Money(amount),
        claim_id="C1",
        **extra,  # type: ignore[arg-type]
    )


def test_a_small_registration_denial_stays_in_tier_1() -> None:
    item = new_item(
        problem("registration", "120.00"),
        failures=1,
        now=NOW,
        today=NOW.date(),
        by="u",
        policy=POLICY,
        history={},
    )
    assert (item.tier, item.queue, item.status) == (1, "t1-front-end", WorkStatus.OPEN)
    assert item.score.value == Decimal("648.00")
    assert item.history[0].detail == "routed to t1-front-end"


def test_a_large_amount_passes_every_threshold_it_reaches() -> None:
    item = new_item(
        problem("registration", "12000.00"),
        failures=1,
        now=NOW,
        today=NOW.date(),
        by="u",
        policy=POLICY,
        history={},
    )
    assert (item.tier, item.queue) == (3, "t3-escalations")
    assert item.history[0].detail == (
        "routed to t1-front-end; escalated to t2-escalations: 12000.00 at stake reaches the "
        "2500.00 threshold; escalated to t3-escalations: 12000.00 at stake reaches the "
        "10000.00 threshold"
    )


def test_a_second_failure_moves_up_exactly_one_tier() -> None:
    item = new_item(
        problem("registration", "50.00"),
        failures=2,
        now=NOW,
        today=NOW.date(),
        by="u",
        policy=POLICY,
        history={},
    )
    assert (item.tier, item.queue, item.failures) == (2, "t2-escalations", 2)


def test_no_appeal_action_without_appeal_rights() -> None:
    assert WorkAction.APPEAL in actions_for(WorkKind.DENIAL, appeal_rights=True)
    assert WorkAction.APPEAL not in actions_for(WorkKind.DENIAL, appeal_rights=False)
    assert WorkAction.APPEAL not in actions_for(WorkKind.UNDERPAYMENT, appeal_rights=False)
    item = new_item(
        problem("coding", "500.00", deadline=date(2026, 3, 20), deadline_kind="appeal_window"),
        failures=1,
        now=NOW,
        today=NOW.date(),
        by="u",
        policy=POLICY,
        history={},
    )
    assert not item.appeal_rights


SHIPPED_TEXT = resources.files("claimdesk.routing").joinpath("routing.toml").read_text("utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('recovery = "0.60"', 'recovery = "1.5"', "[categories.coding], field 'recovery'"),
        ('recovery = "0.60"', "recovery = 0.6", "a quoted decimal from 0 to 1 is required"),
        ('kind = "denial"\ncategory = "coding"', 'kind = "denial"\ncategory = "cod"', "no [cat"),
        ('kind = "scrub_hold"', 'kind = "scrub"', "[[routes]] entry 1, field 'kind'"),
        ("lease_minutes = 30", "lease_minutes = 0", "[policy], field 'lease_minutes'"),
        ("[tiers.3]\nsla_days = 30", "", "exactly the tables [tiers.1]"),
    ],
)
def test_policy_errors_name_the_entry_field_and_reason(old: str, new: str, message: str) -> None:
    assert old in SHIPPED_TEXT
    with pytest.raises(PolicyError) as raised:
        parse_policy(SHIPPED_TEXT.replace(old, new, 1), "my-routing.toml")
    assert str(raised.value).startswith("my-routing.toml: ")
    assert message in str(raised.value)


def test_a_kind_without_a_catch_all_route_is_refused() -> None:
    text = SHIPPED_TEXT.replace('kind = "credit_balance"', 'kind = "underpayment"')
    with pytest.raises(PolicyError, match="no catch-all '\\*' route for kinds: credit_balance"):
        parse_policy(text)
