"""Work items: leases, snoozes, closing, escalation and the history every change leaves."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from claimdesk.domain.money import Money
from claimdesk.domain.work import (
    SYSTEM,
    Outcome,
    Problem,
    WorkAction,
    WorkError,
    WorkItem,
    WorkKind,
    WorkStatus,
)
from claimdesk.routing.policy import shipped_policy
from claimdesk.routing.triage import new_item

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=30)


def item(appeal_rights: bool = True) -> WorkItem:
    found = Problem(
        kind=WorkKind.DENIAL,
        category="coding",
        problem_key="denial:CO-16",
        amount_at_stake=Money("400.00"),
        claim_id="C1",
        appeal_rights=appeal_rights,
    )
    made = new_item(
        found,
        failures=1,
        now=NOW,
        today=NOW.date(),
        by="router",
        policy=shipped_policy(),
        history={},
    )
    made.item_id = 7
    return made


def test_take_sets_holder_and_lease_and_records_it() -> None:
    work = item()
    work.take("ann", NOW, LEASE)
    assert (work.status, work.assignee, work.lease_until) == (
        WorkStatus.IN_PROGRESS,
        "ann",
        NOW + LEASE,
    )
    assert [e.action for e in work.history] == ["created", "taken"]
    with pytest.raises(WorkError, match="is in_progress, so it cannot be taken"):
        work.take("bob", NOW, LEASE)


def test_only_the_holder_renews_and_not_after_expiry() -> None:
    work = item()
    work.take("ann", NOW, LEASE)
    work.renew("ann", NOW + timedelta(minutes=20), LEASE)
    assert work.lease_until == NOW + timedelta(minutes=50)
    with pytest.raises(WorkError, match="only its holder"):
        work.renew("bob", NOW, LEASE)
    with pytest.raises(WorkError, match="lease of ann expired"):
        work.renew("ann", NOW + timedelta(minutes=50), LEASE)


def test_an_expired_lease_returns_the_item_to_the_queue() -> None:
    work = item()
    work.take("ann", NOW, LEASE)
    with pytest.raises(WorkError, match="the lease runs until"):
        work.expire_lease(NOW + timedelta(minutes=29))
    event = work.expire_lease(NOW + LEASE)
    assert (event.by, event.detail) == (SYSTEM, "held by ann")
    assert (work.status, work.assignee, work.lease_until) == (WorkStatus.OPEN, None, None)


def test_snooze_parks_until_a_date_then_wakes() -> None:
    work = item()
    work.take("ann", NOW, LEASE)
    until = NOW + timedelta(days=3)
    with pytest.raises(WorkError, match="not in the future"):
        work.snooze("ann", NOW, NOW)
    work.snooze("ann", NOW, until)
    assert (work.status, work.snoozed_until, work.assignee) == (WorkStatus.SNOOZED, until, None)
    with pytest.raises(WorkError, match="snoozed until"):
        work.wake(until - timedelta(seconds=1))
    work.wake(until)
    assert (work.status, work.snoozed_until) == (WorkStatus.OPEN, None)


def test_close_records_outcome_and_dollars_and_refuses_inconsistent_ones() -> None:
    work = item()
    work.take("ann", NOW, LEASE)
    with pytest.raises(WorkError, match="'recovered' only"):
        work.close("ann", NOW, Outcome.WRITTEN_OFF, resolved=Money("5.00"))
    with pytest.raises(WorkError, match="must be positive"):
        work.close("ann", NOW, Outcome.RECOVERED, resolved=Money("0.00"))
    event = work.close(
        "ann", NOW, Outcome.RECOVERED, resolved=Money("350.00"), action=WorkAction.APPEAL
    )
    assert event.detail == "recovered by appeal; 350.00 recovered"
    assert (work.status, work.closed_by, work.resolved_amount) == (
        WorkStatus.DONE,
        "ann",
        Money("350.00"),
    )
    with pytest.raises(WorkError):
        work.note("ann", NOW, "")
    with pytest.raises(WorkError, match="is done, so it cannot be cancelled"):
        work.cancel(SYSTEM, NOW, "again")


def test_no_appeal_without_appeal_rights() -> None:
    work = item(appeal_rights=False)
    work.take("ann", NOW, LEASE)
    with pytest.raises(WorkError, match="no appeal rights"):
        work.close("ann", NOW, Outcome.RECOVERED, resolved=Money("1.00"), action=WorkAction.APPEAL)


def test_the_system_closes_a_solved_problem_without_holding_it() -> None:
    work = item()
    work.close(SYSTEM, NOW, Outcome.PROBLEM_SOLVED)
    assert (work.status, work.outcome, work.active) == (
        WorkStatus.DONE,
        Outcome.PROBLEM_SOLVED,
        False,
    )


def test_a_person_must_hold_an_item_to_close_it() -> None:
    with pytest.raises(WorkError, match="take it first"):
        item().close("ann", NOW, Outcome.NO_ACTION_NEEDED)


def test_escalate_ends_the_item_and_tier_3_cannot_escalate() -> None:
    work = item()
    work.escalate("ann", NOW, "needs a coder")
    assert (work.status, work.closed_at, work.history[-1].detail) == (
        WorkStatus.ESCALATED,
        NOW,
        "needs a coder",
    )
    top = item()
    top.tier = 3
    with pytest.raises(WorkError, match="top tier"):
        top.escalate("ann", NOW, "x")


def test_naive_times_and_bad_problems_are_refused() -> None:
    with pytest.raises(ValueError, match="problem_key"):
        Problem(WorkKind.DENIAL, "coding", "", Money("1.00"))
    with pytest.raises(ValueError, match="negative"):
        Problem(WorkKind.DENIAL, "coding", "k", Money("-1.00"))
    work = item()
    with pytest.raises(ValueError, match="time zone"):
        WorkItem(
            kind=work.kind,
            category=work.category,
            tier=1,
            queue="q",
            problem_key="k",
            amount_at_stake=Money("1.00"),
            score=work.score,
            created_at=datetime(2026, 1, 1),
        )


def test_a_person_takes_a_chosen_item_even_snoozed_but_not_one_held() -> None:
    snoozed = item()
    snoozed.take("ann", NOW, LEASE)
    snoozed.snooze("ann", NOW, NOW + timedelta(days=20))
    later = NOW + timedelta(days=1)
    events = snoozed.take_chosen("bo", later, LEASE)
    assert [(e.action, e.to_status) for e in events] == [
        ("woken", WorkStatus.OPEN),
        ("taken", WorkStatus.IN_PROGRESS),
    ]
    assert (snoozed.assignee, snoozed.snoozed_until) == ("bo", None)
    with pytest.raises(WorkError, match="bo holds it until"):
        snoozed.take_chosen("cy", later + timedelta(minutes=5), LEASE)
    lapsed = later + LEASE + timedelta(minutes=1)
    events = snoozed.take_chosen("cy", lapsed, LEASE)
    assert [e.action for e in events] == ["lease_expired", "taken"]
    assert snoozed.assignee == "cy"


def test_days_left_count_to_the_deadline_from_the_day_asked_not_the_day_scored() -> None:
    scored = replace(item(), deadline=NOW.date() + timedelta(days=60))
    assert scored.days_left(NOW.date()) == 60
    # 281 days later the window closed 221 days ago, whatever the score said when it was made.
    assert scored.days_left(NOW.date() + timedelta(days=281)) == -221
    assert replace(scored, deadline=None).days_left(NOW.date()) is None
