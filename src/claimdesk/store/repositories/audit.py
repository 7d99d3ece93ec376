"""The append-only, hash-chained audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session

from claimdesk.audit.chain import GENESIS, AuditRecord, StoredRecord
from claimdesk.store.engine import SQLITE_BEGIN_OPTION
from claimdesk.store.tables.audit import AuditRow
from claimdesk.store.tables.base import table_of

AUDIT = table_of(AuditRow)


# Any constant works: it names the one advisory lock that serializes audit appends on PostgreSQL.
AUDIT_LOCK_KEY = 0x636C6D64


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _postgres(self) -> bool:
        return self._session.get_bind().dialect.name == "postgresql"

    def lock(self) -> None:
        """Serialize appends, so each new record links to the true last one."""
        if self._postgres:
            self._session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY}
            )
        else:
            self._session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})

    def last_hash(self) -> str:
        query = select(AUDIT.c.row_hash).order_by(AUDIT.c.id.desc()).limit(1)
        return self._session.execute(query).scalar_one_or_none() or GENESIS

    def append(self, record: AuditRecord, prev_hash: str, row_hash: str) -> None:
        self._session.execute(
            insert(AUDIT).values(
                at=record.at,
                user_id=record.user_id,
                patient_account=record.patient_account,
                action=record.action,
                target=record.target,
                outcome=record.outcome,
                detail=record.detail,
                prev_hash=prev_hash,
                row_hash=row_hash,
            )
        )

    def records(
        self, *, after_id: int = 0, limit: int | None = None, newest_first: bool = False
    ) -> list[StoredRecord]:
        order = AUDIT.c.id.desc() if newest_first else AUDIT.c.id
        query = select(AUDIT).where(AUDIT.c.id > after_id).order_by(order)
        if limit is not None:
            query = query.limit(limit)
        return [self._stored(row) for row in self._session.execute(query)]

    def head(self) -> tuple[int, int, str]:
        """How many records, the last one's id and hash (genesis when there are none)."""
        count = int(self._session.execute(select(func.count()).select_from(AUDIT)).scalar_one())
        last = self._session.execute(
            select(AUDIT.c.id, AUDIT.c.row_hash).order_by(AUDIT.c.id.desc()).limit(1)
        ).first()
        return (count, 0, GENESIS) if last is None else (count, int(last.id), str(last.row_hash))

    def of_patient(self, patient_account: str) -> list[StoredRecord]:
        query = select(AUDIT).where(AUDIT.c.patient_account == patient_account).order_by(AUDIT.c.id)
        return [self._stored(row) for row in self._session.execute(query)]

    @staticmethod
    def _stored(row: Any) -> StoredRecord:
        record = AuditRecord(
            row.at,
            row.user_id,
            row.patient_account,
            row.action,
            row.target,
            row.outcome,
            row.detail,
        )
        return StoredRecord(row.id, record, row.prev_hash, row.row_hash)
