"""After a simulated cycle, the month-end pack of every whole month reconciles (each payer
class's closing equals the ledger's A/R at the month's end), ``close`` closes the
first month (after which the books still verify) and the invoice of that month lists the
collections its fee is computed on; on SQLite and PostgreSQL, through the ``claimdesk`` program
as a manager runs it."""

from __future__ import annotations

import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from cycle_practice import cycled_home
from typer.testing import CliRunner, Result

from claimdesk.cli import app
from claimdesk.domain.periods import Month


def test_the_pack_reconciles_after_a_cycle(tmp_path: Path, database_url: str) -> None:
    home = cycled_home(tmp_path, database_url, patients=80, encounters=320, seed=15, days=75)

    def claimdesk(*args: str) -> Result:
        return CliRunner().invoke(
            app,
            ["--home", str(home.settings.home), "--as", home.manager, *args],
            env={"CLAIMDESK_DATABASE_URL": database_url},
        )

    first = Month.of(home.start).following
    months = [first, first.following]
    assert months[-1].last_day <= home.end
    for month in months:
        result = claimdesk("pack", str(month), "--out", str(tmp_path / "pack"), "--json")
        assert result.exit_code == 0, result.output
        answer = json.loads(result.stdout)
        assert answer["reconciles"] is True
        lines = {row["payer_class"]: row for row in answer["roll_forward"]}
        assert lines["all"]["closing"] == lines["all"]["ledger_closing"]
        assert any(row["charges"] != "0.00" for row in answer["roll_forward"])
        with (tmp_path / "pack" / f"pack-{month}-roll-forward.csv").open() as stream:
            assert [r["payer_class"] for r in csv.DictReader(stream)][-1] == "all"
        assert (tmp_path / "pack" / f"pack-{month}.pdf").read_bytes().startswith(b"%PDF")

    result = claimdesk("close", str(first), "--json")
    answer = json.loads(result.stdout)
    assert (result.exit_code, answer["closed"], answer["findings"]) == (0, True, [])
    verified = claimdesk("books", "verify", "--as-of", home.end.isoformat(), "--json")
    assert verified.exit_code == 0, verified.stdout[-2000:]
    periods = json.loads(claimdesk("periods", "--json").stdout)["periods"]
    assert [(p["period"], p["status"]) for p in periods] == [(str(first), "closed")]

    assert claimdesk("practice", "set", "fee.percent", "6.5").exit_code == 0
    assert claimdesk("practice", "set", "fee.minimum", "100.00").exit_code == 0
    refused = claimdesk("invoice", str(first.following))
    assert refused.exit_code == 2
    assert "is open" in refused.output
    billed = claimdesk("invoice", str(first), "--out", str(tmp_path / "bill"), "--json")
    assert billed.exit_code == 0, billed.output
    bill = json.loads(billed.stdout)
    collected = Decimal(bill["collections"])
    percent = (collected * Decimal("0.065")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert bill["total"] == str(max(percent, Decimal("100.00")))
    with (tmp_path / "bill" / f"invoice-{first}-collections.csv").open() as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == bill["claims_collected"] > 0
    assert sum(Decimal(r["total"]) for r in rows) == collected
    assert (tmp_path / "bill" / f"invoice-{first}.pdf").read_bytes().startswith(b"%PDF")
