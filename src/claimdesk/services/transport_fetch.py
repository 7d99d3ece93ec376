"""Use case: download the trading partners' acknowledgments and remittances into the inbox,
each exactly once.

A file is taken when its name matches the partner's ``fetch`` patterns and it is whole: not a
temporary name (``.x.835``, ``x.835.part``), and the same size and time in two listings
``settle_seconds`` apart (a clearinghouse still writing it changes one of them). It is
downloaded into ``inbox/.fetching/PARTNER/``, checked against the listed size, recorded in
``transport_files`` (partner, name, size, SHA-256) and only then moved into the inbox by a
rename, so ``ingest`` never reads half a file. So:

- a file recorded by name and size is not downloaded again; one whose content was fetched
  under another name is recorded and not put in the inbox twice;
- a run cut after the record and before the rename is finished by the next one (the staged
  file is published), and one cut before the record leaves nothing (the staged file is
  dropped, the file fetched again);
- with ``remove_fetched`` the server's copy is removed once recorded.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services.transport import (
    FETCH,
    Moved,
    Note,
    TransportReport,
    UowFactory,
    exclusive,
    track_outage,
)
from claimdesk.store.repositories.transport_files import FETCHED, MovedFile
from claimdesk.transport.config import Partner, TransportConfig
from claimdesk.transport.naming import is_plain, is_temporary, wanted
from claimdesk.transport.sftp import (
    Downloaded,
    LinkError,
    RemoteFile,
    RemoteFileError,
    SftpSession,
    opened,
)

STAGING = ".fetching"
DOWNLOADING = ".download"


def fetch_inbox(
    uow_factory: UowFactory,
    config: TransportConfig,
    *,
    inbox: Path,
    state: Path,
    now: datetime,
    policy: RoutingPolicy,
    partner: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> TransportReport:
    """Fetch every partner's new files (or the one named's) into ``inbox``; see the module.
    :class:`~claimdesk.transport.config.UnknownPartnerError` for a name the file lacks."""
    chosen = config.chosen(partner)
    report = TransportReport(FETCH)
    for each in chosen:
        with exclusive(state, each.name, FETCH) as mine:
            if not mine:
                report.waiting.append(Note(each.name, "", "another fetch from it is running"))
                continue
            staging = inbox / STAGING / each.name
            staging.mkdir(parents=True, exist_ok=True)
            _settle(uow_factory, each, staging, inbox, report)
            fetch = _Fetch(uow_factory, each, staging, inbox, now, report)
            before = len(report.failures)
            asyncio.run(fetch.run(environ))
            track_outage(uow_factory, each, FETCH, report.failures[before:], now=now, policy=policy)
    return report


def _settle(
    uow_factory: UowFactory, partner: Partner, staging: Path, inbox: Path, report: TransportReport
) -> None:
    """What a cut run left staged: a file it recorded goes into the inbox, anything else is
    dropped (it was never recorded, so it is fetched again)."""
    for path in sorted(staging.iterdir()):
        if not path.is_file():
            continue
        if path.name.startswith("."):
            path.unlink()
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        with uow_factory() as uow:
            recorded = uow.transport_files.has(partner.name, FETCHED, path.name, len(data), digest)
        if recorded:
            target = publish(path, inbox)
            report.moved.append(Moved(partner.name, target.name, path.name, len(data)))
        else:
            path.unlink()


def publish(staged: Path, inbox: Path) -> Path:
    """Move a fetched file into the inbox at once, never over a waiting file of the same name
    (``june.835``, then ``june.1.835``); returns where it landed."""
    target = inbox / staged.name
    counter = 1
    while True:
        try:
            os.link(staged, target)
        except FileExistsError:
            target = inbox / f"{Path(staged.name).stem}.{counter}{Path(staged.name).suffix}"
            counter += 1
            continue
        staged.unlink()
        return target


class _Fetch:
    """One partner's fetch over one session."""

    def __init__(
        self,
        uow_factory: UowFactory,
        partner: Partner,
        staging: Path,
        inbox: Path,
        now: datetime,
        report: TransportReport,
    ) -> None:
        self.uow_factory = uow_factory
        self.partner = partner
        self.staging = staging
        self.inbox = inbox
        self.now = now
        self.report = report

    def note(self, name: str, reason: str) -> Note:
        return Note(self.partner.name, name, reason)

    async def run(self, environ: Mapping[str, str]) -> None:
        """Fetch what is whole; what failed goes to the report."""
        current = ""
        try:
            async with opened(self.partner, environ) as session:
                try:
                    whole = await self._whole(session)
                except RemoteFileError as exc:  # no such folder, not allowed to list it
                    self.report.failures.append(self.note("", str(exc)))
                    return
                for listed in whole:
                    current = listed.name
                    try:
                        await self._take(session, listed)
                    except RemoteFileError as exc:
                        self.report.failures.append(self.note(listed.name, str(exc)))
                current = ""
        except LinkError as exc:
            self.report.failures.append(self.note(current, str(exc)))

    async def _whole(self, session: SftpSession) -> list[RemoteFile]:
        """The new files that are whole: not fetched before (by name and size), not named as
        being written, unchanged across two listings ``settle_seconds`` apart."""
        folder = self.partner.fetch_folder
        listed = [
            f
            for f in await session.listing(folder)
            if is_plain(f.name) and wanted(f.name, self.partner.fetch)
        ]
        with self.uow_factory() as uow:
            known = uow.transport_files.names_and_sizes(
                self.partner.name, FETCHED, [f.name for f in listed]
            )
        new: list[RemoteFile] = []
        for found in sorted(listed, key=lambda f: f.name):
            if (found.name, found.size) in known:
                if self.partner.remove_fetched:
                    await self._remove(session, found.name)  # left by a run cut before removing
            elif is_temporary(found.name):
                self.report.waiting.append(self.note(found.name, "still being written (its name)"))
            else:
                new.append(found)
        if not new or not self.partner.settle_seconds:
            return new  # settle_seconds 0: the server shows files only once whole
        await asyncio.sleep(self.partner.settle_seconds)
        again = {f.name: f for f in await session.listing(folder)}
        whole = []
        for first in new:
            second = again.get(first.name)
            if second is None:
                continue  # taken away meanwhile
            if (second.size, second.mtime) != (first.size, first.mtime):
                self.report.waiting.append(
                    self.note(first.name, "still being written (it changed between listings)")
                )
            else:
                whole.append(first)
        return whole

    async def _take(self, session: SftpSession, listed: RemoteFile) -> None:
        # A dot-name until whole: a cut download is dropped by the next run's settling.
        downloading = self.staging / f".{listed.name}{DOWNLOADING}"
        downloading.unlink(missing_ok=True)
        got = await session.download(self.partner.fetch_folder, listed.name, downloading)
        if got.size != listed.size:
            downloading.unlink()
            self.report.waiting.append(
                self.note(listed.name, "still being written (it changed while downloading)")
            )
            return
        # Staged under its own name before it is recorded: a run cut after the record finds
        # it staged and publishes it; one cut before finds no record and drops it.
        staged = self.staging / listed.name
        os.replace(downloading, staged)
        with self.uow_factory() as uow:
            before = uow.transport_files.has_content(self.partner.name, FETCHED, got.sha256)
        if before:
            # Its content came under another name: recorded under this one too (so it is not
            # downloaded again), not put in the inbox twice.
            staged.unlink()
            self._record(listed.name, got)
            self.report.already.append(Moved(self.partner.name, "", listed.name, got.size))
        else:
            self._record(listed.name, got)
            target = publish(staged, self.inbox)
            self.report.moved.append(Moved(self.partner.name, target.name, listed.name, got.size))
        if self.partner.remove_fetched:
            await self._remove(session, listed.name)

    def _record(self, name: str, got: Downloaded) -> None:
        with self.uow_factory() as uow:
            uow.transport_files.add(
                MovedFile(self.partner.name, FETCHED, name, got.size, got.sha256, self.now)
            )
            uow.commit()

    async def _remove(self, session: SftpSession, name: str) -> None:
        try:
            await session.remove(self.partner.fetch_folder, name)
        except RemoteFileError as exc:
            self.report.failures.append(
                self.note(name, f"fetched, but the server kept it (remove_fetched): {exc}")
            )
