"""Two workers share one inbox on PostgreSQL: every file is posted exactly once.

A small synthetic practice is billed for 14 days against the payer simulator (acknowledgments
read in process); the payers' 835s of 50 days are then dropped into the inbox at once, many
inbox jobs are queued, and two ``claimdesk worker`` processes (two jobs at a time each) race
for the files. Skipped without PostgreSQL, except under ``CI=true``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from claimdesk.bootstrap import shipped_rules
from claimdesk.bundle.reader import read_bundle
from claimdesk.codes.reference import load_config, load_reference
from claimdesk.config import DEFAULT_PRACTICE, Settings
from claimdesk.cycle.payer_link import PayerLink
from claimdesk.cycle.run import day_end
from claimdesk.edi.x835.read import read_835
from claimdesk.payer_sim.files import deliver_remittances
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.world import PayerWorld
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.database import units_of_work
from claimdesk.services.eligibility import send_inquiries
from claimdesk.services.import_folder import import_folder
from claimdesk.services.inbox import PROCESSING, ingest_inbox
from claimdesk.services.setup import set_up
from claimdesk.services.submit import submit
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.store.engine import make_engine
from claimdesk.store.tables.remittances import ClaimPaymentRow, RemittanceRow
from claimdesk.synth.practice import write_practice
from claimdesk.worker.queue import enqueue, ensure_schema

# The synthetic practice's today in this file's bundles, and the days of visits before it.
REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365

PARTNERS = TradingPartners(submitter_id="RFMG001", contact_name="Billing", phone="6145550100")
BILLED_DAYS, PAID_DAYS, INBOX_JOBS = 14, 50, 8
PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_URL = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres"


def _postgres_reachable() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres_url() -> Iterator[str]:
    if not _postgres_reachable():
        message = "PostgreSQL is not reachable at 127.0.0.1:5432"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}, and CI=true requires it")
        pytest.skip(message)
    name = f"claimdesk_worker_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _billed_practice(tmp_path: Path, settings: Settings) -> Path:
    """Bill 14 days of visits; the 835s of 50 days wait in a staging folder."""
    bundle = tmp_path / "bundle"
    write_practice(
        bundle, patients=150, encounters=700, seed=3, as_of=REFERENCE_DATE, days=PERIOD_DAYS
    )
    start = REFERENCE_DATE - timedelta(days=PERIOD_DAYS)
    # The year's visits are on file by its last day; the first BILLED_DAYS are billed below.
    imported = import_folder(
        settings, bundle, user="test", now=datetime.combine(REFERENCE_DATE, time(18), tzinfo=UTC)
    )
    assert imported.report is not None, imported.errors[:3]
    read = read_bundle(bundle)
    assert read.bundle is not None
    simulator = PayerSimulator(PayerWorld.from_bundle(read.bundle))
    link = PayerLink(simulator, settings.inbox, settings.sent)
    staging = tmp_path / "staging"
    reference, config = load_reference(settings.home / "codes"), load_config(settings.home)
    with units_of_work(settings) as uow_factory:
        for number in range(PAID_DAYS):
            day = start + timedelta(days=number)
            now = day_end(day)
            if number < BILLED_DAYS:
                send_inquiries(
                    uow_factory,
                    settings.outbox,
                    partners=PARTNERS,
                    config=config,
                    now=now,
                    policy=shipped_policy(),
                )
                link.send(settings.outbox, day)
                ingest_inbox(
                    uow_factory,
                    settings.inbox,
                    settings.archive,
                    now=now,
                    by="test",
                    rules=shipped_rules(),
                )
                submit(
                    uow_factory,
                    settings.outbox,
                    reference=reference,
                    config=config,
                    partners=PARTNERS,
                    now=now,
                    by="test",
                    policy=shipped_policy(),
                )
                link.send(settings.outbox, day)
                ingest_inbox(
                    uow_factory,
                    settings.inbox,
                    settings.archive,
                    now=now,
                    by="test",
                    rules=shipped_rules(),
                )
            deliver_remittances(simulator, staging, day)
    return staging


def _worker(settings: Settings, name: str) -> subprocess.Popen[str]:
    program = Path(sys.executable).with_name("claimdesk")
    env = {
        **os.environ,
        "CLAIMDESK_HOME": str(settings.home),
        "CLAIMDESK_DATABASE_URL": settings.effective_database_url,
    }
    return subprocess.Popen(
        [str(program), "worker", "--burst", "--concurrency", "2", "--name", name],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_workers_post_every_inbox_file_exactly_once(tmp_path: Path, postgres_url: str) -> None:
    settings = Settings(home=tmp_path / "home", database_url=postgres_url)
    set_up(settings)
    staging = _billed_practice(tmp_path, settings)
    files = sorted(staging.iterdir())
    assert len(files) >= 10
    traces: Counter[str] = Counter()
    payments = 0
    for path in files:
        read = read_835(path.read_text(encoding="utf-8"))
        assert read.findings == ()
        for remittance in read.remittances:
            assert remittance.trace is not None
            traces[remittance.trace.number] += 1
            payments += len(remittance.claims)
    digests = {hashlib.sha256(path.read_bytes()).hexdigest() for path in files}
    for path in files:
        shutil.move(path, settings.inbox / path.name)

    ensure_schema(settings)
    enqueue(settings, [DEFAULT_PRACTICE], ["watch_inboxes"] * INBOX_JOBS)
    workers = [_worker(settings, "one"), _worker(settings, "two")]
    outputs = [w.communicate(timeout=600)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs

    assert [p.name for p in settings.inbox.iterdir() if p.is_file()] == []
    assert list((settings.inbox / PROCESSING).iterdir()) == []
    archived = Counter(p.name for p in settings.archive.iterdir() if p.suffix == ".835")
    assert archived == Counter(p.name for p in files)  # each file archived once, none held
    engine = make_engine(postgres_url)
    try:
        with engine.connect() as connection:
            posted = Counter(
                row.trace_number for row in connection.execute(select(RemittanceRow.trace_number))
            )
            claim_payments = connection.execute(
                select(func.count()).select_from(ClaimPaymentRow)
            ).scalar_one()
            jobs = dict(
                connection.execute(
                    text("SELECT status, count(*) FROM procrastinate_jobs GROUP BY status")
                ).all()
            )
            locks = connection.execute(
                text("SELECT task_name, lock, queueing_lock FROM procrastinate_jobs")
            ).all()
    finally:
        engine.dispose()
    assert posted == traces  # every remittance posted exactly once
    assert claim_payments == payments
    assert set(jobs) == {"succeeded"}
    assert jobs["succeeded"] >= INBOX_JOBS
    # The inbox jobs run one at a time and queue one job per file, locked on its content.
    watchers = [row for row in locks if row.task_name == "claimdesk:watch_inboxes"]
    assert {row.lock for row in watchers} == {"claimdesk:default:watch_inboxes"}
    per_file = [row for row in locks if row.task_name == "claimdesk:ingest_file"]
    assert {row.lock for row in per_file} == {f"claimdesk:default:inbox:{d}" for d in digests}
    assert all(row.queueing_lock == row.lock for row in per_file)
