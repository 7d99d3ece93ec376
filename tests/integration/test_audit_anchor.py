"""The audit log's anchor file (issue 14): a cut tail, an emptied table and a changed record
whose later hashes were recomputed all pass the chain check alone, and all are found by
``claimdesk audit verify --anchor FILE``; on SQLite and PostgreSQL, through the real program."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select, update
from typer.testing import CliRunner

from claimdesk.audit.chain import AuditRecord, record_hash
from claimdesk.audit.log import record, verify
from claimdesk.cli import app as cli_app
from claimdesk.config import Settings
from claimdesk.services.database import units_of_work
from claimdesk.services.setup import set_up
from claimdesk.store.engine import make_engine
from claimdesk.store.tables.audit import AuditRow

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RECORDS = 6


def cut_tail(engine: Engine, rows: int = 1) -> None:
    with engine.begin() as connection:
        last = connection.execute(
            select(AuditRow.id).order_by(AuditRow.id.desc()).limit(rows)
        ).scalars()
        connection.execute(delete(AuditRow).where(AuditRow.id.in_(list(last))))


def cut_anchored_tail(engine: Engine) -> None:
    # The verification's and the anchoring's own rows (after the anchor), then an anchored one.
    cut_tail(engine, rows=3)


def empty(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(delete(AuditRow))


def rewrite(engine: Engine) -> None:
    """Change the second record's patient and recompute every hash after it."""
    with engine.begin() as connection:
        rows = connection.execute(select(AuditRow).order_by(AuditRow.id)).all()
        prev = rows[0].row_hash
        for row in rows[1:]:
            patient = "P9" if row.id == rows[1].id else row.patient_account
            entry = AuditRecord(
                row.at.replace(tzinfo=UTC) if row.at.tzinfo is None else row.at,
                row.user_id,
                patient,
                row.action,
                row.target,
                row.outcome,
                row.detail,
            )
            new_hash = record_hash(prev, entry)
            connection.execute(
                update(AuditRow)
                .where(AuditRow.id == row.id)
                .values(patient_account=patient, prev_hash=prev, row_hash=new_hash)
            )
            prev = new_hash


def first_admin(runner: CliRunner, home: list[str], env: dict[str, str]) -> None:
    """The admin who checks the chain: anchoring and verifying are use cases of a known person."""
    added = runner.invoke(cli_app, [*home, "users", "add", "root", "--role", "admin"], env=env)
    assert added.exit_code == 0, added.output


TAMPERING: dict[str, Callable[[Engine], None]] = {
    "truncated tail": cut_anchored_tail,
    "emptied table": empty,
    "rewritten chain": rewrite,
}


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_the_anchor_finds_what_the_chain_alone_misses(
    tmp_path: Path, database_url: str, how: str
) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    runner = CliRunner()
    env = {"CLAIMDESK_DATABASE_URL": database_url, "CLAIMDESK_USER": "root"}
    home = ["--home", str(settings.home)]
    first_admin(runner, home, env)
    with units_of_work(settings) as uow_factory:
        for n in range(1, RECORDS):
            at = T0 + timedelta(minutes=n)
            record(uow_factory, AuditRecord(at, "ann", f"P{n}", "view_claim", f"claim C{n}", "ok"))
    anchors = tmp_path / "elsewhere" / "audit.anchors"
    anchors.parent.mkdir()
    anchored = runner.invoke(cli_app, [*home, "audit", "anchor", str(anchors)], env=env)
    assert anchored.exit_code == 0, anchored.output
    assert f"anchored {RECORDS} records" in anchored.output
    assert stat.S_IMODE(anchors.stat().st_mode) == 0o600
    verify_args = [*home, "audit", "verify", "--anchor", str(anchors)]
    intact = runner.invoke(cli_app, verify_args, env=env)
    assert intact.exit_code == 0, intact.output

    engine = make_engine(settings.effective_database_url)
    try:
        TAMPERING[how](engine)
    finally:
        engine.dispose()
    with units_of_work(settings) as uow_factory:
        assert verify(uow_factory).intact  # the chain alone sees nothing wrong
    plain = runner.invoke(cli_app, [*home, "audit", "verify"], env=env)
    assert plain.exit_code == 0, plain.output
    found = runner.invoke(cli_app, verify_args, env=env)
    assert found.exit_code == 1, found.output
    assert "audit log record" in found.output


def test_later_records_after_an_anchor_still_verify(tmp_path: Path, database_url: str) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    runner = CliRunner()
    env = {"CLAIMDESK_DATABASE_URL": database_url, "CLAIMDESK_USER": "root"}
    home = ["--home", str(settings.home)]
    first_admin(runner, home, env)
    anchors = tmp_path / "audit.anchors"
    for batch in range(3):
        with units_of_work(settings) as uow_factory:
            for n in range(2):
                at = T0 + timedelta(minutes=10 * batch + n)
                record(uow_factory, AuditRecord(at, "bo", None, "run_job", "job submit", "ok"))
        assert (
            runner.invoke(cli_app, [*home, "audit", "anchor", str(anchors)], env=env).exit_code == 0
        )
    assert len(anchors.read_text().splitlines()) == 3
    result = runner.invoke(cli_app, [*home, "audit", "verify", "--anchor", str(anchors)], env=env)
    assert result.exit_code == 0, result.output
    # The admin's enrolment, 6 batch records and each anchoring's own record.
    assert "intact: 10 records" in result.output
    anchors.write_text(anchors.read_text() + "not json\n")
    broken = runner.invoke(cli_app, [*home, "audit", "verify", "--anchor", str(anchors)], env=env)
    assert broken.exit_code != 0
    assert "line 4: not an anchor" in broken.output


def test_each_batch_pins_the_chain_in_the_configured_anchor_file(
    tmp_path: Path, database_url: str
) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    anchors = tmp_path / "elsewhere" / "audit.anchors"
    anchors.parent.mkdir()
    runner = CliRunner()
    env = {"CLAIMDESK_DATABASE_URL": database_url, "CLAIMDESK_AUDIT_ANCHOR": str(anchors)}
    home = ["--home", str(settings.home)]
    added = runner.invoke(
        cli_app, [*home, "--as", "root", "users", "add", "root", "--role", "admin"], env=env
    )
    assert added.exit_code == 0, added.output
    assert not anchors.exists()  # adding a person is not a batch
    for _ in range(2):
        ingested = runner.invoke(cli_app, [*home, "--as", "root", "ingest"], env=env)
        assert ingested.exit_code == 0, ingested.output
    lines = anchors.read_text().splitlines()
    assert len(lines) == 2  # one anchor per batch, each after the batch's own audit row
    verify_args = [*home, "audit", "verify", "--anchor", str(anchors)]
    assert runner.invoke(cli_app, verify_args, env=env).exit_code == 0

    engine = make_engine(settings.effective_database_url)
    try:
        cut_tail(engine, rows=2)  # the verification's own row, then the anchored batch row
    finally:
        engine.dispose()
    found = runner.invoke(cli_app, verify_args, env=env)
    assert found.exit_code == 1, found.output
