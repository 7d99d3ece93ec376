"""The practice profile and the one clock, as a user meets them on the command line.

Each refusal names the setting (or file, row and column) and the fix, exits 1 (input) or 2
(cannot run), and writes nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.config import Settings
from claimdesk.domain.clock import practice_today
from claimdesk.domain.practice import SETTINGS
from claimdesk.services.database import units_of_work
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.ledger import LedgerEntryRow
from claimdesk.store.tables.work_items import WorkItemRow
from claimdesk.synth import write_practice
from unit.edi.pyx12_oracle import pyx12_errors


def _today() -> date:
    """The practice's today when asked: a run may cross midnight in New York."""
    return practice_today(datetime.now(UTC), ZoneInfo("America/New_York"))


class Cli:
    def __init__(self, home: Path, database_url: str) -> None:
        self.home = home
        # The clerk creates the home (init), so is its first user: every command acts as them.
        self.env = {"CLAIMDESK_DATABASE_URL": database_url, "CLAIMDESK_USER": "clerk"}
        self.runner = CliRunner()

    def __call__(self, *args: str) -> tuple[int, str, str]:
        result = self.runner.invoke(app, ["--home", str(self.home), *args], env=self.env)
        return result.exit_code, result.stdout, result.stderr

    @property
    def settings(self) -> Settings:
        return Settings(home=self.home, database_url=self.env["CLAIMDESK_DATABASE_URL"])


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Cli:
    made = Cli(tmp_path / "home", database_url)
    code, _out, err = made("init")
    assert code == 0, err
    return made


def _count(cli: Cli, model: type[object], *where: object) -> int:
    with units_of_work(cli.settings) as factory, factory() as uow:
        query = select(func.count()).select_from(model)  # type: ignore[arg-type]
        for clause in where:
            query = query.where(clause)  # type: ignore[arg-type]
        return int(uow.read.execute(query).scalar_one())


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("billing.npi", "1234567890", "billing.npi: '1234567890' is not an NPI"),
        ("billing.zip", "43215", "billing.zip: '43215' is not a ZIP+4 code"),
        ("submitter.phone", "555-0100", "submitter.phone: '555-0100' is not a ten-digit"),
        ("time_zone", "Mars/Olympus", "time_zone: 'Mars/Olympus' is not an IANA time zone"),
        ("billing.fax", "6145550100", "billing.fax: no such practice setting"),
    ],
)
def test_a_bad_setting_is_refused_by_name_and_nothing_changes(
    cli: Cli, key: str, value: str, said: str
) -> None:
    assert cli("practice", "set", "billing.npi", "1234567893")[0] == 0
    code, _out, err = cli("practice", "set", key, value)
    assert code == 1
    assert said in " ".join(err.split())
    assert "nothing was changed" in " ".join(err.split())
    shown = json.loads(cli("practice", "show", "--json")[1])
    assert shown["settings"] == {"billing.npi": "1234567893"}


def test_a_good_setting_is_stored_in_its_plain_form(cli: Cli) -> None:
    assert cli("practice", "set", "billing.zip", "43215-1234")[0] == 0
    assert cli("practice", "set", "submitter.phone", "(614) 555-0100")[0] == 0
    shown = json.loads(cli("practice", "show", "--json")[1])
    assert shown["settings"] == {"billing.zip": "432151234", "submitter.phone": "6145550100"}
    assert "billing.npi" in shown["missing_to_submit"]
    assert "billing.zip" not in shown["missing_to_submit"]


def _bundle(tmp_path: Path, *, as_of: date | None = None, days: int = 20) -> Path:
    bundle = tmp_path / "bundle"
    write_practice(bundle, patients=20, encounters=40, seed=5, as_of=as_of or _today(), days=days)
    return bundle


def test_submit_with_an_incomplete_profile_stops_before_any_claim(cli: Cli, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path)
    (bundle / "practice.toml").unlink()
    assert cli("import", str(bundle))[0] == 0
    assert cli("practice", "set", "submitter.id", "RFMG001")[0] == 0
    code, out, err = cli("submit")
    assert code == 2
    said = " ".join(err.split())
    needed = [s.key for s in SETTINGS.values() if s.needed_to_submit and s.key != "submitter.id"]
    for key in needed:
        assert f"{key}:" in said
        assert f"claimdesk practice set {key} VALUE" in said
    assert "submitter.id:" not in said
    assert out == ""
    assert _count(cli, ClaimRow, ClaimRow.status != "draft") == 0
    assert _count(cli, WorkItemRow) == 0
    assert list((cli.home / "outbox").iterdir()) == []


