"""Use case: ingest one X12 file of any kind a payer or clearinghouse sends back.

The sniffer (:mod:`claimdesk.edi.x12.sniff`) tells the transaction: 999, 997, 277CA and 271
files go to the Tier 1 services, 277 claim-status responses to the follow-up log, and anything
else is posted as an 835 (whose reader reports a file that is not one). A file that is not X12,
or holds a version or transaction set claimdesk does not read (4010, 837 dental, 275...), is
refused whole with its findings. The command line, the simulated cycle and the worker all read
files through this one dispatch.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from claimdesk.domain.money import Money
from claimdesk.domain.work import Problem, WorkKind
from claimdesk.edi.x12.envelope import read_envelopes
from claimdesk.edi.x12.errors import X12Error
from claimdesk.edi.x12.sniff import Transaction, refusals, sniff_envelopes
from claimdesk.services.acknowledgments import AckReport, ingest_tier1_file, tier1_kind_of
from claimdesk.services.claim_status import StatusReport, ingest_claim_status
from claimdesk.services.eligibility import AnswerReport
from claimdesk.services.post_remittance import FileResult, PostingOptions, post_bytes
from claimdesk.services.rules import Rules
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
_log = logging.getLogger(__name__)
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
    Tier 1 / claim-status report. A file that is not readable X12, or holds a transaction set
    claimdesk does not read, is a :class:`FileResult` with its problems and nothing applied."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
        envelopes = read_envelopes(text)
    except UnicodeDecodeError as exc:
        return unreadable(path.name, data, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    except X12Error as exc:
        return unreadable(path.name, data, f"not a readable X12 file: {exc}")
    refused = refusals(envelopes)
    if refused:
        return unreadable(path.name, data, *(str(f) for f in refused))
    kinds = sniff_envelopes(envelopes)
    if tier1_kind_of(kinds) is not None:
        tier1 = ingest_tier1_file(
            uow_factory,
            text,
            source=path.name,
            now=now,
            policy=rules.routing,
            kinds=kinds,
            envelopes=envelopes,
        )
        if tier1 is not None:
            return tier1
    if Transaction.CLAIM_STATUS in kinds:
        return ingest_claim_status(uow_factory, text, name=path.name, now=now, policy=rules.routing)
    return post_bytes(
        uow_factory,
        data,
        name=path.name,
        now=now,
        by=by,
        table=rules.denials,
        policy=rules.routing,
        options=options,
    )


def unreadable(name: str, data: bytes, *problems: str) -> FileResult:
    """The result of a file nothing could be applied from, with the reasons."""
    result = FileResult(name, hashlib.sha256(data).hexdigest(), already_ingested=False)
    result.problems.extend(f"{name}: {p}" for p in problems)
    return result


def ingest_isolated(
    uow_factory: UowFactory,
    path: Path,
    *,
    now: datetime,
    by: str,
    rules: Rules,
    options: PostingOptions | None = None,
) -> Tier1Report | FileResult:
    """:func:`ingest_path`, except that a failure reading this one file (a defect claimdesk
    has yet to fix) is the file's problem, not the end of the run: every use case is one
    transaction, so what failed left nothing behind, and the other files proceed."""
    try:
        return ingest_path(uow_factory, path, now=now, by=by, rules=rules, options=options)
    except Exception as exc:
        # The type only: an exception's text may quote the file, and so a patient.
        _log.error("ingest of %s failed with %s", path.name, type(exc).__name__)
        return unreadable(
            path.name,
            path.read_bytes() if path.is_file() else b"",
            f"could not be read ({type(exc).__name__}); nothing in it was applied",
        )


def file_problem(result: FileResult) -> Problem:
    """The Tier 2 work of a file held whole: someone must find out what it was meant to say."""
    return Problem(
        kind=WorkKind.UNMATCHED_PAYMENT,
        category="payment_matching",
        problem_key=f"file:{result.sha256[:24]}",
        amount_at_stake=Money.zero(),
        summary=(
            f"inbox file {result.name} is held in archive/held: " + "; ".join(result.problems)
        )[:2000],
    )


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
