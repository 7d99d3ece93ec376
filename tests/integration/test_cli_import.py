"""The import path as a user runs it: bundle folder -> `claimdesk import` -> `claimdesk summary`.

Runs on SQLite and PostgreSQL (CLAIMDESK_DATABASE_URL), with real good and bad bundles.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.synth import write_practice

# The synthetic practice's today in this file's bundles, and the days of visits before it.
REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bundles"


@pytest.fixture
def run(database_url: str, tmp_path: Path) -> object:
    runner = CliRunner()
    home = tmp_path / "home"
    # The clerk creates the home (init), so is its first user: every command acts as them.
    env = {"CLAIMDESK_DATABASE_URL": database_url, "CLAIMDESK_USER": "clerk"}
    assert runner.invoke(app, ["--home", str(home), "init"], env=env).exit_code == 0

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["--home", str(home), *args], env=env)
        return result.exit_code, result.stdout if "--json" in args else result.output

    return invoke


def _summary(run: object) -> dict[str, object]:
    code, output = run("summary", "--json")  # type: ignore[operator]
    assert code == 0, output
    data: dict[str, object] = json.loads(output)
    return data


def test_bad_bundle_reports_every_row_and_imports_nothing(run: object) -> None:
    code, output = run("import", str(FIXTURES / "bad_many"), "--json")  # type: ignore[operator]
    assert code == 1
    report = json.loads(output)
    assert report["imported"] is False
    errors = report["errors"]
    assert len(errors) > 3  # all at once, not only the first
    assert all(e["file"].endswith(".csv") and e["row"] >= 1 and e["column"] for e in errors)
    counts = _summary(run)["counts"]
    assert counts == dict.fromkeys(counts, 0)  # type: ignore[union-attr]


def test_import_twice_changes_nothing_and_books_balance(run: object, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    write_practice(
        bundle, patients=30, encounters=120, seed=3, as_of=REFERENCE_DATE, days=PERIOD_DAYS
    )
    code, output = run("import", str(bundle), "--json")  # type: ignore[operator]
    assert code == 0, output
    first = json.loads(output)
    assert first["claims_created"] == 120
    assert first["ledger_entries_posted"] > 0
    after_first = _summary(run)

    code, output = run("import", str(bundle), "--json")  # type: ignore[operator]
    assert code == 0, output
    second = json.loads(output)
    assert second["claims_created"] == 0
    assert second["ledger_entries_posted"] == 0
    assert all(c["inserted"] == 0 and c["updated"] == 0 for c in second["counts"].values())
    assert _summary(run) == after_first
    assert after_first["balanced"] is True
    assert after_first["counts"]["encounters"] == 120  # type: ignore[index]


def test_one_bad_row_in_a_good_bundle_blocks_the_whole_import(run: object, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(FIXTURES / "good", bundle)
    lines = (bundle / "service_lines.csv").read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[-1].split(",")
    cells[header.index("charge")] = "12.345"
    lines[-1] = ",".join(cells)
    (bundle / "service_lines.csv").write_text("\n".join(lines) + "\n")

    code, output = run("import", str(bundle))  # type: ignore[operator]
    assert code == 1
    assert f"service_lines.csv:{len(lines)}: charge:" in output
    assert "nothing was imported" in output
    assert _summary(run)["counts"]["patients"] == 0  # type: ignore[index]