def test_a_visit_after_today_is_refused_at_import_with_its_row(cli: Cli, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path)
    lines = (bundle / "encounters.csv").read_text().splitlines()
    header = lines[0].split(",")
    column = header.index("date_of_service")
    cells = lines[3].split(",")
    today = _today()
    future = today + timedelta(days=32)
    cells[column] = future.isoformat()
    lines[3] = ",".join(cells)
    (bundle / "encounters.csv").write_text("\n".join(lines) + "\n")
    code, out, _err = cli("import", str(bundle), "--json")
    assert code == 1
    [error] = json.loads(out)["errors"]
    assert error == {
        "file": "encounters.csv",
        "row": 4,
        "column": "date_of_service",
        "reason": f"date of service {future} is after today {today}",
    }
    assert _count(cli, ClaimRow) == 0
    assert json.loads(cli("practice", "show", "--json")[1])["settings"] == {}


def test_a_bundle_profile_with_a_bad_npi_imports_nothing(cli: Cli, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path)
    profile = (bundle / "practice.toml").read_text()
    bad = "\n".join(
        'npi = "1234567890"' if line.startswith("npi = ") else line for line in profile.splitlines()
    )
    (bundle / "practice.toml").write_text(bad + "\n")
    code, out, _err = cli("import", str(bundle), "--json")
    assert code == 1
    [error] = json.loads(out)["errors"]
    assert (error["file"], error["row"], error["column"]) == ("practice.toml", 0, "billing.npi")
    assert error["reason"].startswith("'1234567890' is not an NPI: 10 digits")
    assert _count(cli, ClaimRow) == 0


def test_synth_refuses_an_as_of_date_in_the_future(tmp_path: Path) -> None:
    later = _today() + timedelta(days=2)
    result = CliRunner().invoke(
        app, ["synth", str(tmp_path / "b"), "--as-of", later.isoformat()], env={}
    )
    assert result.exit_code == 1
    assert "is after today" in result.stderr
    assert not (tmp_path / "b").exists()


def test_the_readme_flow_bills_today_and_no_entry_is_dated_after_today(
    cli: Cli, tmp_path: Path
) -> None:
    bundle = _bundle(tmp_path, days=14)
    assert cli("import", str(bundle))[0] == 0
    code, out, err = cli("submit", "--json")
    assert code in (0, 1), err
    report = json.loads(out)
    rules = {rule for held in report["held"] for rule in held["rules"]}
    assert not rules & {"DAT001", "DAT002", "X12"}  # nothing held for dates or configuration
    assert report["submitted"] >= 0.8 * (report["scrubbed"] - len(report["self_pay_ready"]))
    # The cycle cannot go back before claims already sent (it would pay them before they went
    # out); from today on it runs.
    code, _out, err = cli("cycle", "--days", "3", "--json")
    assert code == 2
    assert "claims were already submitted on" in err
    code, _out, err = cli("cycle", "--days", "1", "--json")
    assert code == 0, err
    today = _today()
    refused = cli("cycle", "--days", "3", "--start", today.isoformat())
    assert refused[0] == 2
    assert "after today" in refused[2]
    now = datetime.now(UTC)
    with units_of_work(cli.settings) as factory, factory() as uow:
        latest = uow.read.execute(
            select(func.max(LedgerEntryRow.effective), func.max(LedgerEntryRow.recorded_at))
        ).one()
    assert latest[0] <= today
    assert latest[1].date() <= now.date()


def test_a_bundle_changing_only_its_profile_says_what_changed(cli: Cli, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path)
    assert cli("import", str(bundle))[0] == 0
    code, out, _err = cli("import", str(bundle))
    assert code == 0
    assert "nothing changed: this bundle was already imported" in out
    profile = (bundle / "practice.toml").read_text()
    signed = profile.replace('signature = "Billing Office,', 'signature = "Accounts Office,')
    (bundle / "practice.toml").write_text(signed)
    code, out, _err = cli("import", str(bundle))
    assert code == 0
    assert "practice settings changed (each audited): signature" in " ".join(out.split())
    assert "nothing changed" not in out
    shown = json.loads(cli("practice", "show", "--json")[1])["settings"]
    assert shown["signature"].startswith("Accounts Office,")


def test_the_837_names_the_practice_as_its_profile_says(cli: Cli, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, days=5)
    assert cli("import", str(bundle))[0] == 0
    for key, value in (
        ("name", "Riverbend Medical Group LLC"),
        ("pay_to.address1", "PO Box 4410"),
        ("pay_to.city", "Columbus"),
        ("pay_to.state", "OH"),
        ("pay_to.zip", "43216-4410"),
    ):
        assert cli("practice", "set", key, value)[0] == 0
    code, out, err = cli("submit", "--json")
    assert code in (0, 1), err
    [batch, *_] = json.loads(out)["batches"]
    sent = (cli.home / "outbox" / batch["file"]).read_text()
    assert "NM1*85*2*RIVERBEND MEDICAL GROUP LLC*****XX*" in sent  # 2010AA, from the profile
    assert "NM1*87*2~N3*PO BOX 4410~N4*COLUMBUS*OH*432164410~" in sent  # 2010AB pay-to
    assert pyx12_errors(sent) == []
