"""The payer follow-up log: calls, portal checks, 276 inquiries and the 277 answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    RowMapping,
    Table,
    insert,
    select,
)
from sqlalchemy.orm import Session

from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.follow_ups import FollowUpRow

FOLLOW_UPS = table_of(FollowUpRow)


class FollowUpRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _insert(self, table: Table, values: dict[str, Any]) -> int:
        statement = insert(table).values(values).returning(table.c.id)
        new_id: int = self._session.execute(statement).scalar_one()
        return new_id

    def add(self, values: dict[str, Any]) -> int:
        return self._insert(FOLLOW_UPS, values)

    def of_claim(self, claim_id: str) -> list[RowMapping]:
        query = select(FOLLOW_UPS).where(FOLLOW_UPS.c.claim_id == claim_id)
        return list(self._session.execute(query.order_by(FOLLOW_UPS.c.id)).mappings())

    def by_reference(self, channel: str, reference: str) -> RowMapping | None:
        query = select(FOLLOW_UPS).where(
            FOLLOW_UPS.c.channel == channel, FOLLOW_UPS.c.reference == reference
        )
        return self._session.execute(query).mappings().first()
