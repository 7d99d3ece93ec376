"""``claimdesk statements run`` after a simulated cycle (835s posted by the payer simulator, so
real deductibles, copays and coinsurance), on SQLite and PostgreSQL: statements for the
accounts whose insurance is done, a second run that changes nothing, the PDF, and ``books
verify`` still exiting 0.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
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

    # A plan on the largest balance, due from two days on (the terminal's today is the real
    # one, in the practice's zone: two days is after it in any zone).
    largest = max(done["statements"], key=lambda s: Money(s["balance"]))
    first_due = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
    code, out = run("plans", "add", largest["account"], "--amount", "0.001", "--first", first_due)
    assert code == 1, out
    code, out = run(
        *("plans", "add", largest["account"], "--amount", largest["balance"]),
        *("--first", first_due, "--json"),
    )
    assert code == 0, out
    plan = json.loads(out)
    # The plan takes the account's whole balance today: the visits after the cycle's last day
    # are on the books too (the self-pay ones on the patient's from the start).
    assert Money(plan["total"]) >= Money(largest["balance"])
    assert plan["status"] == "good_standing"
    assert [s["amount"] for s in plan["schedule"]][:-1] == [largest["balance"]] * (
        plan["installments"] - 1
    )
    code, out = run("plans", "show", plan["plan_id"], "--json")
    assert code == 0, out
    assert json.loads(out)["schedule"] == plan["schedule"]

    code, out = run("books", "verify", "--as-of", end, "--json")
    assert code == 0, out
