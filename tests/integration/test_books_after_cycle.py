"""Issue 13's "done when": after 180 simulated days, ``claimdesk books verify`` exits 0, on
SQLite and PostgreSQL.

The practice is synthesized, imported and run through the cycle against the payer simulator;
then the manager the cycle staffs runs ``books verify --json`` as a user would.
"""

from __future__ import annotations

import json
from pathlib import Path

from cycle_practice import cycled_home
from typer.testing import CliRunner

from claimdesk.cli import app

DAYS = 180


def test_books_verify_exits_0_after_a_180_day_cycle(tmp_path: Path, database_url: str) -> None:
    home = cycled_home(tmp_path, database_url, patients=300, encounters=1200, seed=41, days=DAYS)
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
        env={"CLAIMDESK_DATABASE_URL": database_url},
    )
    answer = json.loads(result.stdout)
    failures = {
        c["code"]: [f["message"] for f in c["findings"]] for c in answer["checks"] if not c["holds"]
    }
    shown = {code: (len(messages), messages[:3]) for code, messages in failures.items()}
    assert result.exit_code == 0, shown
    assert failures == {}
