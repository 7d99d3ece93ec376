"""Work-queue use cases on both databases: open, hand out, lease, close, escalate, measure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from claimdesk.domain.money import Money
from claimdesk.domain.work import Outcome, Problem, WorkAction, WorkError, WorkKind, WorkStatus
from claimdesk.routing.access import AccessError, Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services import work_queue as wq
from claimdesk.services.users import add_user, grant_queue, list_people
from claimdesk.store.uow import UnitOfWork

POLICY = shipped_policy()
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
Factory = Callable[[], UnitOfWork]


def people(uow_factory: Factory) -> None:
    add_user(uow_factory, user_id="root", name="Root", role=Role.ADMIN, by="root", now=NOW)
    for user_id, role in (("ann", Role.TIER1), ("bo", Role.TIER2), ("aud", Role.AUDITOR)):
        add_user(uow_factory, user_id=user_id, name=user_id, role=role, by="root", now=NOW)


def denial(claim: str, category: str, amount: str, **extra: object) -> Problem:
    return Problem(
        kind=WorkKind.DENIAL,
        category=category,
        problem_key=f"denial:{category}",
        amount_at_stake=Money(amount),
        claim_id=claim,
        **extra,  # type: ignore[arg-type]
    )


def hold(claim: str, amount: str) -> Problem:
    """A claim the scrubber held (``services.submit``), Tier 1's work."""
    return Problem(
        kind=WorkKind.SCRUB_HOLD,
        category="scrub",
        problem_key="scrub-hold",
        amount_at_stake=Money(amount),
        claim_id=claim,
    )


def opened(uow_factory: Factory, problem: Problem) -> int:
    item = wq.open_item(uow_factory, problem, now=NOW, by="router", policy=POLICY).item
    assert item.item_id is not None
    return item.item_id


def test_one_active_item_per_claim_and_problem(uow_factory: Factory) -> None:
    first = wq.open_item(
        uow_factory, denial("C1", "coding", "100.00"), now=NOW, by="r", policy=POLICY
    )
    again = wq.open_item(
        uow_factory, denial("C1", "coding", "100.00"), now=NOW, by="r", policy=POLICY
    )
    other = wq.open_item(
        uow_factory, denial("C1", "registration", "100.00"), now=NOW, by="r", policy=POLICY
    )
    assert first.created
    assert not again.created
    assert other.created
    assert again.item.item_id == first.item.item_id
    closed = wq.solve_problem(uow_factory, claim_id="C1", problem_key=None, now=NOW, reason="paid")
    assert sorted(closed) == sorted([first.item.item_id, other.item.item_id])
    shown = wq.show(uow_factory, closed[0])
    assert (shown.status, shown.outcome) == (WorkStatus.DONE, Outcome.PROBLEM_SOLVED)
    assert [e.action for e in shown.history] == ["created", "closed", "note"]
    # The problem comes back: a new item, counted as the second failure, one tier up.
    back = wq.open_item(
        uow_factory, denial("C1", "coding", "100.00"), now=NOW, by="r", policy=POLICY
    )
    assert back.created
    assert (back.item.failures, back.item.tier, back.item.queue) == (2, 3, "t3-escalations")


def test_next_item_is_the_best_of_the_allowed_queues(uow_factory: Factory) -> None:
    people(uow_factory)
    low = opened(uow_factory, denial("C1", "registration", "50.00"))
    high = opened(uow_factory, denial("C2", "eligibility", "900.00"))
    scrub = wq.open_item(
        uow_factory,
        Problem(WorkKind.SCRUB_HOLD, "scrub", "scrub:NPI", Money("400.00"), claim_id="C3"),
        now=NOW,
        by="r",
        policy=POLICY,
    ).item.item_id
    tier2 = opened(uow_factory, denial("C4", "coding", "2000.00"))
    taken = [wq.next_item(uow_factory, "ann", now=NOW, policy=POLICY) for _ in range(4)]
    ids = [item.item_id if item else None for item in taken]
    # 900 x 0.80 / 15 min > 400 x 0.95 / 10 min > 50 x 0.90 / 10 min; the tier-2 item is not ann's.
    assert ids == [high, scrub, low, None]
    first = taken[0]
    assert first is not None
    assert (first.assignee, first.lease_until) == ("ann", NOW + timedelta(minutes=30))
    assert first.score.value == Decimal("2880.00")
    assert wq.next_item(uow_factory, "bo", now=NOW, policy=POLICY).item_id == tier2  # type: ignore[union-attr]
    with pytest.raises(AccessError, match="auditor"):
        wq.next_item(uow_factory, "aud", now=NOW, policy=POLICY)


