"""A billing company's month-end (issue 15): two client practices, each run through 130 days
of the simulated cycle, close their months apart. Each practice's roll-forward reconciles to its
own ledger month by month, each closes its first month, and each one's books still verify. On SQLite
and PostgreSQL, through the ``claimdesk`` program."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from cycle_practice import CycledHome, cycled
from practice_roles import drop_roles
from typer.testing import CliRunner, Result

from claimdesk.cli import app
from claimdesk.config import Settings, practice_role
from claimdesk.domain.periods import Month
from claimdesk.services.setup import set_up

ROOT = "root"
DAYS = 130  # enough for three whole months after the first partial one


@pytest.fixture
def ids(database_url: str) -> Iterator[tuple[str, str]]:
    """Practice ids of this test alone: PostgreSQL roles are the cluster's."""
    tag = uuid.uuid4().hex[:8]
    practices = (f"north_{tag}", f"south_{tag}")
    yield practices
    if database_url.startswith("postgresql"):
        drop_roles(database_url, [practice_role(p) for p in practices])


def test_two_practices_close_their_months_apart(
    tmp_path: Path, database_url: str, ids: tuple[str, str]
) -> None:
    on_sqlite = database_url.startswith("sqlite")
    company = Settings(home=tmp_path / "home", database_url="" if on_sqlite else database_url)
    env = {"CLAIMDESK_USER": ROOT, "CLAIMDESK_DATABASE_URL": company.database_url}

    def claimdesk(*args: str) -> Result:
        return CliRunner().invoke(app, ["--home", str(company.home), *args], env=env)

    assert claimdesk("init").exit_code == 0
    homes: dict[str, CycledHome] = {}
    for n, practice in enumerate(ids):
        added = claimdesk("practices", "add", practice, "--name", practice.title())
        assert added.exit_code == 0, added.output
        settings = dataclasses.replace(company, practice=practice)
        set_up(settings)
        homes[practice] = cycled(
            settings,
            tmp_path / f"bundle-{n}",
            patients=40,
            encounters=130,
            seed=21 + n,
            days=DAYS,
        )

    closings: dict[str, Decimal] = {}
    for practice, home in homes.items():
        first = Month.of(home.start).following
        for month in (first, first.following, first.following.following):
            assert month.last_day <= home.end
            pack = claimdesk("--practice", practice, "pack", str(month), "--json")
            assert pack.exit_code == 0, pack.output
            answer = json.loads(pack.stdout)
            assert answer["reconciles"] is True, (practice, month)
            lines = {row["payer_class"]: row for row in answer["roll_forward"]}
            assert lines["all"]["closing"] == lines["all"]["ledger_closing"]
        closings[practice] = Decimal(lines["all"]["closing"])
        closed = claimdesk("--practice", practice, "close", str(first), "--json")
        answer = json.loads(closed.stdout)
        assert (closed.exit_code, answer["closed"]) == (0, True), answer["findings"]
        verified = claimdesk(
            "--practice", practice, "books", "verify", "--as-of", home.end.isoformat()
        )
        assert verified.exit_code == 0, verified.output[-2000:]
        periods = json.loads(claimdesk("--practice", practice, "periods", "--json").stdout)
        assert [(p["period"], p["status"]) for p in periods["periods"]] == [(str(first), "closed")]
    # The two practices' books are apart: different visits, different A/R at the same month end.
    assert len(set(closings.values())) == 2
