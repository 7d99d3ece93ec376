"""``claimdesk transport send|fetch`` and the worker's transport jobs on a real home and a real
SFTP server: batch jobs of a known person (or the worker), audited, with each file, partner and
reason reported; the worker exchanges with each partner on its own interval."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from store_practice import NOW
from tier1_practice import import_submit_practice, run_submit
from transport_mailbox import PARTNER, Clearinghouse, clearinghouse
from typer.testing import CliRunner, Result

from claimdesk.cli import app
from claimdesk.config import Settings
from claimdesk.services.database import units_of_work
from claimdesk.worker.inprocess import run_round
from claimdesk.worker.jobs import NO_TRANSPORT, run_as_worker

ENV = {"CLAIMDESK_USER": "owner", "CLAIMDESK_DATABASE_URL": ""}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home whose practice submitted one 837 (in its outbox), with a Tier 1 biller, tia."""
    home = tmp_path / "home"
    for args in (["init"], ["users", "add", "tia", "--role", "tier1"]):
        done = CliRunner().invoke(app, ["--home", str(home), *args], env=ENV)
        assert done.exit_code == 0, done.output
    with units_of_work(Settings(home=home, database_url="")) as uow_factory:
        import_submit_practice(uow_factory)
        run_submit(uow_factory, home / "outbox")
    return home


@pytest.fixture
def house(tmp_path: Path) -> Iterator[Clearinghouse]:
    with clearinghouse(tmp_path / "clearinghouse") as served:
        yield served


def _cli(home: Path, *args: str) -> Result:
    return CliRunner().invoke(
        app, ["--home", str(home), "--as", "tia", "transport", *args], env=ENV
    )


def _audit(home: Path) -> list[tuple[str, str, str, str, str]]:
    with sqlite3.connect(home / "claimdesk.db") as db:
        return list(
            db.execute(
                "SELECT user_id, action, target, outcome, detail FROM audit_log "
                "WHERE target LIKE 'job transport%' ORDER BY id"
            )
        )


def test_send_and_fetch_are_audited_jobs_of_the_person(home: Path, house: Clearinghouse) -> None:
    [name] = [p.name for p in (home / "outbox").iterdir() if p.is_file()]
    house.configure(home)

    sent = _cli(home, "send", "--json")

    assert sent.exit_code == 0, sent.output
    report = json.loads(sent.output)
    assert report["moved"] == [
        {
            "partner": PARTNER,
            "name": name,
            "remote": name,
            "size": (house.inbound / name).stat().st_size,
        }
    ]
    assert report["failures"] == report["waiting"] == []
    assert (home / "archive" / "sent" / name).exists()
    (house.outbound / "answer.999").write_text("ISA*999")

    fetched = _cli(home, "fetch", PARTNER)

    assert fetched.exit_code == 0, fetched.output
    assert "answer.999" in fetched.output
    assert "1 file(s) fetched" in fetched.output
    assert (home / "inbox" / "answer.999").read_text() == "ISA*999"
    assert _audit(home) == [
        ("tia", "run_job", "job transport send", "ok", "1 file(s) sent"),
        ("tia", "run_job", "job transport fetch", "ok", "1 file(s) fetched"),
    ]


def test_without_a_good_transport_toml_it_cannot_run_and_says_why(
    home: Path, house: Clearinghouse
) -> None:
    missing = _cli(home, "send")
    (home / "transport.toml").write_text(house.toml(port=70000))
    bad = _cli(home, "fetch")
    house.configure(home)
    unknown = _cli(home, "send", "availity")

    assert [r.exit_code for r in (missing, bad, unknown)] == [2, 2, 2]
    assert f"{home / 'transport.toml'}: no such file" in " ".join(missing.output.split())
    assert "[partners.acme], field 'port': a whole number from 1 to 65535" in bad.output
    assert "no partner 'availity' (partners: acme)" in unknown.output
    assert [row[3] for row in _audit(home)] == ["failed", "failed", "failed"]
    assert any(p.is_file() for p in (home / "outbox").iterdir())


def test_a_partner_that_cannot_be_reached_exits_1_naming_it(
    home: Path, house: Clearinghouse
) -> None:
    house.configure(home)
    house.server.stop()

    down = _cli(home, "send")

    assert down.exit_code == 1, down.output
    text = " ".join(down.output.split())
    assert "failed: acme" in text
    assert f"cannot connect to 127.0.0.1:{house.server.port}" in text
    [(_user, _action, _target, outcome, detail)] = _audit(home)
    assert outcome == "ok"
    assert "1 failure(s): acme" in detail


def test_the_worker_exchanges_with_each_partner_on_its_interval(
    home: Path, house: Clearinghouse
) -> None:
    settings = Settings(home=home, database_url="")
    assert run_as_worker(settings, "transport_send", NOW) == NO_TRANSPORT
    house.configure(home, every_minutes=15)
    [first] = [p.name for p in (home / "outbox").iterdir() if p.is_file()]

    assert run_as_worker(settings, "transport_send", NOW) == "1 file(s) sent"
    (home / "outbox" / "later.x12").write_text("ISA*later")
    assert run_as_worker(settings, "transport_send", NOW + timedelta(minutes=14)) == (
        "0 file(s) sent"
    )
    assert (home / "outbox" / "later.x12").exists()
    assert run_as_worker(settings, "transport_send", NOW + timedelta(minutes=15)) == (
        "1 file(s) sent"
    )
    assert sorted(p.name for p in house.inbound.iterdir()) == sorted([first, "later.x12"])

    (house.outbound / "answer.999").write_text("ISA*999")
    round_ = run_round(settings, NOW + timedelta(minutes=16))

    assert round_.failed == {}
    assert round_.results["transport_fetch"] == "1 file(s) fetched"
    assert round_.results["transport_send"] == "0 file(s) sent"  # its interval has not passed
    with sqlite3.connect(home / "claimdesk.db") as db:
        rows = db.execute("SELECT direction, count(*) FROM transport_files GROUP BY direction")
        assert dict(rows.fetchall()) == {"fetched": 1, "sent": 2}