def test_granted_queue_and_permissions(uow_factory: Factory) -> None:
    people(uow_factory)
    item = opened(uow_factory, denial("C4", "coding", "2000.00"))
    assert wq.next_item(uow_factory, "ann", now=NOW, policy=POLICY) is None
    with pytest.raises(AccessError, match="cannot grant"):
        grant_queue(uow_factory, user_id="ann", queue="t2-coding", by="bo", now=NOW, policy=POLICY)
    assert grant_queue(
        uow_factory, user_id="ann", queue="t2-coding", by="root", now=NOW, policy=POLICY
    )
    found = wq.next_item(uow_factory, "ann", now=NOW, policy=POLICY)
    assert found is not None
    assert found.item_id == item
    ann = next(p for p in list_people(uow_factory, POLICY) if p.user.user_id == "ann")
    assert ann.granted == ("t2-coding",)


def test_lease_expiry_renewal_snooze_and_close(uow_factory: Factory) -> None:
    people(uow_factory)
    item_id = opened(uow_factory, denial("C1", "registration", "100.00"))
    wq.next_item(uow_factory, "ann", now=NOW, policy=POLICY)
    add_user(uow_factory, user_id="cy", name="Cy", role=Role.TIER1, by="root", now=NOW)
    assert wq.next_item(uow_factory, "cy", now=NOW + timedelta(minutes=29), policy=POLICY) is None
    wq.renew(uow_factory, item_id, "ann", now=NOW + timedelta(minutes=20), policy=POLICY)
    assert wq.next_item(uow_factory, "cy", now=NOW + timedelta(minutes=49), policy=POLICY) is None
    again = wq.next_item(uow_factory, "cy", now=NOW + timedelta(minutes=50), policy=POLICY)
    assert again is not None
    assert again.item_id == item_id
    assert again.assignee == "cy"
    with pytest.raises(WorkError, match="only its holder"):
        wq.close(
            uow_factory,
            item_id,
            "ann",
            outcome=Outcome.NO_ACTION_NEEDED,
            now=NOW + timedelta(hours=1),
        )
    later = NOW + timedelta(minutes=55)
    wq.snooze(uow_factory, item_id, "cy", until=later + timedelta(days=2), now=later)
    assert wq.next_item(uow_factory, "ann", now=later + timedelta(days=1), policy=POLICY) is None
    woke = wq.next_item(uow_factory, "ann", now=later + timedelta(days=2), policy=POLICY)
    assert woke is not None
    assert woke.item_id == item_id
    end = later + timedelta(days=2, minutes=5)
    wq.close(
        uow_factory,
        item_id,
        "ann",
        outcome=Outcome.RECOVERED,
        resolved=Money("90.00"),
        action=WorkAction.CORRECT_REGISTRATION,
        now=end,
    )
    shown = wq.show(uow_factory, item_id)
    assert [e.action for e in shown.history] == [
        "created",
        "taken",
        "renewed",
        "lease_expired",
        "taken",
        "snoozed",
        "woke",
        "taken",
        "closed",
    ]
    rows = wq.productivity(uow_factory, start=NOW, end=end + timedelta(days=1))
    assert len(rows) == 1
    row = rows[0]
    assert (row.person, row.queue, row.tier, row.closed, row.resolved) == (
        "ann",
        "t1-front-end",
        1,
        1,
        Money("90.00"),
    )
    assert row.average_age_days == Decimal("2.04")


def test_escalation_by_hand_and_by_sla(uow_factory: Factory) -> None:
    people(uow_factory)
    first = opened(uow_factory, denial("C1", "registration", "200.00", appeal_rights=True))
    second = opened(uow_factory, denial("C2", "registration", "100.00"))
    wq.next_item(uow_factory, "ann", now=NOW, policy=POLICY)
    up = wq.escalate(uow_factory, first, "ann", reason="payer needs a call", now=NOW, policy=POLICY)
    assert (up.tier, up.queue, up.escalated_from) == (2, "t2-escalations", first)
    assert wq.show(uow_factory, first).status is WorkStatus.ESCALATED
    assert (
        wq.escalate_overdue(uow_factory, now=NOW + timedelta(days=5, hours=23), policy=POLICY) == []
    )
    moved = wq.escalate_overdue(uow_factory, now=NOW + timedelta(days=6), policy=POLICY)
    assert [m.escalated_from for m in moved] == [second]
    assert "past the 5-day SLA of tier 1" in wq.show(uow_factory, second).history[-1].detail
    page = wq.list_queue(uow_factory, queues=["t2-escalations"])
    assert {item.escalated_from for item in page} == {first, second}


