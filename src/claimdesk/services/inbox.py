"""Reading the inbox: each file claimed once, ingested through the services, then archived.

A file is claimed by renaming it into ``inbox/processing/`` (a rename is atomic on one file
system: of two readers racing for a file, one wins and the other finds it gone), so two
processes sharing an inbox never read the same file. Posting has its own idempotency key on
top (the file's SHA-256 and the 835's payer, payee and TRN02), so a file put back and read again
posts nothing twice. Acknowledgments, 271s and 277s are read before 835s, as a clearinghouse sends
them first.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services.acknowledgments import AckReport
from claimdesk.services.claim_status import StatusReport
from claimdesk.services.eligibility import AnswerReport
from claimdesk.services.ingest import Tier1Report, archive_file, file_problem, ingest_isolated
from claimdesk.services.post_remittance import FileResult, PostingOptions
from claimdesk.services.remit_work import open_many
from claimdesk.services.rules import Rules
from claimdesk.services.x12_envelopes import write_outbox_file
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
PROCESSING = "processing"
HELD = "held"
# Tier 1 answers before payments: a claim's 277CA acceptance precedes its 835.
_ORDER = {".271": 0, ".999": 1, ".277": 2, ".835": 3}


@dataclass(slots=True)
class InboxReport:
    acknowledgments: list[AckReport] = field(default_factory=list)
    eligibility: list[AnswerReport] = field(default_factory=list)
    remittances: list[FileResult] = field(default_factory=list)
    statuses: list[StatusReport] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # files whose posting is held for a problem

    def add(self, result: Tier1Report | FileResult) -> None:
        """One file's outcome, under its kind."""
        if isinstance(result, AckReport):
            self.acknowledgments.append(result)
        elif isinstance(result, AnswerReport):
            self.eligibility.append(result)
        elif isinstance(result, StatusReport):
            self.statuses.append(result)
        else:
            self.remittances.append(result)

    def summary(self) -> str:
        """One line for the audit trail: how many files of each kind were read."""
        return (
            f"{len(self.remittances)} remittance file(s) ({len(self.held)} held), "
            f"{len(self.acknowledgments)} acknowledgment(s), {len(self.eligibility)} 271(s), "
            f"{len(self.statuses)} 277(s)"
        )

    def merge(self, other: InboxReport) -> None:
        self.acknowledgments += other.acknowledgments
        self.eligibility += other.eligibility
        self.remittances += other.remittances
        self.statuses += other.statuses
        self.held += other.held


def waiting_files(inbox: Path) -> list[Path]:
    """The files in the inbox, in the order they are read (temporary dot-files are not)."""
    if not inbox.is_dir():
        return []
    found = [p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")]
    return sorted(found, key=lambda p: (_ORDER.get(p.suffix, len(_ORDER)), p.name))


def claim_file(path: Path) -> Path | None:
    """Move ``path`` into the inbox's processing folder; None when another reader took it."""
    processing = path.parent / PROCESSING
    processing.mkdir(exist_ok=True)
    target = processing / path.name
    try:
        os.rename(path, target)
    except FileNotFoundError:
        return None
    return target


def ingest_claimed(
    uow_factory: UowFactory,
    path: Path,
    archive: Path,
    *,
    now: datetime,
    by: str,
    rules: Rules,
    options: PostingOptions | None = None,
) -> InboxReport:
    """Ingest one claimed file and archive it. A file held for a problem goes to
    ``archive/held``: an 835 whose remittances are held is Tier 2 work already; a file nothing
    could be applied from (not X12, an unsupported version or transaction, a failure reading
    it) becomes one Tier 2 item of its own, with the findings."""
    report = InboxReport()
    result = ingest_isolated(uow_factory, path, now=now, by=by, rules=rules, options=options)
    report.add(result)
    if isinstance(result, FileResult) and not (result.ok or result.already_ingested):
        report.held.append(path.name)
        kept = archive_file(path, archive / HELD)
        write_outbox_file(kept.parent, kept.name + FINDINGS_SUFFIX, held_findings(result, now))
        if not result.remittances:
            hold_file(uow_factory, result, now=now, policy=rules.routing)
        return report
    archive_file(path, archive)
    return report


FINDINGS_SUFFIX = ".findings.txt"


def held_findings(result: FileResult, now: datetime) -> str:
    """Why a file was held, kept beside it: whoever opens ``archive/held`` (or restores it from
    a backup) reads the reasons without the database."""
    lines = [f"{result.name} held at {now.isoformat()} (sha256 {result.sha256})"]
    lines += [f"file: {problem}" for problem in result.problems]
    for remittance in result.remittances:
        trace = remittance.trace_number or "(no TRN02)"
        lines += [f"remittance {trace}: {reason}" for reason in remittance.reasons]
    return "\n".join(lines) + "\n"


def hold_file(
    uow_factory: UowFactory, result: FileResult, *, now: datetime, policy: RoutingPolicy
) -> int:
    """Open the work item of a file held whole, once while it is active; the items opened."""
    problem = file_problem(result)
    with uow_factory() as uow:
        uow.work_items.begin_write()
        if uow.work_items.active_without_claim(problem.problem_key):
            return 0
        made = open_many(
            uow, [problem], now=now, policy=policy, history=uow.work_items.recovery_history()
        )
        uow.commit()
    return len(made)


def ingest_inbox(
    uow_factory: UowFactory,
    inbox: Path,
    archive: Path,
    *,
    now: datetime,
    by: str,
    rules: Rules,
    options: PostingOptions | None = None,
) -> InboxReport:
    """Every file waiting in ``inbox``, each claimed, ingested and archived."""
    report = InboxReport()
    for path in waiting_files(inbox):
        claimed = claim_file(path)
        if claimed is not None:
            report.merge(
                ingest_claimed(
                    uow_factory, claimed, archive, now=now, by=by, rules=rules, options=options
                )
            )
    return report
