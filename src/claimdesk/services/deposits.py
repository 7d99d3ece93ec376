"""Deposits proven to the bank: bank files and hand-entered deposits, reconciled to the 835s.

Importing a bank file is one transaction keyed by the file's SHA-256 and each record: the same
file twice adds nothing, a file with one bad record adds nothing. Reconciling matches every
posted 835 to the deposits (``posting.reassociation``) and keeps ONE Tier 2 work item per
exception: opened the first time it is seen, closed as solved when a later run no longer finds
it, and never opened again once a person closed it (they confirmed a split, or settled it).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from claimdesk.domain.money import Money, total
from claimdesk.domain.work import (
    SYSTEM,
    HistoryEvent,
    Outcome,
    Problem,
    WorkItem,
    WorkKind,
    WorkStatus,
)
from claimdesk.posting.bank_files import BankDeposit, BankFileError, read_bank_file
from claimdesk.posting.reassociation import (
    PROBLEM_PREFIX,
    Reassociation,
    TraceGroup,
    Verdict,
    reassociate,
)
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services.practice import practice_date
from claimdesk.services.remit_work import open_many
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
BANK_FILE = "bank_file"
MANUAL = "manual"
HAND_KINDS = frozenset({"check", "lockbox"})


@dataclass(frozen=True, slots=True)
class ImportResult:
    name: str
    sha256: str
    layout: str
    already_imported: bool
    added: int
    total: Money


@dataclass(frozen=True, slots=True)
class AddResult:
    deposit_id: str
    created: bool


@dataclass(slots=True)
class ReconcileResult:
    reassociation: Reassociation
    opened: list[int] = field(default_factory=list)
    solved: list[int] = field(default_factory=list)
    work_changed: bool = True  # False for a report of a past day


@dataclass(frozen=True, slots=True)
class Unreconciled:
    """What stands between a period and its close, as of a day: the deposits not reconciled
    (no ERA, or ERAs of other money) and the ERAs whose money no deposit proves."""

    as_of: date
    deposits: tuple[TraceGroup, ...]
    eras: tuple[TraceGroup, ...]

    @property
    def deposit_total(self) -> Money:
        return total(g.deposit_total for g in self.deposits)

    @property
    def era_total(self) -> Money:
        return total(g.unproven for g in self.eras)


def _deposit_id(*parts: str) -> str:
    return "D" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:23]


def import_bank_file(
    uow_factory: UowFactory, data: bytes, *, name: str, now: datetime, by: str
) -> ImportResult:
    """Read a BAI2 or CSV bank file and store its deposits, all or nothing, once."""
    sha = hashlib.sha256(data).hexdigest()
    with uow_factory() as uow:
        if uow.deposits.file_known(sha):
            return ImportResult(name, sha, "", True, 0, Money.zero())
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BankFileError(name, f"byte {exc.start}", "encoding", "not UTF-8 text") from exc
    read = read_bank_file(name, text)
    rows = [_row(d, _deposit_id(sha, d.record), sha, now, by) for d in read.deposits]
    with uow_factory() as uow:
        if uow.deposits.file_known(sha):
            return ImportResult(name, sha, read.layout, True, 0, Money.zero())
        closed = uow.periods.closed()
        for deposit in read.deposits:
            if closed.is_closed(deposit.deposit_date):
                raise BankFileError(
                    name,
                    deposit.record,
                    "deposit date",
                    f"{deposit.deposit_date} is in a closed period (closed through "
                    f"{closed.through}); an admin reopens it first",
                )
        known = uow.deposits.known_ids([r["deposit_id"] for r in rows])
        fresh = [r for r in rows if r["deposit_id"] not in known]
        uow.deposits.add_many(fresh)
        amount = total(d.amount for d in read.deposits)
        uow.deposits.record_file(
            {
                "sha256": sha,
                "name": name,
                "layout": read.layout,
                "deposit_count": len(rows),
                "deposit_total": amount.amount,
                "imported_at": now,
                "imported_by": by,
            }
        )
        uow.commit()
    return ImportResult(name, sha, read.layout, False, len(fresh), amount)


def _row(
    deposit: BankDeposit, deposit_id: str, sha: str | None, now: datetime, by: str
) -> dict[str, Any]:
    return {
        "deposit_id": deposit_id,
        "source": BANK_FILE if sha else MANUAL,
        "kind": deposit.kind,
        "bank_account": deposit.bank_account[:40],
        "deposit_date": deposit.deposit_date,
        "amount": deposit.amount.amount,
        "trace_number": deposit.trace[:50],
        "payer_id": deposit.payer_id[:80],
        "payer_name": deposit.payer_name[:80],
        "file_sha256": sha,
        "record_ref": deposit.record[:80],
        "recorded_at": now,
        "recorded_by": by,
    }


class DepositError(ValueError):
    """A hand-entered deposit that cannot be one; the message names the field."""


def add_deposit(
    uow_factory: UowFactory, deposit: BankDeposit, *, now: datetime, by: str
) -> AddResult:
    """Store a paper check or lockbox deposit entered by hand; the same check (date, amount,
    number, payer) entered twice is one deposit."""
    if deposit.kind not in HAND_KINDS:
        raise DepositError(f"kind {deposit.kind!r}: a deposit by hand is a check or a lockbox")
    if not deposit.amount.is_positive():
        raise DepositError(f"amount {deposit.amount}: a deposit is more than 0.00")
    if not deposit.trace.strip():
        raise DepositError("check/trace: the check number or trace is required")
    deposit_id = _deposit_id(
        MANUAL,
        deposit.deposit_date.isoformat(),
        str(deposit.amount),
        deposit.trace.strip().upper(),
        deposit.payer_id or deposit.payer_name,
    )
    with uow_factory() as uow:
        if uow.deposits.known_ids([deposit_id]):
            return AddResult(deposit_id, False)
        closed = uow.periods.closed()
        if closed.is_closed(deposit.deposit_date):
            raise DepositError(
                f"date {deposit.deposit_date}: in a closed period (closed through "
                f"{closed.through}); an admin reopens it first"
            )
        uow.deposits.add_many([_row(deposit, deposit_id, None, now, by)])
        uow.commit()
    return AddResult(deposit_id, True)


def reassociation_in(
    uow: UnitOfWork, as_of: date, wait_business_days: int | None = None
) -> Reassociation:
    """Every stored 835 paid by ``as_of`` matched to the deposits dated by then; the wait is
    the practice's ``deposits.wait_days`` unless given."""
    wait = (
        uow.practice.profile().deposit_wait_days
        if wait_business_days is None
        else wait_business_days
    )
    return reassociate(
        uow.deposits.facts(as_of),
        uow.deposits.era_facts(as_of),
        as_of=as_of,
        wait_business_days=wait,
    )