def test_learned_recovery_rate_feeds_new_scores(uow_factory: Factory) -> None:
    people(uow_factory)
    for n in range(POLICY.learning_min_closed):
        opened(uow_factory, denial(f"L{n}", "registration", "100.00"))
        wq.next_item(uow_factory, "ann", now=NOW, policy=POLICY)
    with uow_factory() as uow:
        held = [
            i.item_id
            for i in uow.work_items.page(["t1-front-end"], [WorkStatus.IN_PROGRESS], 100, None)
        ]
    for n, item_id in enumerate(held):
        assert item_id is not None
        if n % 2:
            wq.close(uow_factory, item_id, "ann", outcome=Outcome.WRITTEN_OFF, now=NOW)
        else:
            wq.close(
                uow_factory,
                item_id,
                "ann",
                outcome=Outcome.RECOVERED,
                resolved=Money("100.00"),
                now=NOW,
            )
    fresh = wq.open_item(
        uow_factory, denial("N1", "registration", "100.00"), now=NOW, by="r", policy=POLICY
    )
    assert (fresh.item.score.recovery_rate, fresh.item.score.rate_source) == (
        Decimal("0.5000"),
        "practice",
    )


def test_holds_fixed_and_solved_count_as_recovered_when_the_rate_is_learned(
    uow_factory: Factory,
) -> None:
    """A hold ends well when the fix releases the claim: the item is then closed by the system
    (problem solved), and the claim's value is what the fix saved. Learning from the items a
    person closed only (written off, nothing recovered) taught a rate of 0 and every Tier 1
    item scored 0.00."""
    people(uow_factory)
    count = POLICY.learning_min_closed
    for n in range(count):
        opened(uow_factory, hold(f"H{n}", "200.00"))
    taken = [wq.next_item(uow_factory, "ann", now=NOW, policy=POLICY) for _ in range(count // 3)]
    for item in taken:  # a third could not be fixed: written off by Tier 1
        assert item is not None
        assert item.item_id is not None
        wq.close(uow_factory, item.item_id, "ann", outcome=Outcome.WRITTEN_OFF, now=NOW)
    written_off = {item.claim_id for item in taken if item is not None}
    for claim_id in sorted({f"H{n}" for n in range(count)} - written_off):  # fixed, released
        wq.solve_problem(
            uow_factory, claim_id=claim_id, problem_key="scrub-hold", now=NOW, reason="fixed"
        )
    fresh = wq.open_item(uow_factory, hold("N1", "200.00"), now=NOW, by="r", policy=POLICY)
    # 20 of 30 recovered their 200.00: 4,000.00 of 6,000.00 at stake.
    assert (fresh.item.score.recovery_rate, fresh.item.score.rate_source) == (
        Decimal("0.6667"),
        "practice",
    )
    assert fresh.item.score.value > 0


def test_listing_pages_follow_hand_out_order(uow_factory: Factory) -> None:
    amounts = [f"{n}0.00" for n in range(1, 8)]
    for n, amount in enumerate(amounts):
        opened(uow_factory, denial(f"P{n}", "registration", amount, deadline=date(2026, 6, 1)))
    first = wq.list_queue(uow_factory, queues=["t1-front-end"], limit=3)
    assert [i.amount_at_stake for i in first] == [Money("70.00"), Money("60.00"), Money("50.00")]
    last = first[-1]
    assert last.item_id is not None
    rest = wq.list_queue(
        uow_factory,
        queues=["t1-front-end"],
        statuses=[WorkStatus.OPEN],
        limit=10,
        after=(last.score.value, last.item_id),
    )
    assert [i.amount_at_stake for i in rest] == [Money(a) for a in reversed(amounts[:4])]


def test_closing_with_an_action_the_kind_does_not_have_is_refused(uow_factory: Factory) -> None:
    people(uow_factory)
    item_id = opened(uow_factory, denial("C9", "coding", "120.00"))
    taken = wq.next_item(uow_factory, "bo", now=NOW, policy=POLICY)
    assert taken is not None
    assert taken.item_id == item_id
    with pytest.raises(WorkError, match="approve_write_off is not an action for a denial item"):
        wq.close(
            uow_factory,
            item_id,
            "bo",
            outcome=Outcome.NO_ACTION_NEEDED,
            now=NOW,
            action=WorkAction.APPROVE_WRITE_OFF,
        )
    assert wq.show(uow_factory, item_id).status is WorkStatus.IN_PROGRESS


def test_the_recovery_history_sums_dollars_on_both_databases(uow_factory: Factory) -> None:
    people(uow_factory)
    for claim, recovered in (("C1", "90.00"), ("C2", "30.50")):
        item_id = opened(uow_factory, denial(claim, "registration", "100.00"))
        taken = wq.next_item(uow_factory, "ann", now=NOW, policy=POLICY)
        assert taken is not None
        assert taken.item_id == item_id
        wq.close(
            uow_factory,
            item_id,
            "ann",
            outcome=Outcome.RECOVERED,
            resolved=Money(recovered),
            action=WorkAction.CORRECT_REGISTRATION,
            now=NOW,
        )
    with uow_factory() as uow:
        record = uow.work_items.recovery_history()["registration"]
    assert (record.closed, record.at_stake, record.recovered) == (
        2,
        Money("200.00"),
        Money("120.50"),
    )
