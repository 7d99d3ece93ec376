"""The HL7 v2 messages taken from the EHR, by sender and control id (MSH-4, MSH-10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.interfaces import InterfaceMessageRow

MESSAGES = table_of(InterfaceMessageRow)


@dataclass(frozen=True, slots=True)
class StoredMessage:
    interface: str
    sender: str
    control_id: str
    message_type: str
    received_at: datetime
    status: str  # applied, error
    ack_code: str
    sha256: str
    body: str
    error_location: str | None = None
    error_reason: str | None = None
    patient_account: str | None = None
    import_id: str | None = None
    message_id: int | None = None


def _stored(row: object) -> StoredMessage:
    m = row._mapping  # type: ignore[attr-defined]
    return StoredMessage(
        interface=m["interface"],
        sender=m["sender"],
        control_id=m["control_id"],
        message_type=m["message_type"],
        received_at=m["received_at"],
        status=m["status"],
        ack_code=m["ack_code"],
        sha256=m["sha256"],
        body=m["body"],
        error_location=m["error_location"],
        error_reason=m["error_reason"],
        patient_account=m["patient_account"],
        import_id=m["import_id"],
        message_id=m["id"],
    )


class InterfaceMessageRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, interface: str, sender: str, control_id: str) -> StoredMessage | None:
        row = self._session.execute(
            select(MESSAGES)
            .where(
                MESSAGES.c.interface == interface,
                MESSAGES.c.sender == sender,
                MESSAGES.c.control_id == control_id,
            )
            .with_for_update()
        ).first()
        return None if row is None else _stored(row)

    def add(self, message: StoredMessage) -> int:
        values = {
            "interface": message.interface,
            "sender": message.sender,
            "control_id": message.control_id,
            "message_type": message.message_type,
            "received_at": message.received_at,
            "status": message.status,
            "ack_code": message.ack_code,
            "error_location": message.error_location,
            "error_reason": message.error_reason,
            "patient_account": message.patient_account,
            "sha256": message.sha256,
            "body": message.body,
            "import_id": message.import_id,
        }
        inserted = self._session.execute(
            insert(MESSAGES).values(values).returning(MESSAGES.c.id)
        ).scalar_one()
        return int(inserted)

    def settle(self, message_id: int, message: StoredMessage) -> None:
        """A message taken again (its error was retried): its outcome as it stands now."""
        self._session.execute(
            update(MESSAGES)
            .where(MESSAGES.c.id == message_id)
            .values(
                status=message.status,
                ack_code=message.ack_code,
                error_location=message.error_location,
                error_reason=message.error_reason,
                import_id=message.import_id,
            )
        )

    def kept_with_errors(self, interface: str, patient_account: str) -> list[StoredMessage]:
        """The patient's messages kept but not applied, oldest first."""
        query = (
            select(MESSAGES)
            .where(
                MESSAGES.c.interface == interface,
                MESSAGES.c.patient_account == patient_account,
                MESSAGES.c.status == "error",
            )
            .order_by(MESSAGES.c.id)
        )
        return [_stored(row) for row in self._session.execute(query)]

    def latest(self, limit: int, status: str | None = None) -> list[StoredMessage]:
        query = select(MESSAGES).order_by(MESSAGES.c.id.desc()).limit(limit)
        if status is not None:
            query = query.where(MESSAGES.c.status == status)
        return [_stored(row) for row in self._session.execute(query)]
