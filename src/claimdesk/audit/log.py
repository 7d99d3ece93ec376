"""Use cases of the audit log: append a record (one transaction of its own) and verify the chain."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from claimdesk.audit.anchor import Anchor, anchor_of
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


def record(uow_factory: UowFactory, entry: AuditRecord, *, company: bool = False) -> None:
    """Append ``entry`` after the last record, linking it to that record's hash: in the
    practice's chain, or the company's (people, grants, practices) when ``company``."""
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
        chain = uow.company_audit if company else uow.audit
        chain.lock()
        prev_hash = chain.last_hash()
        chain.append(entry, prev_hash, record_hash(prev_hash, entry))
        uow.commit()


@dataclass(frozen=True, slots=True)
class Verification:
    records: int
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def head(uow_factory: UowFactory, now: datetime) -> Anchor:
    """The chain's head now: how many records, the last one's id and hash (genesis if none)."""
    with uow_factory() as uow:
        count, last_id, last_hash = uow.audit.head()
    return anchor_of(count, last_id, last_hash, now)


def verify(uow_factory: UowFactory, anchors: Sequence[Anchor] = ()) -> Verification:
    """Read the whole chain in pages and report the first record that does not fit, then hold
    it to each anchor taken earlier: the anchored record must still be there with the same hash
    (a cut tail, an emptied table or a recomputed chain is found), and no fewer records."""
    count = 0
    after = 0
    last_hash: str | None = None
    pinned = {a.last_id: a for a in anchors if a.last_id}
    seen: dict[int, str] = {}
    with uow_factory() as uow:
        while True:
            page = uow.audit.records(after_id=after, limit=VERIFY_PAGE)
            if not page:
                break
            broken = first_break(page, start=last_hash)
            if broken is not None:
                return Verification(count, broken)
            seen.update((r.record_id, r.row_hash) for r in page if r.record_id in pinned)
            count += len(page)
            after = page[-1].record_id
            last_hash = page[-1].row_hash
    return Verification(count, _against_anchors(anchors, seen, count))


def _against_anchors(
    anchors: Sequence[Anchor], seen: dict[int, str], count: int
) -> ChainBreak | None:
    for anchor in anchors:
        if count < anchor.records:
            return ChainBreak(
                anchor.last_id,
                f"the log holds {count} records but {anchor.records} were anchored at "
                f"{anchor.at}: records were removed",
            )
        if not anchor.last_id:
            continue
        stored = seen.get(anchor.last_id)
        if stored is None:
            return ChainBreak(
                anchor.last_id, f"anchored at {anchor.at}, it is no longer in the log"
            )
        if stored != anchor.last_hash:
            return ChainBreak(
                anchor.last_id,
                f"its hash differs from the one anchored at {anchor.at}: the chain was rewritten",
            )
    return None