def report(
    uow_factory: UowFactory,
    *,
    now: datetime,
    as_of: date | None = None,
    wait_business_days: int | None = None,
) -> Reassociation:
    """The reconciliation as of ``as_of`` (default: the practice's today), changing nothing."""
    with uow_factory() as uow:
        return reassociation_in(uow, as_of or practice_date(uow, now), wait_business_days)


def unreconciled(
    uow_factory: UowFactory,
    *,
    as_of: date,
    wait_business_days: int | None = None,
) -> Unreconciled:
    """The deposits no ERA explains and the ERAs no deposit proves, as of ``as_of`` (those
    still inside the wait included: a period closes only when its cash is proven)."""
    with uow_factory() as uow:
        found = reassociation_in(uow, as_of, wait_business_days)
    open_groups = [g for g in found.groups if g.verdict not in (Verdict.MATCHED, Verdict.SPLIT)]
    return Unreconciled(
        as_of,
        tuple(g for g in open_groups if g.deposits and g.deposit_total != g.era_total),
        tuple(g for g in open_groups if g.eras and g.unproven.is_positive()),
    )


def explained(items: Iterable[WorkItem]) -> set[str]:
    """The exceptions a person closed (confirmed a split, settled a difference with the payer,
    booked a bank fee): reconciling items with who and why on their item, raised no more, and no
    bar to closing their month."""
    # Reconciliation itself closes an item (as the system) once its trace matches: that one
    # is solved, not explained, and comes back if the trace stops matching.
    return {
        i.problem_key
        for i in items
        if i.status is WorkStatus.CANCELLED
        or (
            i.status is WorkStatus.DONE
            and (i.closed_by != SYSTEM or i.outcome is not Outcome.PROBLEM_SOLVED)
        )
    }


def explained_exceptions(uow: UnitOfWork) -> set[str]:
    return explained(uow.work_items.without_claim_prefixed(PROBLEM_PREFIX))


def reconcile(
    uow_factory: UowFactory,
    *,
    now: datetime,
    policy: RoutingPolicy,
    as_of: date | None = None,
    wait_business_days: int | None = None,
) -> ReconcileResult:
    """Match as of ``as_of`` (default: the practice's today) and keep the work in step: one
    item per exception. A day before today is a report only: its answer is history, and the
    items stand for what is known now."""
    with uow_factory() as uow:
        uow.work_items.begin_write()
        today = practice_date(uow, now)
        day = as_of or today
        found = reassociation_in(uow, day, wait_business_days)
        result = ReconcileResult(found, work_changed=day >= today)
        if not result.work_changed:
            return result
        items = uow.work_items.without_claim_prefixed(PROBLEM_PREFIX)
        active = {i.problem_key: i for i in items if i.active}
        handled = explained(items)
        current = {g.problem_key: g for g in found.exceptions}
        problems = [
            _problem(g) for key, g in current.items() if key not in active and key not in handled
        ]
        made = open_many(
            uow, problems, now=now, policy=policy, history=uow.work_items.recovery_history()
        )
        result.opened = [i.item_id for i in made if i.item_id is not None]
        for key, item in sorted(active.items()):
            if key in current:
                continue
            event = item.close(SYSTEM, now, Outcome.PROBLEM_SOLVED)
            note = HistoryEvent(
                now, SYSTEM, "note", item.status, item.status, f"reconciled as of {day}"
            )
            uow.work_items.update(item, [event, note])
            if item.item_id is not None:
                result.solved.append(item.item_id)
        uow.commit()
    return result


def bank_folder(home: Path) -> Path:
    """Where bank files wait to be imported (kept apart from the inbox of X12 files)."""
    return home / "bank"


def import_and_reconcile(
    uow_factory: UowFactory,
    folder: Path,
    archive: Path,
    *,
    now: datetime,
    by: str,
    policy: RoutingPolicy,
) -> ReconcileResult:
    """Import every bank file waiting in ``folder`` (each moved to ``archive`` once read; a
    refused one to ``archive/held``), then reconcile as of today."""
    waiting = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    for path in waiting:
        try:
            import_bank_file(uow_factory, path.read_bytes(), name=path.name, now=now, by=by)
            target = archive
        except BankFileError:
            target = archive / "held"
        target.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target / path.name)
    return reconcile(uow_factory, now=now, policy=policy)


def _problem(group: TraceGroup) -> Problem:
    return Problem(
        kind=WorkKind.UNMATCHED_PAYMENT,
        category="payment_matching",
        problem_key=group.problem_key,
        amount_at_stake=group.at_stake,
        remittance_id=group.eras[0].remittance_id if group.eras else None,
        summary=f"ERA/EFT reassociation: {group.describe()}"[:2000],
    )
