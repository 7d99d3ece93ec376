"""What a send or fetch with the trading partners did, and what both need: one run per partner
and direction at a time, and an outage that becomes work.

``transport_send`` uploads the outbox, ``transport_fetch`` downloads into the inbox
(docs/transport.md). Both keep their state in the practice's ``transport/`` folder: a lock file
per partner and direction (so a run by hand and the worker's never move the same file at once)
and the schedule the worker keeps (``transport_schedule``).
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from claimdesk.domain.money import Money
from claimdesk.domain.work import SYSTEM, HistoryEvent, Outcome, Problem, WorkItem, WorkKind
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services.remit_work import open_in
from claimdesk.store.uow import UnitOfWork
from claimdesk.transport.config import Partner

UowFactory = Callable[[], UnitOfWork]
SEND = "send"
FETCH = "fetch"
STATE_FOLDER = "transport"
OUTAGE_PREFIX = "transport:"


def state_folder(practice_home: Path) -> Path:
    """The practice's transport state: lock files and the worker's schedule."""
    return practice_home / STATE_FOLDER


@dataclass(frozen=True, slots=True)
class Moved:
    """A file moved: its name here (outbox or inbox) and on the partner's server."""

    partner: str
    name: str
    remote: str
    size: int

    def as_json(self) -> dict[str, Any]:
        return {
            "partner": self.partner,
            "name": self.name,
            "remote": self.remote,
            "size": self.size,
        }


@dataclass(frozen=True, slots=True)
class Note:
    """A file (or, with no file, the partner's whole exchange) and what became of it."""

    partner: str
    file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.partner}{f' {self.file}' if self.file else ''}: {self.reason}"

    def as_json(self) -> dict[str, str]:
        return {"partner": self.partner, "file": self.file, "reason": self.reason}


@dataclass(slots=True)
class TransportReport:
    """``moved``: sent or fetched now. ``already``: moved before (a sent file's earlier upload,
    a fetched file's content under another name), nothing moved again. ``waiting``: left for a
    later run on purpose (still being written, no partner takes it, another run holds the
    partner). ``failures``: what went wrong, by partner, file and reason; retried next time."""

    direction: str
    moved: list[Moved] = field(default_factory=list)
    already: list[Moved] = field(default_factory=list)
    waiting: list[Note] = field(default_factory=list)
    failures: list[Note] = field(default_factory=list)

    def merge(self, other: TransportReport) -> None:
        self.moved += other.moved
        self.already += other.already
        self.waiting += other.waiting
        self.failures += other.failures

    def summary(self) -> str:
        """One line for the audit trail and the worker's log."""
        done = "sent" if self.direction == SEND else "fetched"
        line = f"{len(self.moved)} file(s) {done}"
        if self.already:
            line += f", {len(self.already)} already {done}"
        if self.waiting:
            line += f", {len(self.waiting)} left for later"
        if self.failures:
            line += f"; {len(self.failures)} failure(s): " + "; ".join(map(str, self.failures))
        return line

    def as_json(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "moved": [m.as_json() for m in self.moved],
            "already": [m.as_json() for m in self.already],
            "waiting": [n.as_json() for n in self.waiting],
            "failures": [n.as_json() for n in self.failures],
        }


@contextmanager
def exclusive(state: Path, partner: str, direction: str) -> Iterator[bool]:
    """Hold the partner's lock for ``direction`` while the block runs; yields False (and holds
    nothing) when another run has it. An advisory lock on a file in the practice's folder: the
    lock ends with its process, so a killed run never blocks the next."""
    state.mkdir(parents=True, exist_ok=True)
    with (state / f"{partner}.{direction}.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def outage_key(partner: str, direction: str) -> str:
    return f"{OUTAGE_PREFIX}{direction}:{partner}"


def _still_failing(
    uow: UnitOfWork,
    active: Sequence[WorkItem],
    failures: Sequence[Note],
    direction: str,
    now: datetime,
) -> None:
    """The outage goes on, perhaps for another reason (the server was down, now it refuses the
    login): the item's history says so when the reason changes, so Tier 1 chases the current
    one, not the first."""
    reason = f"{direction} still failing: " + "; ".join(str(f) for f in failures)
    for found in active:
        item = uow.work_items.get(found.item_id or 0)
        if item is None:
            continue
        last = next((e.detail for e in reversed(item.history) if e.action == "note"), "")
        if last != reason[:1000]:
            event = HistoryEvent(now, SYSTEM, "note", item.status, item.status, reason[:1000])
            uow.work_items.add_history(found.item_id or 0, [event])


def track_outage(
    uow_factory: UowFactory,
    partner: Partner,
    direction: str,
    failures: Sequence[Note],
    *,
    now: datetime,
    policy: RoutingPolicy,
) -> None:
    """An exchange with failures is Tier 1 work (one item while they last: the files wait, and
    someone must call the clearinghouse or fix the setup); the item is closed as solved by the
    next exchange that goes through without one."""
    key = outage_key(partner.name, direction)
    with uow_factory() as uow:
        items = uow.work_items.without_claim_prefixed(key)
        if not failures and not any(i.active and i.problem_key == key for i in items):
            return  # nothing changes: most exchanges go through with no item open
    with uow_factory() as uow:
        uow.work_items.begin_write()
        items = uow.work_items.without_claim_prefixed(key)
        active = [i for i in items if i.active and i.problem_key == key]
        if failures and active:
            _still_failing(uow, active, failures, direction, now)
        if failures and not active:
            waiting = "in the outbox" if direction == SEND else "on the server"
            problem = Problem(
                kind=WorkKind.CLEARINGHOUSE_REJECTION,
                category="job_failure",
                problem_key=key,
                amount_at_stake=Money.zero(),
                summary=(
                    f"SFTP {direction} with {partner.name} ({partner.address}) failed: "
                    + "; ".join(str(f) for f in failures)
                    + f". The files wait {waiting}; each run tries again (the worker every "
                    f"{partner.every_minutes} minutes)."
                )[:1000],
            )
            open_in(uow, problem, now=now, policy=policy, history=uow.work_items.recovery_history())
        elif not failures:
            for item in active:
                event = item.close(SYSTEM, now, Outcome.PROBLEM_SOLVED)
                note = HistoryEvent(
                    now, SYSTEM, "note", item.status, item.status, f"{direction} went through"
                )
                uow.work_items.update(item, [event, note])
        uow.commit()
