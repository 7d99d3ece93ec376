"""`claimdesk plans import` and `claimdesk estimate` as a user runs them on a synthetic practice:
each line says which benefit applied, and an office visit takes its copay and nothing else.

Runs on SQLite and PostgreSQL (CLAIMDESK_DATABASE_URL).
"""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.cli.app import console
from claimdesk.synth import catalog, write_practice

AS_OF = date(2026, 9, 30)


def _directory(path: Path) -> Path:
    """Every synthetic plan in tiers 1-3 and out of network: copay 25.00, 20% coinsurance,
    deductible 500.00 (nothing met: no 271 is on file), maximum 3000.00."""
    rows = ["payer_id,plan_name,network_tier,copay,coinsurance,deductible,out_of_pocket_max"]
    for payer in catalog.PAYERS:
        for plan in payer.plans:
            for tier in (1, 2, 3, 9):
                rows.append(f'{payer.payer_id},"{plan}",{tier},25.00,0.2,500.00,3000.00')
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_the_estimate_names_each_lines_benefit_and_takes_the_visit_copay_alone(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    home = tmp_path / "home"
    env = {"CLAIMDESK_DATABASE_URL": database_url, "CLAIMDESK_USER": "clerk"}

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["--home", str(home), *args], env=env)
        return result.exit_code, result.stdout if "--json" in args else result.output

    assert run("init")[0] == 0
    bundle = tmp_path / "bundle"
    write_practice(bundle, patients=20, encounters=40, seed=5, as_of=AS_OF, days=60)
    assert run("import", str(bundle))[0] == 0
    code, output = run("plans", "import", str(_directory(tmp_path / "plans.csv")), "--json")
    assert code == 0, output
    plans = sum(len(payer.plans) for payer in catalog.PAYERS)
    assert json.loads(output) == {"changed": plans * 4}

    with (bundle / "encounters.csv").open(newline="", encoding="utf-8") as stream:
        encounters = [row["encounter_id"] for row in csv.DictReader(stream)]
    visit: dict[str, Any] | None = None
    for encounter_id in encounters:
        code, output = run("estimate", encounter_id, "--json")
        if code != 0:
            continue  # an encounter without a claim to a coverage (self-pay)
        estimate = json.loads(output)
        visits = [ln for ln in estimate["lines"] if ln["category"] == "office_visit"]
        if estimate["network_tier"] != 9 and visits:
            visit = visits[0]
            break
    assert visit is not None, "no in-network office visit among the synthetic encounters"
    # An office visit in network takes the copay (or its allowed amount, if less) with no
    # deductible and no coinsurance, though none of the 500.00 deductible is met.
    copay = min(Decimal(visit["allowed"]), Decimal("25.00"))
    assert visit["benefit"] == "office_visit: copay 25.00"
    assert Decimal(visit["copay"]) == copay
    assert (visit["deductible"], visit["coinsurance"], visit["balance"]) == ("0.00",) * 3
    assert Decimal(visit["patient"]) == copay

    # A terminal wide enough that no cell wraps the benefit looked for.
    monkeypatch.setattr(console, "width", 240)
    code, output = run("estimate", encounter_id)
    assert code == 0, output
    assert "office_visit: copay 25.00" in output
    assert "benefit" in output
    assert "balance" in output
