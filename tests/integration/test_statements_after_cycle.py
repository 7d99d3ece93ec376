"""``claimdesk statements run`` after a simulated cycle (835s posted by the payer simulator, so
real deductibles, copays and coinsurance), on SQLite and PostgreSQL: statements for the
accounts whose insurance is done, a second run that changes nothing, the PDF, and ``books
verify`` still exiting 0.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from cycle_practice import cycled_home
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.domain.money import Money

DAYS = 90


def _reasons(run: Callable[..., tuple[int, str]], statement_id: str) -> set[str]:
    code, out = run("statements", "show", statement_id, "--json")
    assert code == 0, out
    return {r for v in json.loads(out)["visits"] for r in v["patient_owes"]}


def test_statements_after_a_cycle(tmp_path: Path, database_url: str) -> None:
    home = cycled_home(tmp_path, database_url, patients=40, encounters=160, seed=7, days=DAYS)
    end = home.end.isoformat()

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(
            app,
            ["--home", str(home.settings.home), "--as", home.manager, *args],
            env={"CLAIMDESK_DATABASE_URL": database_url},
        )
        return result.exit_code, result.stdout

    code, out = run("statements", "run", "--as-of", end, "--json")
    assert code == 0, out
    done = json.loads(out)
    assert done["statements"], done["skipped"]
    assert not done["already_run"]
    assert all(s["reason"] for s in done["skipped"])

    code, out = run("statements", "run", "--as-of", end, "--json")
    assert code == 0, out
    again = json.loads(out)
    assert again["already_run"]
    assert again["statements"] == done["statements"]

    first = done["statements"][0]
    code, out = run(
        "statements", "show", first["statement_id"], "--json", "--pdf", str(tmp_path / "s.pdf")
    )
    assert code == 0, out
    shown = json.loads(out)
    assert shown["balance"] == first["balance"]
    visits = sum((Money(v["balance"]) for v in shown["visits"]), Money.zero())
    assert visits + Money(shown["unapplied"]) == Money(first["balance"])
    reasons = {r for s in done["statements"] for r in _reasons(run, s["statement_id"])}
    assert reasons & {"deductible", "coinsurance", "copay"}, reasons
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")

    code, out = run("books", "verify", "--as-of", end, "--json")
    assert code == 0, out
