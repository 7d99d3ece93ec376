"""The shape most reference and party repositories share: one table, one domain type, natural
keys."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from sqlalchemy import (
    ColumnElement,
    Table,
    select,
)
from sqlalchemy.orm import Session

from claimdesk.store import rows
from claimdesk.store.repositories.sql import insert_rows
from claimdesk.store.tables.base import Base, table_of

T = TypeVar("T")


class KeyedRepository(Generic[T]):
    """Rows of one table with the domain type ``T``, where ``where`` picks one by natural key."""

    def __init__(
        self,
        session: Session,
        model: type[Base],
        to_row: Callable[[T], rows.Row],
        of: Callable[[rows.RowIn], T],
        order_by: Sequence[str],
    ) -> None:
        self._session = session
        self._model = model
        self._table: Table = table_of(model)
        self._to_row = to_row
        self._of = of
        self._order_by = [self._table.c[name] for name in order_by]

    def _one(self, where: ColumnElement[bool]) -> T | None:
        found = self._session.execute(select(self._table).where(where)).mappings().first()
        return None if found is None else self._of(found)

    def _many(self, where: ColumnElement[bool] | None = None) -> builtins.list[T]:
        query = select(self._table).order_by(*self._order_by)
        if where is not None:
            query = query.where(where)
        return [self._of(row) for row in self._session.execute(query).mappings()]

    def add(self, item: T) -> None:
        insert_rows(self._session, self._model, [self._to_row(item)])

    def list(self) -> builtins.list[T]:
        return self._many()
