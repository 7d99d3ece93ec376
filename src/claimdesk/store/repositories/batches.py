"""Submission batches (837 files) with their claims, and the X12 control numbers they use."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from claimdesk.domain.money import Money
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.batches import (
    BatchClaimRow,
    ControlNumberRow,
    OutboxFileRow,
    SubmissionBatchRow,
)

BATCHES = table_of(SubmissionBatchRow)


BATCH_CLAIMS = table_of(BatchClaimRow)


COUNTERS = table_of(ControlNumberRow)

OUTBOX_FILES = table_of(OutboxFileRow)

# Any constant works: it names the advisory lock of the outbox's staged files on PostgreSQL.
OUTBOX_LOCK_KEY = 0x636C6F62


@dataclass(frozen=True, slots=True)
class BatchRecord:
    batch_id: int
    payer_id: str
    transaction: str
    file_name: str
    sender_id: str
    receiver_id: str
    interchange_control_number: int
    group_control_number: int
    created_at: datetime
    scrubbed: int
    clean: int
    held: int
    submitted: int
    total_charge: Money
    accepted: int
    rejected: int

    @property
    def clean_claim_rate(self) -> Decimal | None:
        """Claims that passed every edit / claims scrubbed (HFMA clean claim rate)."""
        return None if not self.scrubbed else Decimal(self.clean) / Decimal(self.scrubbed)

    @property
    def first_pass_acceptance(self) -> Decimal | None:
        """Claims accepted on first submission / claims acknowledged so far."""
        answered = self.accepted + self.rejected
        return None if not answered else Decimal(self.accepted) / Decimal(answered)

    def as_json(self) -> dict[str, object]:
        rate, acceptance = self.clean_claim_rate, self.first_pass_acceptance
        return {
            "batch_id": self.batch_id,
            "payer_id": self.payer_id,
            "transaction": self.transaction,
            "file": self.file_name,
            "interchange_control_number": self.interchange_control_number,
            "scrubbed": self.scrubbed,
            "clean": self.clean,
            "held": self.held,
            "submitted": self.submitted,
            "total_charge": str(self.total_charge),
            "accepted": self.accepted,
            "rejected": self.rejected,
            "clean_claim_rate": None if rate is None else str(round(rate, 4)),
            "first_pass_acceptance": None if acceptance is None else str(round(acceptance, 4)),
        }


def _batch_of(row: Any) -> BatchRecord:
    return BatchRecord(
        batch_id=row.id,
        payer_id=row.payer_id,
        transaction=row.transaction,
        file_name=row.file_name,
        sender_id=row.sender_id,
        receiver_id=row.receiver_id,
        interchange_control_number=row.interchange_control_number,
        group_control_number=row.group_control_number,
        created_at=row.created_at,
        scrubbed=row.scrubbed,
        clean=row.clean,
        held=row.held,
        submitted=row.submitted,
        total_charge=Money(row.total_charge),
        accepted=row.accepted,
        rejected=row.rejected,
    )


@dataclass(frozen=True, slots=True)
class BatchClaim:
    batch_id: int
    claim_id: str
    transaction_control_number: str
    charge: Money
    outcome: str  # submitted, accepted, rejected
    reason: str
    outcome_at: datetime | None = None  # when the acknowledgment said it


class BatchRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _postgres(self) -> bool:
        return self._session.get_bind().dialect.name == "postgresql"

    def next_number(self, name: str) -> int:
        """The next value of counter ``name`` (1 first); the row stays locked until commit."""
        # Two first uses at once: the second waits for the first's row instead of failing on
        # the primary key (ON CONFLICT DO NOTHING, then the row lock).
        start = (pg_insert if self._postgres else sqlite_insert)(COUNTERS)
        self._session.execute(
            start.values(name=name, last_value=0).on_conflict_do_nothing(
                index_elements=[COUNTERS.c.name]
            )
        )
        current = self._session.execute(
            select(COUNTERS.c.last_value).where(COUNTERS.c.name == name).with_for_update()
        ).scalar_one()
        self._session.execute(
            update(COUNTERS).where(COUNTERS.c.name == name).values(last_value=current + 1)
        )
        return int(current) + 1

    def hold_outbox(self, *, settling: bool) -> None:
        """Order this transaction with the others that stage files for the outbox.

        A run stages its 837s inside its transaction. On PostgreSQL such a run holds the
        outbox's advisory lock shared, and a run that settles files a crashed run left holds it
        exclusively: it waits for every transaction in flight to commit or roll back, so what
        it then finds staged belongs to a finished transaction and the store tells which. On
        SQLite the database's write lock (held by the caller) already orders them.
        """
        if self._postgres:
            function = "pg_advisory_xact_lock" if settling else "pg_advisory_xact_lock_shared"
            self._session.execute(text(f"SELECT {function}(:key)"), {"key": OUTBOX_LOCK_KEY})

    def add(self, values: dict[str, Any], claims: Iterable[BatchClaim]) -> int:
        batch_id = int(
            self._session.execute(
                insert(BATCHES).values(accepted=0, rejected=0, **values).returning(BATCHES.c.id)
            ).scalar_one()
        )
        self._session.execute(
            insert(BATCH_CLAIMS),
            [
                {
                    "batch_id": batch_id,
                    "claim_id": c.claim_id,
                    "transaction_control_number": c.transaction_control_number,
                    "charge": c.charge.amount,
                    "outcome": c.outcome,
                    "outcome_at": None,
                    "reason": c.reason,
                }
                for c in claims
            ],
        )
        return batch_id

    def get(self, batch_id: int) -> BatchRecord | None:
        row = self._session.execute(select(BATCHES).where(BATCHES.c.id == batch_id)).first()
        return None if row is None else _batch_of(row)

    def list(self) -> builtins.list[BatchRecord]:
        return [_batch_of(r) for r in self._session.execute(select(BATCHES).order_by(BATCHES.c.id))]

    def page(
        self, payer_id: str, *, offset: int, limit: int
    ) -> tuple[builtins.list[BatchRecord], int]:
        """A page of the batches (of ``payer_id`` when given), newest first, and how many."""
        where = [BATCHES.c.payer_id == payer_id] if payer_id else []
        matched = self._session.execute(
            select(func.count()).select_from(BATCHES).where(*where)
        ).scalar_one()
        rows = self._session.execute(
            select(BATCHES).where(*where).order_by(BATCHES.c.id.desc()).offset(offset).limit(limit)
        )
        return [_batch_of(r) for r in rows], int(matched)

    def record_outbox_file(
        self, file_name: str, *, transaction: str, sha256: str, at: datetime, by: str
    ) -> None:
        self._session.execute(
            insert(OUTBOX_FILES).values(
                file_name=file_name,
                transaction=transaction,
                sha256=sha256,
                staged_at=at,
                staged_by=by,
            )
        )

    def outbox_file_recorded(self, file_name: str) -> bool:
        found = self._session.execute(
            select(OUTBOX_FILES.c.file_name).where(OUTBOX_FILES.c.file_name == file_name)
        ).first()
        return found is not None

    def by_group(self, sender_id: str, group_control_number: int) -> BatchRecord | None:
        """The batch a 999 answers: its sender's GS06 (echoed in AK102)."""
        row = self._session.execute(
            select(BATCHES).where(
                BATCHES.c.sender_id == sender_id,
                BATCHES.c.group_control_number == group_control_number,
            )
        ).first()
        return None if row is None else _batch_of(row)

    def claims_of(self, batch_id: int) -> builtins.list[BatchClaim]:
        rows = self._session.execute(
            select(BATCH_CLAIMS)
            .where(BATCH_CLAIMS.c.batch_id == batch_id)
            .order_by(BATCH_CLAIMS.c.claim_id)
        )
        return [_batch_claim_of(row) for row in rows]

    def latest_claim(self, claim_id: str) -> BatchClaim | None:
        """The claim's entry in the last batch that carried it."""
        row = self._session.execute(
            select(BATCH_CLAIMS)
            .where(BATCH_CLAIMS.c.claim_id == claim_id)
            .order_by(BATCH_CLAIMS.c.batch_id.desc())
            .limit(1)
        ).first()
        return None if row is None else _batch_claim_of(row)

    def record_outcome(
        self, batch_id: int, claim_id: str, outcome: str, *, at: datetime, reason: str
    ) -> None:
        """The first acknowledgment decides; the batch's counts follow it."""
        self._session.execute(
            update(BATCH_CLAIMS)
            .where(BATCH_CLAIMS.c.batch_id == batch_id, BATCH_CLAIMS.c.claim_id == claim_id)
            .values(outcome=outcome, outcome_at=at, reason=reason)
        )
        counts: dict[str, int] = {
            outcome: int(count)
            for outcome, count in self._session.execute(
                select(BATCH_CLAIMS.c.outcome, func.count())
                .where(BATCH_CLAIMS.c.batch_id == batch_id)
                .group_by(BATCH_CLAIMS.c.outcome)
            )
        }
        self._session.execute(
            update(BATCHES)
            .where(BATCHES.c.id == batch_id)
            .values(accepted=counts.get("accepted", 0), rejected=counts.get("rejected", 0))
        )


def _batch_claim_of(row: Any) -> BatchClaim:
    return BatchClaim(
        batch_id=row.batch_id,
        claim_id=row.claim_id,
        transaction_control_number=row.transaction_control_number,
        charge=Money(row.charge),
        outcome=row.outcome,
        reason=row.reason,
        outcome_at=row.outcome_at,
    )
