"""Submit on SQLite and PostgreSQL: scrub, batch clean claims per payer into an 837P that pyx12
accepts, update statuses and history, hold the rest as Tier 1 work, release a fixed claim."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from store_practice import NOW
from tier1_practice import UowFactory, import_submit_practice, run_submit
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.money import Money
from claimdesk.domain.work import Outcome, WorkKind
from claimdesk.edi.x12.envelope import read_envelopes
from claimdesk.edi.x12.writer import Envelope
from claimdesk.edi.x999.write import acknowledge, write_999
from claimdesk.services import submit as submit_service
from claimdesk.services.submit import HOLD_KEY
from claimdesk.store.uow import UnitOfWork
from claimdesk.synth.practice import write_practice
from unit.edi.pyx12_oracle import pyx12_errors

# The synthetic practice's today in this file's bundles, and the days of visits before it.
REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365


def _status(uow: UnitOfWork, claim_id: str) -> ClaimStatus:
    claim = uow.claims.get(claim_id)
    assert claim is not None
    return claim.status


def test_clean_claims_are_batched_and_the_lapsed_one_is_held(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    import_submit_practice(uow_factory)
    report = run_submit(uow_factory, tmp_path)

    assert (report.scrubbed, report.clean, report.submitted) == (3, 2, 2)
    assert [(h.claim_id, h.rules) for h in report.held] == [("CE3", ("COV007",))]
    [batch] = report.batches
    assert (batch.payer_id, batch.transaction, batch.submitted) == ("ACME", "837P", 2)
    assert (batch.scrubbed, batch.clean, batch.held) == (2, 2, 0)
    assert batch.clean_claim_rate == Decimal(1)
    assert batch.first_pass_acceptance is None  # nothing acknowledged yet
    assert batch.total_charge == Money("340.00")

    x12 = (tmp_path / batch.file_name).read_text()
    assert pyx12_errors(x12) == []
    assert "CLM*CE1*190*" in x12
    assert "CLM*CE2*150*" in x12
    assert "CE3" not in x12
    assert x12.startswith("ISA*00*          *00*          *ZZ*RFMG001        *ZZ*ACME           ")

    with uow_factory() as uow:
        first = uow.claims.get("CE1")
        assert first is not None
        assert [c.to_status for c in first.history] == [
            ClaimStatus.DRAFT,
            ClaimStatus.READY,
            ClaimStatus.SUBMITTED,
        ]
        assert first.history[-1].reason == f"batch {batch.batch_id}: {batch.file_name}"
        assert _status(uow, "CE3") is ClaimStatus.HELD
        item = uow.work_items.active_for("CE3", HOLD_KEY)
    assert item is not None
    assert (item.kind, item.tier, item.queue) == (WorkKind.SCRUB_HOLD, 1, "t1-scrub")
    # Due by the payer's timely filing limit from the visit (self-pay: 365 days), and scored
    # on the claim's charge: never 0.00.
    assert (item.deadline, item.deadline_kind) == (date(2025, 2, 9), "timely_filing")
    assert item.score.days_left is not None
    assert item.score.value > 0
    assert "COV007 coverage-lapsed (error)" in item.summary
    assert "Fix: Ask the patient for current insurance" in item.summary
    assert "COD024 zero-charge (warning)" in item.summary  # warnings ride along


def test_a_second_run_sends_nothing_twice_and_keeps_one_item(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    import_submit_practice(uow_factory)
    run_submit(uow_factory, tmp_path)
    again = run_submit(uow_factory, tmp_path, NOW + timedelta(hours=1))
    assert again.scrubbed == 1  # only the held claim is scrubbed again
    assert again.batches == []
    assert again.work_items_opened == 0  # its scrub-hold item is still open
    with uow_factory() as uow:
        assert len(uow.batches.list()) == 1


def test_a_fixed_claim_is_rescrubbed_and_released(uow_factory: UowFactory, tmp_path: Path) -> None:
    import_submit_practice(uow_factory)
    with uow_factory() as uow:
        uow.read.execute(
            text("UPDATE encounter_diagnoses SET code = 'J02.Z9' WHERE encounter_id = 'E2'")
        )
        uow.commit()
    first = run_submit(uow_factory, tmp_path)
    assert ("CE2", ("COD001",)) in [(h.claim_id, h.rules) for h in first.held]
    assert first.batches[0].held == 1
    assert first.batches[0].clean_claim_rate == Decimal("0.5")
    with uow_factory() as uow:
        item = uow.work_items.active_for("CE2", HOLD_KEY)
        uow.read.execute(
            text("UPDATE encounter_diagnoses SET code = 'J02.9' WHERE encounter_id = 'E2'")
        )
        uow.commit()
    assert item is not None

    later = NOW + timedelta(days=1)
    second = run_submit(uow_factory, tmp_path, later)
    assert second.released == ["CE2"]
    assert second.work_items_closed == 1
    [batch] = second.batches
    assert batch.submitted == 1
    with uow_factory() as uow:
        claim = uow.claims.get("CE2")
        closed = uow.work_items.get(item.item_id or 0)
    assert claim is not None
    assert [c.to_status for c in claim.history] == [
        ClaimStatus.DRAFT,
        ClaimStatus.HELD,
        ClaimStatus.READY,
        ClaimStatus.SUBMITTED,
    ]
    assert closed is not None
    assert closed.outcome is Outcome.PROBLEM_SOLVED
    assert pyx12_errors((tmp_path / batch.file_name).read_text()) == []


def test_a_claim_the_837_cannot_carry_is_a_setup_error_not_held_work(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    import_submit_practice(uow_factory, zip_plus_four=False)
    report = run_submit(uow_factory, tmp_path)
    assert report.batches == []
    refused = {n.claim_id: n.reason for n in report.not_written}
    assert "2010AA billing provider N403 ZIP code: '62701' is not nine digits" in refused["CE1"]
    assert "CE1" not in {h.claim_id for h in report.held}
    assert report.work_items_opened == len(report.held)
    with uow_factory() as uow:
        assert _status(uow, "CE1") is ClaimStatus.DRAFT
        assert uow.work_items.active_of_claim("CE1", None) == []


def test_cli_eligibility_then_submit(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bundle = tmp_path / "bundle"
    write_practice(
        bundle,
        patients=12,
        encounters=25,
        seed=3,
        defect_rate=0.2,
        as_of=REFERENCE_DATE,
        days=PERIOD_DAYS,
    )
    runner = CliRunner()
    base = ["--home", str(home)]
    clerk = {"CLAIMDESK_USER": "clerk"}  # init makes the clerk the home's first user
    assert runner.invoke(app, [*base, "init"], env=clerk).exit_code == 0
    assert runner.invoke(app, [*base, "import", str(bundle)], env=clerk).exit_code == 0
    checked = runner.invoke(app, [*base, "eligibility", "--json"], env=clerk)
    assert checked.exit_code in (0, 1), checked.output
    inquiries = json.loads(checked.output)["inquiries"]
    assert inquiries["requests"] > 0
    assert all(Path(f).name.startswith("270-") for f in inquiries["files"])

    submitted = runner.invoke(app, [*base, "submit", "--json"], env=clerk)
    assert submitted.exit_code == 1, submitted.output  # planted defects are held
    report = json.loads(submitted.output)
    assert report["held"]
    assert all(" at claim " in f for h in report["held"] for f in h["findings"])
    batch = report["batches"][0]
    sent = (home / "outbox" / batch["file"]).read_text()
    assert pyx12_errors(sent) == []

    # The clearinghouse's 999 lands in the inbox; ingest reads it and archives it.
    received = read_envelopes(sent)
    groups = acknowledge(received.interchanges[0], received.findings)
    header = received.interchanges[0].header
    ack = write_999(groups, Envelope(header.receiver_id, header.sender_id, 7, 7, NOW))
    (home / "inbox" / "ack.999").write_text(ack)
    ingested = runner.invoke(app, [*base, "ingest", "--json"], env=clerk)
    assert ingested.exit_code == 0, ingested.output
    [answer] = json.loads(ingested.output)["acknowledgments"]
    assert answer["kind"] == "999"
    assert len(answer["syntax_accepted"]) == batch["submitted"]
    assert (home / "archive" / "ack.999").is_file()


class _CrashAtCommit(UnitOfWork):
    """A unit of work whose process dies as it commits: nothing of it is stored."""

    def commit(self) -> None:
        raise KeyboardInterrupt("killed while committing")


def _statuses(uow_factory: UowFactory) -> dict[str, ClaimStatus]:
    with uow_factory() as uow:
        return {
            c.claim_id: c.status for status in ClaimStatus for c in uow.claims.with_status(status)
        }


def _sent_claims(outbox: Path) -> list[str]:
    return sorted(
        claim
        for path in outbox.glob("837P-*.x12")
        for claim in re.findall(r"CLM\*([^*]+)\*", path.read_text())
    )


def test_an_837_reaches_the_outbox_only_after_its_transaction_commits(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    import_submit_practice(uow_factory)
    before = _statuses(uow_factory)
    session_factory = uow_factory()._session_factory
    with pytest.raises(KeyboardInterrupt):
        run_submit(lambda: _CrashAtCommit(session_factory), tmp_path)
    assert list(tmp_path.glob("*.x12")) == []  # nothing a clearinghouse could pick up
    assert _statuses(uow_factory) == before
    report = run_submit(uow_factory, tmp_path)
    assert report.recovered == []  # the staged file of the rolled-back run was dropped
    assert [b.file_name for b in report.batches] == [p.name for p in tmp_path.glob("*.x12")]
    sent = _sent_claims(tmp_path)
    assert sent == sorted(set(sent))
    assert not (tmp_path / ".pending").exists()


def test_an_837_committed_but_not_yet_published_is_sent_once_by_the_next_run(
    uow_factory: UowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_submit_practice(uow_factory)

    def die(outbox: Path, name: str) -> Path:
        raise KeyboardInterrupt("killed after the commit, before the rename")

    with monkeypatch.context() as patched:
        patched.setattr(submit_service, "publish_staged", die)
        with pytest.raises(KeyboardInterrupt):
            run_submit(uow_factory, tmp_path)
    assert list(tmp_path.glob("*.x12")) == []
    staged = sorted(p.name for p in (tmp_path / ".pending").iterdir())
    assert staged
    report = run_submit(uow_factory, tmp_path)
    assert report.recovered == staged
    assert report.batches == []  # its claims were submitted by the run that died
    assert sorted(p.name for p in tmp_path.glob("*.x12")) == staged
    assert not (tmp_path / ".pending").exists()
    sent = _sent_claims(tmp_path)
    assert sent == sorted(set(sent))
