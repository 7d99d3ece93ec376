"""The clearinghouse over SFTP, against a real server on 127.0.0.1 (asyncssh, started here):
submit's 837s go up once, the payers' 999, 277CA and 835 come down into the inbox once and
ingest reads them; a cut upload, a cut download, a server restart, a half-written file and a
file fetched twice each leave the books as if nothing had gone wrong."""

from __future__ import annotations

import dataclasses
import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import asyncssh
import pytest
from sqlalchemy import select
from store_practice import NOW
from tier1_practice import UowFactory, import_submit_practice, run_submit, submit_bundle
from transport_mailbox import PARTNER, Clearinghouse, clearinghouse

from claimdesk.bootstrap import shipped_rules
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.work import WorkStatus
from claimdesk.payer_sim.files import answer_files, deliver_remittances
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.world import PayerWorld
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.inbox import ingest_inbox
from claimdesk.services.transport import TransportReport, outage_key
from claimdesk.services.transport_fetch import STAGING, fetch_inbox
from claimdesk.services.transport_send import send_outbox
from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import upgrade_to_head
from claimdesk.store.repositories.transport_files import FETCHED, SENT, MovedFile
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.interfaces import TransportFileRow
from claimdesk.store.uow import unit_of_work_factory
from claimdesk.transport.config import TransportConfig
from claimdesk.transport.loopback import MailboxSftp, SftpFactory
from claimdesk.transport.naming import parties_of

LATER = NOW + timedelta(hours=6)
PAID_BY = NOW.date() + timedelta(days=30)
CUT_AT = 500  # bytes of an upload the cutting server takes before it drops the session


@pytest.fixture
def sqlite_uow(tmp_path: Path) -> Iterator[UowFactory]:
    """The tests of a failure and its retry: the store's part is the same on both databases
    (the send/fetch cycle and the cut upload run on both)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'claimdesk.db'}")
    upgrade_to_head(engine)
    yield unit_of_work_factory(engine)
    engine.dispose()


@dataclasses.dataclass
class Practice:
    """The practice's folders, as its settings name them."""

    folder: Path

    @property
    def outbox(self) -> Path:
        return self.folder / "outbox"

    @property
    def inbox(self) -> Path:
        return self.folder / "inbox"

    @property
    def sent(self) -> Path:
        return self.folder / "archive" / "sent"

    @property
    def state(self) -> Path:
        return self.folder / "transport"

    def send(
        self, uow_factory: UowFactory, config: TransportConfig, **extra: object
    ) -> TransportReport:
        return send_outbox(
            uow_factory,
            config,
            outbox=self.outbox,
            sent=self.sent,
            state=self.state,
            now=NOW,
            policy=shipped_policy(),
            **extra,  # type: ignore[arg-type]
        )

    def fetch(
        self, uow_factory: UowFactory, config: TransportConfig, **extra: object
    ) -> TransportReport:
        return fetch_inbox(
            uow_factory,
            config,
            inbox=self.inbox,
            state=self.state,
            now=LATER,
            policy=shipped_policy(),
            **extra,  # type: ignore[arg-type]
        )


def _submitted(uow_factory: UowFactory, folder: Path) -> tuple[Practice, Path]:
    """The small practice's clean claims in one 837 in the outbox."""
    practice = Practice(folder)
    import_submit_practice(uow_factory)
    [batch] = run_submit(uow_factory, practice.outbox).batches
    return practice, practice.outbox / batch.file_name


def _recorded(uow_factory: UowFactory) -> list[tuple[str, str, int]]:
    files = table_of(TransportFileRow)
    with uow_factory() as uow:
        rows = uow.read.execute(select(files.c.direction, files.c.name, files.c.size))
        return sorted((r.direction, r.name, int(r.size)) for r in rows)


def _outage(uow_factory: UowFactory, direction: str) -> list[WorkStatus]:
    key = outage_key(PARTNER, direction)
    with uow_factory() as uow:
        return [i.status for i in uow.work_items.without_claim_prefixed(key)]


