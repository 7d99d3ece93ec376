"""The worker's statement cycle job, on SQLite and PostgreSQL, on the hand-built practice of
statements_practice.py (G1 owes 35.00 and P2 150.00 since 2024-03-15): it sends each account's
statement when its cycle is due, once a day however often it runs, as the worker's system user
through the desk, and waits for the practice profile before sending anything
(docs/statements.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import text
from statements_practice import store
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.config import Settings
from claimdesk.services.database import units_of_work
from claimdesk.services.setup import set_up
from claimdesk.store.engine import make_engine
from claimdesk.worker.inprocess import run_round
from claimdesk.worker.jobs import run_as_worker

JOB = "statement_cycle"


def _at(day: date) -> datetime:
    return datetime.combine(day, time(5), tzinfo=UTC)


def _practice(database_url: str, tmp_path: Path) -> Settings:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    with units_of_work(settings) as factory, factory() as uow:
        store(uow)
        uow.practice.put("time_zone", "UTC", at=_at(date(2024, 4, 1)), by="root")
        uow.commit()
    return settings


def _statements(settings: Settings) -> list[tuple[str, date]]:
    with units_of_work(settings) as factory, factory() as uow:
        rows = uow.statements.statements()
    return sorted((r["account"], r["statement_date"]) for r in rows)


def _worker_runs(settings: Settings) -> list[tuple[str, str, str]]:
    with units_of_work(settings) as factory, factory() as uow:
        records = uow.audit.records()
    return [
        (r.record.user_id, r.record.outcome, r.record.detail)
        for r in records
        if r.record.action == "run_job" and r.record.target == f"job {JOB}"
    ]


def test_the_statement_cycle_sends_each_due_statement_once_a_day(
    database_url: str, tmp_path: Path
) -> None:
    settings = _practice(database_url, tmp_path)
    april = _at(date(2024, 4, 1))

    # A statement goes out on the practice's letterhead: none before the profile names it.
    assert run_as_worker(settings, JOB, april) == "not run: the practice profile lacks name"
    assert _statements(settings) == []
    with units_of_work(settings) as factory, factory() as uow:
        uow.practice.put("name", "Springfield Clinic", at=april, by="root")
        uow.commit()

    first = run_as_worker(settings, JOB, april)
    assert first == "2024-04-01: 2 statement(s), 0 skipped, 0 item(s) opened"
    sent = [("G1", date(2024, 4, 1)), ("P2", date(2024, 4, 1))]
    assert _statements(settings) == sent
    batch = settings.archive / "statements" / "2024-04-01" / "batch-2024-04-01.pdf"
    assert batch.read_bytes().startswith(b"%PDF")
    files = sorted(p.name for p in batch.parent.iterdir())

    # Twice the same day (a retry, a second worker, a round by hand): nothing is sent again.
    later = datetime.combine(date(2024, 4, 1), time(22), tzinfo=UTC)
    assert run_as_worker(settings, JOB, later) == "2024-04-01: already run; nothing sent again"
    assert _statements(settings) == sent
    assert sorted(p.name for p in batch.parent.iterdir()) == files

    # The next day nobody is due (each account's cycle is 30 days); a month on, both are.
    assert run_as_worker(settings, JOB, _at(date(2024, 4, 2))) == (
        "2024-04-02: 0 statement(s), 2 skipped, 0 item(s) opened"
    )
    report = run_round(settings, _at(date(2024, 5, 1)))
    assert report.failed == {}
    assert report.results[JOB] == "2024-05-01: 2 statement(s), 0 skipped, 0 item(s) opened"
    assert _statements(settings) == sorted(
        [*sent, ("G1", date(2024, 5, 1)), ("P2", date(2024, 5, 1))]
    )

    # Every run is the worker's, checked and audited as a job.
    runs = _worker_runs(settings)
    assert {user for user, _outcome, _detail in runs} == {"worker"}
    assert [outcome for _user, outcome, _detail in runs] == ["ok"] * 5
    assert runs[2][2] == "2024-04-01: already run; nothing sent again"


# On PostgreSQL the job runs in procrastinate, as the schedule or `worker --enqueue` queues it.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_queued_twice_the_statement_cycle_sends_once(database_url: str, tmp_path: Path) -> None:
    settings = _practice(database_url, tmp_path)
    with units_of_work(settings) as factory, factory() as uow:
        uow.practice.put("name", "Springfield Clinic", at=_at(date(2024, 4, 1)), by="root")
        uow.commit()
    cli = CliRunner()
    env = {"CLAIMDESK_DATABASE_URL": database_url}
    base = ["--home", str(settings.home), "worker"]
    for _ in range(2):
        queued = cli.invoke(app, [*base, "--enqueue", JOB], env=env)
        assert queued.exit_code == 0, queued.output
    worked = cli.invoke(app, [*base, "--burst"], env=env)
    assert worked.exit_code == 0, worked.output

    # Both jobs succeeded, one after the other under the practice's lock; the second found the
    # day's run and sent nothing again.
    sent = _statements(settings)
    assert sorted(account for account, _day in sent) == ["G1", "P2"]
    assert len({day for _account, day in sent}) == 1
    details = [detail for _user, _outcome, detail in _worker_runs(settings)]
    assert len(details) == 2
    assert details[0].endswith(": 2 statement(s), 0 skipped, 0 item(s) opened")
    assert details[1].endswith(": already run; nothing sent again")
    engine = make_engine(database_url)
    try:
        with engine.connect() as db:
            jobs = db.execute(
                text(
                    "SELECT lock, status FROM procrastinate_jobs "
                    "WHERE task_name = 'claimdesk:statement_cycle'"
                )
            ).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in jobs] == [("claimdesk:default:statement_cycle", "succeeded")] * 2
