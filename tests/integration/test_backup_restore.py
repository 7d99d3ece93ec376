"""``claimdesk backup`` / ``restore`` (issue 14): the books verify equal before and after, every
row and file comes back, and the restored database numbers new rows past the restored ones; on
SQLite and PostgreSQL, through the real program."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from remit_practice import NOW, ensure_person, seed
from typer.testing import CliRunner

from claimdesk.audit.chain import AuditRecord
from claimdesk.audit.log import record, verify
from claimdesk.cli import app as cli_app
from claimdesk.config import Settings
from claimdesk.domain.ledger import Account, BalanceQuery
from claimdesk.domain.money import Money
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.books import verify_books
from claimdesk.services.database import units_of_work
from claimdesk.services.setup import set_up
from claimdesk.services.tier2 import request_write_off
from claimdesk.store.engine import make_engine
from claimdesk.store.export import row_counts

FILES = {
    "archive/remit-0001.835": "ISA*00*          *00*          *ZZ*PAYER~",
    "outbox/appeals/appeal-C1.pdf": "%PDF-1.4 letter",
    "inbox/ack.999": "ISA*999~",
}


def books_of(settings: Settings) -> tuple[object, ...]:
    """What the books say: the invariants' findings and every account's balance."""
    with units_of_work(settings) as uow_factory:
        report = verify_books(uow_factory, as_of=NOW.date(), now=NOW)
        with uow_factory() as uow:
            balances = {
                account: uow.ledger.balance(BalanceQuery(accounts=frozenset({account})))
                for account in Account
            }
        audit = verify(uow_factory)
    return report.findings, balances, audit.records, audit.intact


def test_backup_and_restore_keep_the_books_and_the_files(
    tmp_path: Path, database_url: str, second_database_url: str
) -> None:
    source = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(source)
    with units_of_work(source) as uow_factory:
        seed(uow_factory)
        bill = ensure_person(uow_factory, "bill")
        request_write_off(
            uow_factory,
            "C2",
            amount=Money("40.00"),
            reason_code="small-balance",
            note="",
            by=bill,
            now=NOW,
            policy=shipped_policy(),
        )
        record(uow_factory, AuditRecord(NOW, bill, "P2", "view_claim", "claim C2", "ok"))
    for name, content in FILES.items():
        path = source.home / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)

    runner = CliRunner()
    archive = tmp_path / "backups" / "home.tar.gz"
    archive.parent.mkdir()
    back_up = ["--home", str(source.home), "backup", str(archive)]
    refused = runner.invoke(
        cli_app, back_up, env={"CLAIMDESK_DATABASE_URL": database_url, "CLAIMDESK_USER": bill}
    )
    assert refused.exit_code == 1
    assert "may not back up" in refused.output
    assert not archive.exists()
    before = books_of(source)
    assert before[0] == ()  # the books hold
    assert before[1][Account.WRITE_OFF_SMALL_BALANCE] == Money("40.00")
    assert before[2] == 2  # a view, and the refused backup
    made = runner.invoke(
        cli_app, back_up, env={"CLAIMDESK_DATABASE_URL": database_url, "CLAIMDESK_USER": "root"}
    )
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    restored = Settings(home=tmp_path / "restored", database_url=second_database_url)
    env = {"CLAIMDESK_DATABASE_URL": second_database_url}
    args = ["--home", str(restored.home), "restore", str(archive)]
    done = runner.invoke(cli_app, args, env=env)
    assert done.exit_code == 0, done.output
    findings, balances, records, intact = books_of(restored)
    assert (findings, balances, intact) == (before[0], before[1], before[3])
    assert records == before[2] + 1  # and the restore's own row
    source_engine = make_engine(source.effective_database_url)
    target_engine = make_engine(restored.effective_database_url)
    try:
        copied = row_counts(source_engine)
        # The backup was audited after the copy was taken, the restore after it was made: the
        # two rows balance out.
        assert row_counts(target_engine) == copied
    finally:
        source_engine.dispose()
        target_engine.dispose()
    for name, content in FILES.items():
        assert (restored.home / name).read_text() == content
        assert stat.S_IMODE((restored.home / name).stat().st_mode) == 0o600
    assert not (restored.home / "keys").exists()  # the key travels apart from the backup

    # New rows are numbered after the restored ones (PostgreSQL's sequences were moved on).
    with units_of_work(restored) as uow_factory:
        later = datetime(2024, 3, 21, tzinfo=UTC)
        record(uow_factory, AuditRecord(later, "bill", None, "view_claim", "claim C1", "ok"))
        assert verify(uow_factory).intact

    again = runner.invoke(cli_app, args, env=env)
    assert again.exit_code == 1
    assert "restore goes into an empty database" in again.output


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(os.urandom(64))
    result = CliRunner().invoke(cli_app, ["--home", str(tmp_path / "h"), "restore", str(bogus)])
    assert result.exit_code == 1
    assert "not a readable claimdesk backup" in result.output
