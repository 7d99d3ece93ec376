"""Use case: ingest one X12 file of any kind a payer or clearinghouse sends back.

The sniffer (:mod:`claimdesk.edi.x12.sniff`) tells the transaction: 999, 277CA and 271 files go
to the Tier 1 services, 277 claim-status responses to the follow-up log, and anything else is
posted as an 835 (whose reader reports a file that is not one). The command line, the
simulated cycle and the worker all read files through this one dispatch.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from claimdesk.edi.x12.errors import X12Error
from claimdesk.edi.x12.sniff import Transaction, sniff
from claimdesk.services.acknowledgments import AckReport, ingest_tier1_file, tier1_kind_of
from claimdesk.services.claim_status import StatusReport, ingest_claim_status
from claimdesk.services.eligibility import AnswerReport
from claimdesk.services.post_remittance import FileResult, PostingOptions, post_file
from claimdesk.services.rules import Rules
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
Tier1Report = AckReport | AnswerReport | StatusReport


def ingest_path(
    uow_factory: UowFactory,
    path: Path,
    *,
    now: datetime,
    by: str,
    rules: Rules,
    options: PostingOptions | None = None,
) -> Tier1Report | FileResult:
    """Read ``path`` with the service its transaction calls for; a posting's result, or the
    Tier 1 / claim-status report. A file that is not readable X12 is a posting problem."""
    text = ""
    kinds: frozenset[Transaction] = frozenset()
    try:
        text = path.read_text(encoding="utf-8")
        kinds = sniff(text)
    except (X12Error, UnicodeDecodeError):
        pass  # not X12: the 835 reader below reports it
    if tier1_kind_of(kinds) is not None:
        tier1 = ingest_tier1_file(
            uow_factory, text, source=path.name, now=now, policy=rules.routing
        )
        if tier1 is not None:
            return tier1
    if Transaction.CLAIM_STATUS in kinds:
        return ingest_claim_status(uow_factory, text, name=path.name, now=now, policy=rules.routing)
    try:
        return post_file(
            uow_factory,
            path,
            now=now,
            by=by,
            table=rules.denials,
            policy=rules.routing,
            options=options,
        )
    except (X12Error, UnicodeDecodeError) as exc:
        result = FileResult(path.name, "", already_ingested=False)
        result.problems.append(f"{path}: not a readable X12 file: {exc}")
        return result


def archive_name(archive: Path, name: str) -> Path:
    """Claim the archive's place for a file called ``name``: never an earlier file's
    (``june.835``, then ``june.1.835``...). The place is taken at once (an empty file), so two
    uploads of one name at the same time get two places; the caller fills or removes it."""
    archive.mkdir(parents=True, exist_ok=True)
    plain = Path(name)
    target = archive / plain.name
    counter = 1
    while True:
        try:
            target.open("xb").close()
        except FileExistsError:
            target = archive / f"{plain.stem}.{counter}{plain.suffix}"
            counter += 1
            continue
        return target


def archive_file(path: Path, archive: Path) -> Path:
    """Move ``path`` into ``archive`` without overwriting an earlier file of the same name."""
    target = archive_name(archive, path.name)
    shutil.move(path, target)  # onto its reserved place; also across file systems
    return target
