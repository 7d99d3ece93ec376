"""Issue 13's "done when": after 180 simulated days, ``claimdesk books verify`` exits 0, on
SQLite and PostgreSQL.

The practice is synthesized, imported and run through the cycle against the payer simulator;
then the manager the cycle staffs runs ``books verify --json`` as a user would.
"""

from __future__ import annotations

import json

from cycle_practice import SHARED_CYCLE, CycledHome
from typer.testing import CliRunner

from claimdesk.cli import app

DAYS = 180


def test_books_verify_exits_0_after_a_180_day_cycle(cycled_practice: CycledHome) -> None:
    home = cycled_practice
    assert (home.end - home.start).days + 1 == SHARED_CYCLE["days"] == DAYS
    result = CliRunner().invoke(
        app,
        [
            "--home",
            str(home.settings.home),
            "--as",
            home.manager,
            "books",
            "verify",
            "--as-of",
            home.end.isoformat(),
            "--json",
        ],
        env={"CLAIMDESK_DATABASE_URL": home.settings.database_url},
    )
    answer = json.loads(result.stdout)
    failures = {
        c["code"]: [f["message"] for f in c["findings"]] for c in answer["checks"] if not c["holds"]
    }
    shown = {code: (len(messages), messages[:3]) for code, messages in failures.items()}
    assert result.exit_code == 0, shown
    assert failures == {}
