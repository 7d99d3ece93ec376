"""Use cases of the audit log: append a record (one transaction of its own) and verify the chain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC

from claimdesk.audit.chain import AuditRecord, ChainBreak, first_break, record_hash
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
VERIFY_PAGE = 5000


class Outcome:
    """Audit outcomes, as recorded."""

    OK = "ok"
    DENIED = "denied"
    NOT_FOUND = "not_found"
    FAILED = "failed"


def record(uow_factory: UowFactory, entry: AuditRecord) -> None:
    """Append ``entry`` after the last record, linking it to that record's hash."""
    entry = AuditRecord(
        at=entry.at.astimezone(UTC),
        user_id=entry.user_id,
        patient_account=entry.patient_account,
        action=entry.action,
        target=entry.target[:200],
        outcome=entry.outcome,
        detail=entry.detail,
    )
    with uow_factory() as uow:
        uow.audit.lock()
        prev_hash = uow.audit.last_hash()
        uow.audit.append(entry, prev_hash, record_hash(prev_hash, entry))
        uow.commit()


@dataclass(frozen=True, slots=True)
class Verification:
    records: int
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify(uow_factory: UowFactory) -> Verification:
    """Read the whole chain in pages and report the first record that does not fit."""
    count = 0
    after = 0
    last_hash: str | None = None
    with uow_factory() as uow:
        while True:
            page = uow.audit.records(after_id=after, limit=VERIFY_PAGE)
            if not page:
                return Verification(count, None)
            broken = first_break(page, start=last_hash)
            if broken is not None:
                return Verification(count, broken)
            count += len(page)
            after = page[-1].record_id
            last_hash = page[-1].row_hash
