"""``claimdesk synth`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from claimdesk.bundle.reader import read_bundle
from claimdesk.cli import app


def test_synth_writes_a_readable_bundle_and_reports_json(tmp_path: Path) -> None:
    out = tmp_path / "practice"
    result = CliRunner().invoke(
        app,
        ["synth", str(out), "--patients", "20", "--encounters", "30", "--seed", "4", "--json"],
    )

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["counts"]["patients"] == 20
    assert report["counts"]["encounters"] == 30
    assert report["seed"] == 4
    assert read_bundle(out).ok


def test_synth_refuses_a_defect_rate_above_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "synth",
            str(tmp_path),
            "--patients",
            "5",
            "--encounters",
            "5",
            "--seed",
            "1",
            "--defect-rate",
            "2",
        ],
    )

    assert result.exit_code == 2
    assert not (tmp_path / "patients.csv").exists()
