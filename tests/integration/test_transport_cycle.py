"""The demo's way: the simulated cycle moves its files through an SFTP clearinghouse (a real
server on 127.0.0.1, a mailbox per practice): every 837 and 270 goes up once, every answer
comes down once and is read, and nothing is left on the server or in the outbox. (The demo's
figures are the same as those of the cycle that hands the simulator its outbox directly.)"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from claimdesk.bootstrap import composed
from claimdesk.config import Settings
from claimdesk.cycle.policy import shipped_staff_policy
from claimdesk.cycle.run import CycleOptions, CycleReport, run_cycle
from claimdesk.cycle.sftp_mailbox import (
    INBOUND,
    OUTBOUND,
    TAKEN,
    clearinghouse,
    mailbox_of,
    write_transport,
)
from claimdesk.services.import_folder import import_folder
from claimdesk.services.setup import set_up
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.synth.practice import write_practice

LAST_DAY = date(2026, 9, 30)
DAYS = 8
PARTNERS = TradingPartners(
    submitter_id="RFMG001", contact_name="Billing office", phone="6145550100"
)


def _practice(folder: Path) -> Settings:
    settings = Settings(home=folder / "home", database_url="")
    set_up(settings)
    write_practice(
        folder / "bundle", patients=10, encounters=30, seed=11, as_of=LAST_DAY, days=DAYS
    )
    imported = import_folder(
        settings,
        folder / "bundle",
        user="e2e",
        now=datetime.combine(LAST_DAY, time(18), tzinfo=UTC),
    )
    assert imported.report is not None, imported.errors[:3]
    return settings


def _cycle(settings: Settings, mailbox: Path | None) -> CycleReport:
    options = CycleOptions(
        days=DAYS,
        staff=shipped_staff_policy(),
        partners=PARTNERS,
        start=LAST_DAY - timedelta(days=DAYS - 1),
        clearinghouse=mailbox,
    )
    with composed(settings) as parts:
        return run_cycle(parts, options)


def _moved(home: Path) -> dict[str, int]:
    with sqlite3.connect(home / "claimdesk.db") as db:
        rows = db.execute("SELECT direction, count(*) FROM transport_files GROUP BY direction")
        return dict(rows.fetchall())


def test_the_cycle_moves_every_file_through_the_clearinghouse_once(tmp_path: Path) -> None:
    settings = _practice(tmp_path)
    mailbox = mailbox_of(settings.home, settings.practice_id)
    with clearinghouse(settings.home, [settings]) as server:
        write_transport(settings, server)

        report = _cycle(settings, mailbox)

    # Every claim sent was acknowledged through the mailbox (the 835s of a longer run come
    # the same way: test_transport_sftp reads one).
    assert report.claims_submitted > 0
    assert "submitted" not in report.claims_by_status, report.claims_by_status
    assert report.claims_by_status.get("accepted", 0) > 0, report.claims_by_status
    moved = _moved(settings.home)
    # Each 837 and 270 went up once (the simulator took them from the inbound folder), and
    # every answer came down once, then left the server.
    taken = sorted(p.name for p in (mailbox / TAKEN).iterdir())
    assert moved["sent"] == len(taken) == len(list(settings.sent.iterdir()))
    read = [p for p in settings.archive.iterdir() if p.is_file()]
    held = [p for p in (settings.archive / "held").glob("*") if not p.name.endswith(".txt")]
    assert moved["fetched"] == len(read) + len(held)
    assert list((mailbox / INBOUND).iterdir()) == []
    assert list((mailbox / OUTBOUND).iterdir()) == []
    assert [p for p in settings.outbox.iterdir() if p.is_file()] == []
    assert [p for p in settings.inbox.iterdir() if p.is_file()] == []
    assert (settings.home / "keys" / "clearinghouse_ed25519").stat().st_mode & 0o077 == 0
