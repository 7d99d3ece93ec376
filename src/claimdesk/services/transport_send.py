"""Use case: upload the outbox's files to the trading partners' SFTP servers, each exactly once.

Each file published in the outbox (837s, 270s, 276s: ``services/x12_envelopes.py``) goes to the
partner that takes its interchange receiver (ISA08; ``transport.toml``). An upload is written
under a temporary name and renamed on the server once whole, then recorded sent in
``transport_files`` (partner, name, size, SHA-256), then the local file moves to
``archive/sent`` (where the claim's page reads it). So:

- a failed or cut upload is never recorded, and the file stays in the outbox for the next run;
- a file recorded sent is never uploaded again (found by its content), only archived;
- a run cut between the server's rename and the record finds its upload on the server (same
  name, same content: the name is made from the file, not the clock) and records it, rather
  than sending the claims twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services.ingest import archive_file
from claimdesk.services.transport import (
    SEND,
    Moved,
    Note,
    TransportReport,
    UowFactory,
    exclusive,
    track_outage,
)
from claimdesk.store.repositories.transport_files import SENT, MovedFile
from claimdesk.transport.config import Partner, TransportConfig
from claimdesk.transport.naming import parties_of, upload_name
from claimdesk.transport.sftp import LinkError, RemoteFileError, SftpSession, opened


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An outbox file bound for a partner, read once."""

    path: Path
    data: bytes
    sha256: str
    remote: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def size(self) -> int:
        return len(self.data)


def outbox_files(outbox: Path) -> list[Path]:
    """The files published in the outbox, by name (a dot-file or folder is not one: staging)."""
    if not outbox.is_dir():
        return []
    return sorted(p for p in outbox.iterdir() if p.is_file() and not p.name.startswith("."))


# The ISA is 106 characters: what routing reads of a file.
ISA_BYTES = 512


def _routed(
    config: TransportConfig, chosen: list[Partner], outbox: Path, report: TransportReport
) -> dict[str, list[Path]]:
    """The outbox's files by the partner each goes to (of the ``chosen``), by its interchange
    receiver; a file no partner takes waits in the outbox, reported."""
    names = {p.name for p in chosen}
    routed: dict[str, list[Path]] = {name: [] for name in names}
    for path in outbox_files(outbox):
        try:
            with path.open("rb") as stream:
                head = stream.read(ISA_BYTES)
        except FileNotFoundError:
            continue  # sent meanwhile by another run
        parties = parties_of(head.decode("utf-8", errors="replace"))
        receiver = parties.receiver if parties else ""
        partner = config.partner_for(receiver)
        if partner is None:
            report.waiting.append(
                Note(
                    "",
                    path.name,
                    f"no partner in {config.source} takes interchange receiver {receiver!r} "
                    "(ISA08): add it to a partner's receivers",
                )
            )
        elif partner.name in names:
            routed[partner.name].append(path)
    return routed


def _read(partner: Partner, paths: list[Path]) -> list[Outgoing]:
    """The partner's files as they are now (read under its lock: another run may have sent
    and archived some since they were routed)."""
    found = []
    for path in paths:
        try:
            data = path.read_bytes()
            published = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        except FileNotFoundError:
            continue
        parties = parties_of(data[:ISA_BYTES].decode("utf-8", errors="replace"))
        remote = upload_name(partner.upload_name, path.name, parties, published)
        found.append(Outgoing(path, data, hashlib.sha256(data).hexdigest(), remote))
    return found


def send_outbox(
    uow_factory: UowFactory,
    config: TransportConfig,
    *,
    outbox: Path,
    sent: Path,
    state: Path,
    now: datetime,
    policy: RoutingPolicy,
    partner: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> TransportReport:
    """Upload every outbox file to its partner (all partners, or the one named); see the module.
    :class:`~claimdesk.transport.config.UnknownPartnerError` for a name the file lacks."""
    chosen = config.chosen(partner)
    report = TransportReport(SEND)
    routed = _routed(config, chosen, outbox, report)
    for each in chosen:
        if not routed[each.name]:
            continue  # nothing for it: no session opened
        with exclusive(state, each.name, SEND) as mine:
            if not mine:
                report.waiting.append(Note(each.name, "", "another send to it is running"))
                continue
            todo = _not_yet_sent(uow_factory, each, _read(each, routed[each.name]), sent, report)
            if not todo:
                continue
            before = len(report.failures)
            asyncio.run(_upload_all(uow_factory, each, todo, sent, now, environ, report))
            track_outage(uow_factory, each, SEND, report.failures[before:], now=now, policy=policy)
    return report


def _not_yet_sent(
    uow_factory: UowFactory,
    partner: Partner,
    files: list[Outgoing],
    sent: Path,
    report: TransportReport,
) -> list[Outgoing]:
    """The files to upload; one already recorded sent (a run cut before it archived the file)
    is archived now, and not sent again."""
    with uow_factory() as uow:
        done = {
            f.path for f in files if uow.transport_files.has_content(partner.name, SENT, f.sha256)
        }
    for outgoing in files:
        if outgoing.path in done:
            archive_file(outgoing.path, sent)
            report.already.append(
                Moved(partner.name, outgoing.name, outgoing.remote, outgoing.size)
            )
    return [f for f in files if f.path not in done]


async def _upload_all(
    uow_factory: UowFactory,
    partner: Partner,
    todo: list[Outgoing],
    sent: Path,
    now: datetime,
    environ: Mapping[str, str],
    report: TransportReport,
) -> None:
    """Upload ``todo`` in one session; what failed goes to the report."""
    current = ""
    try:
        async with opened(partner, environ) as session:
            for outgoing in todo:
                current = outgoing.name
                try:
                    fresh = await _upload(session, partner, outgoing)
                except RemoteFileError as exc:
                    report.failures.append(Note(partner.name, outgoing.name, str(exc)))
                    continue
                _record(uow_factory, partner, outgoing, now)
                archive_file(outgoing.path, sent)
                moved = Moved(partner.name, outgoing.name, outgoing.remote, outgoing.size)
                (report.moved if fresh else report.already).append(moved)
            current = ""
    except LinkError as exc:
        report.failures.append(Note(partner.name, current, str(exc)))


async def _upload(session: SftpSession, partner: Partner, outgoing: Outgoing) -> bool:
    """Put ``outgoing`` on the server; False when its earlier upload is already there."""
    folder = partner.send_folder
    found = await session.find(folder, outgoing.remote)
    if found is not None:
        if found.size == outgoing.size:
            there = await session.read(folder, outgoing.remote)
            if hashlib.sha256(there).hexdigest() == outgoing.sha256:
                return False
        raise RemoteFileError(
            f"the server already has another file named {outgoing.remote} in {folder}; it was "
            "not overwritten (change upload_name, or ask the clearinghouse)"
        )
    await session.upload(outgoing.data, folder, outgoing.remote)
    return True


def _record(uow_factory: UowFactory, partner: Partner, outgoing: Outgoing, now: datetime) -> None:
    moved = MovedFile(partner.name, SENT, outgoing.name, outgoing.size, outgoing.sha256, now)
    try:
        with uow_factory() as uow:
            uow.transport_files.add(moved)
            uow.commit()
    except IntegrityError:
        pass  # recorded by a run that uploaded it too: sent, once on record
