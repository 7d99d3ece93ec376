"""Envelopes for the files claimdesk sends, with control numbers that are never reused, and the
outbox they are written to.

ISA13 and GS06 must be unique per trading partner; the store's counter per sender guarantees it,
since the counter row stays locked until the file's transaction commits.

A file belongs in the outbox only once the transaction that records it has committed: otherwise
a crash in between leaves a file whose claims are still unbilled, and the next run sends them
again. So a file is first staged in ``outbox/.pending/`` (where nothing picks it up), published
by a rename after the commit, and a staged file left by a crash is published or dropped by
whether its transaction committed (:func:`settle_staged`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from claimdesk.edi.x12.writer import Envelope
from claimdesk.services.crash_points import crash_point
from claimdesk.store.uow import UnitOfWork


def next_envelope(
    uow: UnitOfWork, *, sender_id: str, receiver_id: str, created: datetime, production: bool
) -> Envelope:
    number = uow.batches.next_number(f"isa:{sender_id}")
    return Envelope(
        sender_id=sender_id,
        receiver_id=receiver_id,
        interchange_control_number=number,
        group_control_number=number,
        # ISA09/10, GS04/05 and BHT04/05 are the practice's own date and time (one clock).
        created=created.astimezone(uow.practice.profile().time_zone),
        production=production,
    )


def write_outbox_file(outbox: Path, name: str, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8) to ``outbox/name`` at once (aside, then renamed):
    never half a file."""
    outbox.mkdir(parents=True, exist_ok=True)
    target = outbox / name
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=outbox)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        crash_point("outbox:written")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


STAGING = ".pending"
STAGING_TRIES = 3


def stage_outbox_file(outbox: Path, name: str, content: str | bytes) -> Path:
    """Write a file of a transaction not yet committed where no transport will take it."""
    for _ in range(STAGING_TRIES - 1):
        try:
            return write_outbox_file(outbox / STAGING, name, content)
        except FileNotFoundError:
            continue  # a run that just published removed the then empty staging folder
    return write_outbox_file(outbox / STAGING, name, content)


def has_staged(outbox: Path) -> bool:
    """Whether anything waits in the staging folder: a crashed run's file, or a live run's."""
    staging = outbox / STAGING
    return staging.is_dir() and any(staging.iterdir())


def publish_staged(outbox: Path, name: str) -> Path:
    """Move a staged file into the outbox, once its transaction has committed; the staging
    folder goes when it is empty, so the outbox holds only files to send.

    Between a run's commit and its rename, a run settling the staging folder may find the file
    committed and publish it first: then it is already where it belongs (and perhaps already
    taken by the transport), and is never written again."""
    target = outbox / name
    with contextlib.suppress(FileNotFoundError):
        os.replace(outbox / STAGING / name, target)
    _drop_empty_staging(outbox)
    return target


def _drop_empty_staging(outbox: Path) -> None:
    with contextlib.suppress(OSError):  # not empty: another run is staging a file
        (outbox / STAGING).rmdir()


def settle_staged(outbox: Path, committed: Callable[[str], bool]) -> list[str]:
    """After a crash: publish each staged file whose transaction committed (``committed(name)``)
    and drop the others; returns the names published. The caller holds the outbox exclusively
    (``BatchRepository.hold_outbox(settling=True)``)."""
    staging = outbox / STAGING
    if not staging.is_dir():
        return []
    published: list[str] = []
    for path in sorted(staging.iterdir()):
        if path.name.startswith("."):
            path.unlink(missing_ok=True)  # half a write: its rename never happened
        elif committed(path.name):
            published.append(publish_staged(outbox, path.name).name)
        else:
            path.unlink(missing_ok=True)
    _drop_empty_staging(outbox)
    return published


def open_outbox(uow: UnitOfWork, outbox: Path, *others: Path) -> list[str]:
    """Begin a transaction that stages files in ``outbox`` (and ``others``, e.g. the paper
    outbox): order it with the others that do, and first settle what a crashed run left staged
    (published when its record committed, else dropped); returns the names published."""
    folders = (outbox, *others)
    settling = any(has_staged(folder) for folder in folders)
    uow.batches.hold_outbox(settling=settling)
    if not settling:
        return []
    return [
        name
        for folder in folders
        for name in settle_staged(folder, uow.batches.outbox_file_recorded)
    ]


def stage_sent_file(
    uow: UnitOfWork,
    outbox: Path,
    name: str,
    content: str,
    *,
    transaction: str,
    now: datetime,
    by: str,
) -> Path:
    """Record a file to send in this transaction and stage it; :func:`publish_staged` moves it
    into the outbox once the transaction has committed. Returns where it will be."""
    uow.batches.record_outbox_file(
        name, transaction=transaction, sha256=sha256_of(content), at=now, by=by
    )
    stage_outbox_file(outbox, name, content)
    return outbox / name


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
