"""The worker's jobs run in process (the single-user SQLite mode), on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from claimdesk.config import Settings
from claimdesk.domain.money import Money
from claimdesk.domain.work import Problem, WorkKind, WorkStatus
from claimdesk.routing.policy import shipped_policy
from claimdesk.services import work_queue as wq
from claimdesk.services.database import units_of_work
from claimdesk.services.setup import set_up
from claimdesk.worker.inprocess import run_round
from claimdesk.worker.jobs import surface_failures

OPENED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_round_escalates_items_past_their_sla(database_url: str, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    problem = Problem(
        kind=WorkKind.DENIAL,
        category="coding",
        problem_key="denial:coding",
        amount_at_stake=Money("250.00"),
        claim_id="C1",
    )
    with units_of_work(settings) as factory:
        item = wq.open_item(factory, problem, now=OPENED, by="test", policy=shipped_policy()).item
    assert item.item_id is not None
    assert item.tier == 2

    report = run_round(settings, OPENED + timedelta(days=365))

    assert report.failed == {}
    assert report.results["escalation_sweep"] == "1"
    tier3_queues = [q for q, tier in shipped_policy().queues().items() if tier == 3]
    with units_of_work(settings) as factory:
        original = wq.show(factory, item.item_id)
        successors = wq.list_queue(factory, queues=tier3_queues)
    assert original.status is WorkStatus.ESCALATED
    assert [(s.claim_id, s.tier) for s in successors] == [("C1", 3)]


def test_a_round_without_a_practice_profile_sends_nothing_and_says_why(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    report = run_round(settings, OPENED)
    assert report.failed == {}
    assert report.results["scrub_and_submit"].startswith(
        "not run: the practice profile lacks name, billing.npi"
    )
    assert list(settings.outbox.iterdir()) == []


def test_a_job_failing_after_every_retry_becomes_one_routed_work_item(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    failure = RuntimeError("the clearinghouse folder is not writable")
    assert surface_failures(settings, "follow_up", failure, OPENED) == 1
    with units_of_work(settings) as factory:
        [item] = wq.list_queue(factory, queues=list(shipped_policy().queues()))
    assert item.category == "job_failure"
    assert item.summary == (
        "job follow_up failed after every retry: the clearinghouse folder is not writable"
    )
