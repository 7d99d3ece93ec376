"""SQL helpers the repositories share: key lists in engine-sized chunks and bulk inserts."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    any_,
    bindparam,
)
from sqlalchemy.orm import Session

from claimdesk.store import rows
from claimdesk.store.bulk import bulk_insert
from claimdesk.store.tables.base import Base, table_of

# Keeps IN lists below every engine's bound-parameter limit (SQLite's default is 32766).
IN_CHUNK = 900


# PostgreSQL takes a whole list as one array parameter (= ANY), so it needs far fewer chunks.
ARRAY_CHUNK = 50_000


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def key_chunks(session: Session, values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    """``values`` in chunks for :func:`among`: large ones on PostgreSQL, IN-list sized ones
    elsewhere."""
    postgres = session.get_bind().dialect.name == "postgresql"
    return chunks(values, ARRAY_CHUNK if postgres else IN_CHUNK)


def among(
    session: Session, column: ColumnElement[Any], chunk: Sequence[Any]
) -> ColumnElement[bool]:
    """``column IN chunk``. On PostgreSQL ``column = ANY(array)``: one bound parameter instead
    of one per value, so a 20,000-claim lookup is one short statement, not 23 long ones."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(chunk), type_=ARRAY(column.type)))
    return column.in_(chunk)


def insert_rows(session: Session, model: type[Base], values: builtins.list[rows.Row]) -> None:
    """Insert all ``values`` at once: COPY on PostgreSQL, an executemany INSERT on SQLite (Core
    either way, so no per-object ORM overhead); see :mod:`claimdesk.store.bulk`."""
    bulk_insert(session, table_of(model), values)
