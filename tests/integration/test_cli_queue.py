"""The work queues from a terminal: `claimdesk users` and `claimdesk queue`, on both databases."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.config import Settings
from claimdesk.domain.money import Money
from claimdesk.domain.work import Problem, WorkKind
from claimdesk.routing.policy import shipped_policy
from claimdesk.services import work_queue as wq
from claimdesk.services.database import units_of_work
from claimdesk.services.setup import set_up

Invoke = Callable[..., tuple[int, str]]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    return settings


@pytest.fixture
def run(settings: Settings) -> Invoke:
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(
            app,
            ["--home", str(settings.home), *args],
            env={"CLAIMDESK_DATABASE_URL": settings.database_url},
        )
        return result.exit_code, result.output

    return invoke


def _denial(settings: Settings, claim_id: str, category: str, amount: str) -> int:
    problem = Problem(
        kind=WorkKind.DENIAL,
        category=category,
        problem_key=f"denial:{category}",
        amount_at_stake=Money(amount),
        claim_id=claim_id,
    )
    with units_of_work(settings) as factory:
        item = wq.open_item(
            factory, problem, now=datetime.now(UTC), by="test", policy=shipped_policy()
        ).item
    assert item.item_id is not None
    return item.item_id


def test_people_take_the_best_item_of_their_tier_and_close_it(
    run: Invoke, settings: Settings
) -> None:
    assert run("--as", "root", "users", "add", "root", "--role", "admin")[0] == 0
    assert run("--as", "root", "users", "add", "bo", "--role", "tier2")[0] == 0
    assert run("--as", "root", "users", "add", "aud", "--role", "auditor")[0] == 0
    small = _denial(settings, "C1", "coding", "40.00")
    big = _denial(settings, "C2", "coding", "900.00")

    code, output = run("--as", "aud", "queue", "list", "--tier", "2", "--json")
    assert code == 0, output
    listed = [row["id"] for row in json.loads(output)]
    assert listed == [big, small]  # best first: more recoverable dollars

    code, output = run("queue", "next", "aud", "--json")
    assert code == 1  # an auditor is read-only and takes nothing
    # Under --as, the person named is the one acting: nobody takes work in another's name.
    code, output = run("--as", "aud", "queue", "next", "bo", "--json")
    assert code == 1
    assert "you act as aud" in output
    code, output = run("queue", "next", "bo", "--json")
    assert code == 0, output
    assert json.loads(output)["id"] == big

    code, output = run(
        "queue",
        "act",
        str(big),
        "close",
        "--user",
        "bo",
        "--outcome",
        "recovered",
        "--recovered",
        "900.00",
        "--json",
    )
    assert code == 0, output
    code, output = run("--as", "bo", "queue", "show", str(big), "--json")
    assert code == 0, output
    shown = json.loads(output)
    assert shown["status"] == "done"
    assert [event["action"] for event in shown["history"]][:2] == ["created", "taken"]
