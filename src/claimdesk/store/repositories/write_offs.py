"""Write-off requests and their decisions, as ``domain.recovery.WriteOffRequest``."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import RowMapping, insert, select, update
from sqlalchemy.orm import Session

from claimdesk.domain.money import Money
from claimdesk.domain.recovery import WriteOffRequest
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.write_offs import WriteOffRequestRow

WRITE_OFFS = table_of(WriteOffRequestRow)


def _values(request: WriteOffRequest) -> dict[str, Any]:
    return {
        "claim_id": request.claim_id,
        "amount": request.amount.amount,
        "reason_code": request.reason_code,
        "note": request.note,
        "status": request.status,
        "requested_by": request.requested_by,
        "requested_at": request.requested_at,
        "decided_by": request.decided_by,
        "decided_at": request.decided_at,
        "entry_id": request.entry_id,
        "work_item_id": request.work_item_id,
    }


def _request_of(row: RowMapping) -> WriteOffRequest:
    return WriteOffRequest(
        claim_id=row["claim_id"],
        amount=Money(row["amount"]),
        reason_code=row["reason_code"],
        note=row["note"],
        requested_by=row["requested_by"],
        requested_at=row["requested_at"],
        status=row["status"],
        request_id=row["id"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        entry_id=row["entry_id"],
        work_item_id=row["work_item_id"],
    )


class WriteOffRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, request: WriteOffRequest) -> WriteOffRequest:
        """Store a new request; returns it with the number the database gave it."""
        statement = insert(WRITE_OFFS).values(_values(request)).returning(WRITE_OFFS.c.id)
        request_id: int = self._session.execute(statement).scalar_one()
        return replace(request, request_id=request_id)

    def get(self, request_id: int) -> WriteOffRequest | None:
        query = select(WRITE_OFFS).where(WRITE_OFFS.c.id == request_id)
        row = self._session.execute(query).mappings().first()
        return None if row is None else _request_of(row)

    def save(self, request: WriteOffRequest) -> None:
        """Write a stored request's decision and work item."""
        if request.request_id is None:
            raise ValueError("a write-off request must be added before it is saved")
        self._session.execute(
            update(WRITE_OFFS).where(WRITE_OFFS.c.id == request.request_id).values(_values(request))
        )

    def of_claim(self, claim_id: str) -> list[WriteOffRequest]:
        """Every request on the claim, oldest first."""
        query = (
            select(WRITE_OFFS).where(WRITE_OFFS.c.claim_id == claim_id).order_by(WRITE_OFFS.c.id)
        )
        return [_request_of(row) for row in self._session.execute(query).mappings()]
