"""`claimdesk rules`, `claimdesk codes import`, and the generated docs/scrub-rules.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.scrub.docs import main as docs_main
from claimdesk.scrub.docs import render

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "codes"
runner = CliRunner()


def test_rules_json_lists_every_rule_with_its_fix() -> None:
    result = runner.invoke(app, ["rules", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert len(listed) >= 40
    by_code = {rule["code"]: rule for rule in listed}
    assert by_code["COD014"] == {
        "code": "COD014",
        "name": "em-modifier-25-or-57-missing",
        "area": "coding",
        "severity": "error",
        "tier": 1,
        "summary": by_code["COD014"]["summary"],
        "fix": by_code["COD014"]["fix"],
        "reference": by_code["COD014"]["reference"],
    }
    assert "57" in by_code["COD014"]["fix"]
    assert "global" in by_code["COD014"]["reference"]
    assert by_code["COD014"]["fix"].startswith("Add modifier 25")


def test_rules_table_names_the_count() -> None:
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    assert "REG001" in result.output
    assert "rules" in result.output.splitlines()[-1]


# Importing code sets changes how every claim is scrubbed: a job of a known person, so the home
# exists and its first admin (who created it) runs the imports.
ENV = {"CLAIMDESK_USER": "clerk", "CLAIMDESK_DATABASE_URL": ""}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    created = runner.invoke(app, ["--home", str(tmp_path), "init"], env=ENV)
    assert created.exit_code == 0, created.output
    return tmp_path


def test_codes_import_stores_then_reports_unchanged(home: Path) -> None:
    tmp_path = home
    args = ["--home", str(tmp_path), "codes", "import", "mue", str(FIXTURES / "mue.csv")]
    first = runner.invoke(app, [*args, "--json"], env=ENV)
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert report["changed"] is True
    assert report["rows"] == 6
    assert Path(report["stored"]) == tmp_path / "codes" / "mue.tsv"
    again = runner.invoke(app, args, env=ENV)
    assert again.exit_code == 0
    assert "unchanged" in again.output


def test_codes_import_with_bad_rows_exits_one_and_names_each_row(home: Path) -> None:
    tmp_path = home
    result = runner.invoke(
        app,
        ["--home", str(tmp_path), "codes", "import", "pos", str(FIXTURES / "pos_bad.csv")],
        env=ENV,
    )
    assert result.exit_code == 1
    assert "pos_bad.csv:2: Place of Service Code(s): '2' is not a two-digit code" in result.output
    assert "4 problem(s); nothing was stored" in result.output
    assert not (tmp_path / "codes" / "pos.tsv").exists()


def test_codes_import_cannot_run_on_unknown_kind_or_missing_file(tmp_path: Path) -> None:
    unknown = runner.invoke(app, ["--home", str(tmp_path), "codes", "import", "cpt", "x"])
    assert unknown.exit_code == 2
    assert "unknown kind 'cpt'" in unknown.output
    missing = runner.invoke(
        app, ["--home", str(tmp_path), "codes", "import", "mue", str(tmp_path / "nope.csv")]
    )
    assert missing.exit_code == 2
    assert "no such file" in missing.output


def test_committed_rule_documentation_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "scrub-rules.md").read_text(encoding="utf-8")
    assert committed == render(), "run: python -m claimdesk.scrub.docs"


def test_docs_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "rules.md"
    stale.write_text("# old\n")
    assert docs_main(["--check", str(stale)]) == 1
    assert docs_main([str(stale)]) == 0
    assert docs_main(["--check", str(stale)]) == 0
    assert "### COD001" in stale.read_text()
