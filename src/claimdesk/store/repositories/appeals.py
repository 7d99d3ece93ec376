"""Appeals of denied claims, level by level."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    RowMapping,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from claimdesk.store.tables.appeals import AppealRow
from claimdesk.store.tables.base import table_of

APPEALS = table_of(AppealRow)


class AppealRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _insert(self, table: Table, values: dict[str, Any]) -> int:
        statement = insert(table).values(values).returning(table.c.id)
        new_id: int = self._session.execute(statement).scalar_one()
        return new_id

    def add(self, values: dict[str, Any]) -> int:
        return self._insert(APPEALS, values)

    def get(self, appeal_id: int) -> RowMapping | None:
        query = select(APPEALS).where(APPEALS.c.id == appeal_id)
        return self._session.execute(query).mappings().first()

    def of_claim(self, claim_id: str) -> list[RowMapping]:
        query = select(APPEALS).where(APPEALS.c.claim_id == claim_id).order_by(APPEALS.c.id)
        return list(self._session.execute(query).mappings())

    def update(self, appeal_id: int, values: dict[str, Any]) -> None:
        self._session.execute(update(APPEALS).where(APPEALS.c.id == appeal_id).values(values))