def _visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def test_submitted_837s_go_up_and_the_answers_come_down_into_ingest(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    practice, local = _submitted(uow_factory, tmp_path / "practice")
    data = local.read_bytes()
    parties = parties_of(data.decode())
    assert parties is not None
    with clearinghouse(tmp_path / "clearinghouse") as house:
        config = house.configure(practice.folder, upload_name="{submitter}_{stem}_{control}.x12")

        sent = practice.send(uow_factory, config)

        remote = f"RFMG001_{local.stem}_{parties.control}.x12"
        assert [(m.name, m.remote, m.size) for m in sent.moved] == [(local.name, remote, len(data))]
        assert sent.failures == sent.waiting == []
        assert _visible(house.inbound) == [remote]  # no temporary name left behind
        assert (house.inbound / remote).read_bytes() == data
        assert not local.exists()
        assert (practice.sent / local.name).read_bytes() == data
        # The payers answer in the mailbox: a 999 and a 277CA now, the 835 once it is due.
        simulator = PayerSimulator(PayerWorld.from_bundle(submit_bundle()))
        answers, _ = answer_files(simulator, [house.inbound / remote], house.outbound, NOW.date())
        remittances = deliver_remittances(simulator, house.outbound, PAID_BY)
        assert [p.suffix for p in answers + remittances] == [".999", ".277", ".835"]

        fetched = practice.fetch(uow_factory, config)

        names = sorted(p.name for p in answers + remittances)
        assert sorted(m.name for m in fetched.moved) == names
        assert fetched.failures == fetched.waiting == []
        assert _visible(practice.inbox) == names
        for path in answers + remittances:
            assert (practice.inbox / path.name).read_bytes() == path.read_bytes()
        read = ingest_inbox(
            uow_factory,
            practice.inbox,
            tmp_path / "archive",
            now=LATER,
            by="tester",
            rules=shipped_rules(),
        )
        assert len(read.acknowledgments) == 2
        assert [r.ok for r in read.remittances] == [True]
        with uow_factory() as uow:
            statuses = {c: uow.claims.get(c).status for c in ("CE1", "CE2")}  # type: ignore[union-attr]
        assert ClaimStatus.SUBMITTED not in statuses.values(), statuses

        # Sending and fetching again moves nothing: each file once.
        again = practice.send(uow_factory, config), practice.fetch(uow_factory, config)
        assert [r.moved for r in again] == [[], []]
        assert _visible(practice.inbox) == []
    assert _recorded(uow_factory) == sorted(
        [(SENT, local.name, len(data))]
        + [(FETCHED, p.name, p.stat().st_size) for p in answers + remittances]
    )


def _cutting(*, uploads: int = 0, downloads: int = 0) -> SftpFactory:
    """An SFTP side that drops the whole connection in the middle of the first ``uploads``
    writes past :data:`CUT_AT` bytes (after taking those bytes) and of the first ``downloads``
    reads, as a server going down does."""
    left = {"uploads": uploads, "downloads": downloads}

    class Cutting(MailboxSftp):
        def write(self, file_obj: object, offset: int, data: bytes) -> int:
            if left["uploads"] and offset + len(data) > CUT_AT:
                left["uploads"] -= 1
                written = super().write(file_obj, offset, data[: CUT_AT - offset])
                self.connection.abort()
                return written  # type: ignore[return-value]
            return super().write(file_obj, offset, data)  # type: ignore[return-value]

        def read(self, file_obj: object, offset: int, size: int) -> bytes:
            if left["downloads"]:
                left["downloads"] -= 1
                self.connection.abort()
            return super().read(file_obj, offset, size)  # type: ignore[return-value]

    return Cutting


def test_an_upload_the_server_cuts_is_not_recorded_and_the_retry_sends_it_once(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    practice, local = _submitted(uow_factory, tmp_path / "practice")
    data = local.read_bytes()
    assert len(data) > CUT_AT
    with clearinghouse(tmp_path / "clearinghouse", _cutting(uploads=1)) as house:
        config = house.configure(practice.folder)

        cut = practice.send(uow_factory, config)

        assert cut.moved == []
        [failure] = cut.failures
        assert (failure.partner, failure.file) == (PARTNER, local.name)
        assert "dropped the session" in failure.reason or "connection was lost" in failure.reason
        assert local.read_bytes() == data  # still in the outbox
        assert _recorded(uow_factory) == []
        # What the server kept is a temporary name the clearinghouse does not pick up.
        assert [p.name for p in house.inbound.iterdir()] == [f".{local.name}.part"]
        assert (house.inbound / f".{local.name}.part").stat().st_size == CUT_AT
        assert _outage(uow_factory, "send") == [WorkStatus.OPEN]

        retried = practice.send(uow_factory, config)

        assert [m.name for m in retried.moved] == [local.name]
        assert retried.failures == []
        assert _visible(house.inbound) == [local.name]
        assert list(house.inbound.iterdir()) == [house.inbound / local.name]
        assert (house.inbound / local.name).read_bytes() == data
        assert _recorded(uow_factory) == [(SENT, local.name, len(data))]
        assert _outage(uow_factory, "send") == [WorkStatus.DONE]


def test_a_download_the_server_cuts_leaves_nothing_and_the_next_fetch_takes_it_once(
    sqlite_uow: UowFactory, tmp_path: Path
) -> None:
    practice = Practice(tmp_path / "practice")
    with clearinghouse(tmp_path / "clearinghouse", _cutting(downloads=1)) as house:
        config = house.configure(practice.folder)
        (house.outbound / "ACME_RFMG001_20240321_1.835").write_bytes(b"ISA*00*" + b"0" * 900)

        cut = practice.fetch(sqlite_uow, config)

        assert cut.moved == []
        assert len(cut.failures) == 1
        assert not practice.inbox.exists() or _visible(practice.inbox) == []
        assert _recorded(sqlite_uow) == []

        again = practice.fetch(sqlite_uow, config)

        assert [m.name for m in again.moved] == ["ACME_RFMG001_20240321_1.835"]
        assert _visible(practice.inbox) == ["ACME_RFMG001_20240321_1.835"]
        assert list((practice.inbox / STAGING / PARTNER).iterdir()) == []


def test_a_server_restart_in_the_middle_of_a_cycle(sqlite_uow: UowFactory, tmp_path: Path) -> None:
    practice, local = _submitted(sqlite_uow, tmp_path / "practice")
    with clearinghouse(tmp_path / "clearinghouse") as house:
        config = house.configure(practice.folder)
        assert [m.name for m in practice.send(sqlite_uow, config).moved] == [local.name]
        (house.outbound / "answer.999").write_text("ISA*999")
        house.server.stop()

        down = practice.fetch(sqlite_uow, config)

        [failure] = down.failures
        assert failure.file == ""
        assert f"cannot connect to 127.0.0.1:{house.server.port}" in failure.reason
        assert not practice.inbox.exists() or _visible(practice.inbox) == []
        assert _outage(sqlite_uow, "fetch") == [WorkStatus.OPEN]
        house.restart()

        up = practice.fetch(sqlite_uow, config), practice.send(sqlite_uow, config)

        assert [m.name for m in up[0].moved] == ["answer.999"]
        assert up[1].moved == []
        assert up[1].failures == []
        assert _outage(sqlite_uow, "fetch") == [WorkStatus.DONE]
        assert _visible(house.inbound) == [local.name]


def test_fetching_twice_fetches_once_and_one_content_under_two_names_once(
    sqlite_uow: UowFactory, tmp_path: Path
) -> None:
    practice = Practice(tmp_path / "practice")
    with clearinghouse(tmp_path / "clearinghouse") as house:
        config = house.configure(practice.folder)
        (house.outbound / "june.835").write_text("ISA*835 june")
        (house.outbound / "june.999").write_text("ISA*999 june")

        first = practice.fetch(sqlite_uow, config)
        second = practice.fetch(sqlite_uow, config)
        (house.outbound / "june-again.835").write_text("ISA*835 june")  # re-posted, renamed
        third = practice.fetch(sqlite_uow, config)

        assert sorted(m.name for m in first.moved) == ["june.835", "june.999"]
        assert second.moved == second.already == []
        assert third.moved == []
        assert [m.remote for m in third.already] == ["june-again.835"]
        assert _visible(practice.inbox) == ["june.835", "june.999"]
        assert [n for _d, n, _s in _recorded(sqlite_uow)] == [
            "june-again.835",
            "june.835",
            "june.999",
        ]
        # A new file under an old name (another size) is a new file.
        (house.outbound / "june.999").write_text("ISA*999 june, corrected")
        (practice.inbox / "june.999").unlink()
        fourth = practice.fetch(sqlite_uow, config)
        assert [(m.name, m.remote) for m in fourth.moved] == [("june.999", "june.999")]


def test_a_fetch_folder_the_server_lacks_is_a_clear_failure(
    sqlite_uow: UowFactory, tmp_path: Path
) -> None:
    practice = Practice(tmp_path / "practice")
    with clearinghouse(tmp_path / "clearinghouse") as house:
        config = house.configure(practice.folder, fetch_folder="/outbox-typo")

        done = practice.fetch(sqlite_uow, config)

    [failure] = done.failures
    assert (failure.partner, failure.file) == (PARTNER, "")
    assert failure.reason.startswith("listing /outbox-typo: the server said")
    assert _outage(sqlite_uow, "fetch") == [WorkStatus.OPEN]


def test_fetched_files_are_removed_from_the_server_when_configured(
    sqlite_uow: UowFactory, tmp_path: Path
) -> None:
    practice = Practice(tmp_path / "practice")
    with clearinghouse(tmp_path / "clearinghouse") as house:
        config = house.configure(practice.folder, remove_fetched=True, fetch=["*.835"])
        (house.outbound / "june.835").write_text("ISA*835")
        (house.outbound / "notes.txt").write_text("for people")

        done = practice.fetch(sqlite_uow, config)

        assert [m.name for m in done.moved] == ["june.835"]
        assert _visible(house.outbound) == ["notes.txt"]


def test_a_file_still_being_written_is_left_for_the_next_fetch(
    sqlite_uow: UowFactory, tmp_path: Path
) -> None:
    practice = Practice(tmp_path / "practice")
    with clearinghouse(tmp_path / "clearinghouse") as house:
        config = house.configure(practice.folder, settle_seconds=0.4)
        (house.outbound / "may.835.part").write_text("ISA*")
        (house.outbound / ".may.999").write_text("ISA*")
        growing = house.outbound / "june.835"
        growing.write_text("ISA*")
        stop = threading.Event()

        def write_on() -> None:
            with growing.open("a") as stream:
                while not stop.wait(0.05):
                    stream.write("CLP*")
                    stream.flush()

        writer = threading.Thread(target=write_on)
        writer.start()
        try:
            busy = practice.fetch(sqlite_uow, config)
        finally:
            stop.set()
            writer.join()

        assert busy.moved == []
        assert busy.failures == []
        assert sorted((n.file, n.reason) for n in busy.waiting) == [
            (".may.999", "still being written (its name)"),
            ("june.835", "still being written (it changed between listings)"),
            ("may.835.part", "still being written (its name)"),
        ]
        assert _recorded(sqlite_uow) == []

        done = practice.fetch(sqlite_uow, config)

        assert [m.name for m in done.moved] == ["june.835"]
        assert (practice.inbox / "june.835").read_bytes() == growing.read_bytes()


def test_a_fetch_cut_after_its_record_is_finished_by_the_next_and_one_cut_before_is_redone(
    sqlite_uow: UowFactory, tmp_path: Path
) -> None:
    practice = Practice(tmp_path / "practice")
    staging = practice.inbox / STAGING / PARTNER
    staging.mkdir(parents=True)
    recorded = b"ISA*835 recorded"
    (staging / "recorded.835").write_bytes(recorded)  # cut after its record, before the rename
    (staging / "unrecorded.835").write_text("ISA*835 half")  # cut before its record
    (staging / ".partial.835.download").write_text("ISA*")  # cut while downloading
    with sqlite_uow() as uow:
        digest = hashlib.sha256(recorded).hexdigest()
        uow.transport_files.add(
            MovedFile(PARTNER, FETCHED, "recorded.835", len(recorded), digest, NOW)
        )
        uow.commit()
    with clearinghouse(tmp_path / "clearinghouse") as house:
        config = house.configure(practice.folder)
        (house.outbound / "unrecorded.835").write_text("ISA*835 whole")

        done = practice.fetch(sqlite_uow, config)

    assert sorted(m.name for m in done.moved) == ["recorded.835", "unrecorded.835"]
    assert (practice.inbox / "recorded.835").read_bytes() == recorded
    assert (practice.inbox / "unrecorded.835").read_text() == "ISA*835 whole"
    assert list(staging.iterdir()) == []


def test_an_upload_a_cut_run_left_on_the_server_is_recorded_not_sent_twice(
    sqlite_uow: UowFactory, tmp_path: Path
) -> None:
    practice, local = _submitted(sqlite_uow, tmp_path / "practice")
    data = local.read_bytes()
    with clearinghouse(tmp_path / "clearinghouse") as house:
        config = house.configure(practice.folder)
        (house.inbound / local.name).write_bytes(data)  # renamed there; the record never made
        before = (house.inbound / local.name).stat().st_mtime_ns

        done = practice.send(sqlite_uow, config)

        assert done.moved == []
        assert [m.name for m in done.already] == [local.name]
        assert (house.inbound / local.name).stat().st_mtime_ns == before
        assert _recorded(sqlite_uow) == [(SENT, local.name, len(data))]
        assert not local.exists()


def test_another_file_under_the_upload_name_is_not_overwritten(
    sqlite_uow: UowFactory, tmp_path: Path
) -> None:
    practice, local = _submitted(sqlite_uow, tmp_path / "practice")
    with clearinghouse(tmp_path / "clearinghouse") as house:
        config = house.configure(practice.folder)
        (house.inbound / local.name).write_text("someone else's file")

        done = practice.send(sqlite_uow, config)

        [failure] = done.failures
        assert failure.file == local.name
        assert "already has another file named" in failure.reason
        assert (house.inbound / local.name).read_text() == "someone else's file"
        assert local.exists()
        assert _recorded(sqlite_uow) == []


def test_a_file_for_a_receiver_no_partner_takes_waits_in_the_outbox(
    sqlite_uow: UowFactory, tmp_path: Path
) -> None:
    practice, local = _submitted(sqlite_uow, tmp_path / "practice")
    with clearinghouse(tmp_path / "clearinghouse") as house:
        config = house.configure(practice.folder, receivers=["ONLYTHEM"])

        done = practice.send(sqlite_uow, config)

        [note] = done.waiting
        assert note.file == local.name
        assert "takes interchange receiver 'ACME' (ISA08)" in note.reason
        assert local.exists()
        assert _visible(house.inbound) == []


def _refused(
    uow_factory: UowFactory, tmp_path: Path, house: Clearinghouse, **fields: object
) -> str:
    """Send with a changed setting: the single failure's reason, nothing else changed."""
    practice = Practice(tmp_path / "practice")
    outbox_before = _visible(practice.outbox)
    config = house.configure(practice.folder, **fields)
    done = practice.send(uow_factory, config)
    assert done.moved == []
    assert len(done.failures) == 1
    assert _visible(practice.outbox) == outbox_before
    assert _visible(house.inbound) == []
    assert _recorded(uow_factory) == []
    return done.failures[0].reason


def test_refused_logins_unknown_host_keys_and_silence_are_clear_and_change_nothing(
    sqlite_uow: UowFactory, tmp_path: Path
) -> None:
    _submitted(sqlite_uow, tmp_path / "practice")
    other = asyncssh.generate_private_key("ssh-ed25519")
    stranger = tmp_path / "stranger_key"
    stranger.write_bytes(other.export_private_key())
    stranger.chmod(0o600)
    with clearinghouse(tmp_path / "clearinghouse") as house:
        port = house.server.port
        assert _refused(sqlite_uow, tmp_path, house, key_file=str(stranger)) == (
            "the server refused the login of 'rfmg001' by key"
        )
        wrong = other.get_fingerprint("sha256")
        assert _refused(sqlite_uow, tmp_path, house, host_key=wrong).startswith(
            f"the server offered host key {house.fingerprint} and the pinned host_key is {wrong}"
        )
        known = tmp_path / "known_hosts"
        known.write_text(f"[127.0.0.1]:{port} {other.export_public_key().decode()}")
        reason = _refused(sqlite_uow, tmp_path, house, host_key=None, known_hosts=str(known))
        assert f"offered host key {house.fingerprint} and known_hosts {known} does not list" in (
            reason
        )
    silent = _silent_server()
    try:
        started = time.monotonic()
        with clearinghouse(tmp_path / "other-clearinghouse") as house:
            reason = _refused(
                sqlite_uow, tmp_path, house, port=silent.getsockname()[1], timeout_seconds=1
            )
        assert reason == f"no answer from 127.0.0.1:{silent.getsockname()[1]} within 1 s"
        assert time.monotonic() - started < 5
    finally:
        silent.close()


def _silent_server() -> socket.socket:
    """A port on 127.0.0.1 that takes connections (the kernel completes them) and never says a
    word, as a hung server does."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    return listener


def test_a_known_hosts_file_and_a_password_from_the_environment_log_in(
    sqlite_uow: UowFactory, tmp_path: Path
) -> None:
    practice, local = _submitted(sqlite_uow, tmp_path / "practice")
    with clearinghouse(tmp_path / "clearinghouse", password="a-long-mailbox-secret") as house:
        known = tmp_path / "known_hosts"
        public = house.server.host_key.export_public_key().decode()
        known.write_text(f"[127.0.0.1]:{house.server.port} {public}")
        config = house.configure(
            practice.folder,
            host_key=None,
            known_hosts=str(known),
            key_file=None,
            password_env="ACME_SFTP_PASSWORD",
        )

        missing = practice.send(sqlite_uow, config, environ={})
        wrong = practice.send(sqlite_uow, config, environ={"ACME_SFTP_PASSWORD": "guess"})
        right = practice.send(
            sqlite_uow, config, environ={"ACME_SFTP_PASSWORD": "a-long-mailbox-secret"}
        )

    assert [f.reason for f in missing.failures] == [
        "the environment variable ACME_SFTP_PASSWORD (password_env) is not set"
    ]
    assert [f.reason for f in wrong.failures] == [
        "the server refused the login of 'rfmg001' by password"
    ]
    assert [m.name for m in right.moved] == [local.name]


def test_an_encrypted_key_opens_with_the_passphrase_from_the_environment(
    sqlite_uow: UowFactory, tmp_path: Path
) -> None:
    practice, local = _submitted(sqlite_uow, tmp_path / "practice")
    with clearinghouse(tmp_path / "clearinghouse") as house:
        login = asyncssh.read_private_key(house.key_file)
        # Few KDF rounds: the test pays for the check, not for hardening.
        sealed = login.export_private_key(passphrase="key passphrase 2026", rounds=4)
        house.key_file.write_bytes(sealed)
        config = house.configure(practice.folder, key_passphrase_env="ACME_KEY_PASSPHRASE")

        missing = practice.send(sqlite_uow, config, environ={})
        opened = practice.send(
            sqlite_uow, config, environ={"ACME_KEY_PASSPHRASE": "key passphrase 2026"}
        )

    assert [f.reason for f in missing.failures] == [
        "the environment variable ACME_KEY_PASSPHRASE (key_passphrase_env) is not set"
    ]
    assert [m.name for m in opened.moved] == [local.name]


def test_the_outage_item_follows_the_current_reason(sqlite_uow: UowFactory, tmp_path: Path) -> None:
    practice, _local = _submitted(sqlite_uow, tmp_path / "practice")
    with clearinghouse(tmp_path / "clearinghouse") as house:
        config = house.configure(practice.folder)
        house.server.stop()
        assert practice.send(sqlite_uow, config).failures  # the server is down
        assert practice.send(sqlite_uow, config).failures  # still down: said once
        house.restart()
        wrong = house.configure(practice.folder, user="nobody")
        refused = practice.send(sqlite_uow, wrong).failures  # now the login is refused
        assert refused
        with sqlite_uow() as uow:
            [found] = uow.work_items.without_claim_prefixed(outage_key(PARTNER, "send"))
            item = uow.work_items.get(found.item_id or 0)
        assert item is not None
        notes = [e.detail for e in item.history if e.action == "note"]
        assert "cannot connect" in item.summary
        assert len(notes) == 2
        assert "cannot connect" in notes[0]
        assert refused[0].reason in notes[1]
        assert practice.send(sqlite_uow, config).failures == []
        assert _outage(sqlite_uow, "send") == [WorkStatus.DONE]
