"""A logical copy of every table, read and written through SQLAlchemy, for backup and restore.

The same code serves SQLite and PostgreSQL (and moves a practice from one to the other): each
row becomes one JSON line whose values carry their type (dates, times, decimals, bytes), so a
restored row equals the stored one exactly, money to the cent.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, Integer, delete, func, insert, select, text

from claimdesk.store import tables  # noqa: F401  (registers every table on Base.metadata)
from claimdesk.store.repositories.practice import PRACTICE_ID_KEY
from claimdesk.store.tables.base import Base

BATCH = 1000


class RestoreError(ValueError):
    """A copy that cannot be restored here; the message says which table and why."""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, bytes | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        [(tag, raw)] = value.items()
        if tag == "$datetime":
            return datetime.fromisoformat(raw)
        if tag == "$date":
            return date.fromisoformat(raw)
        if tag == "$decimal":
            return Decimal(raw)
        if tag == "$bytes":
            return base64.b64decode(raw)
    return value


def table_names() -> list[str]:
    """Every table, parents before the children whose foreign keys point at them."""
    return [table.name for table in Base.metadata.sorted_tables]


def export_rows(connection: Connection, name: str) -> Iterator[str]:
    """The table's rows as JSON lines, in primary-key order."""
    table = Base.metadata.tables[name]
    query = select(table).order_by(*table.primary_key.columns)
    for row in connection.execute(query).mappings():
        yield json.dumps({key: _plain(value) for key, value in row.items()}, sort_keys=True)


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: connection.execute(
                select(func.count()).select_from(Base.metadata.tables[name])
            ).scalar_one()
            for name in table_names()
        }


def forget_practice_id(connection: Connection) -> None:
    """Remove the store's record of which practice it is: a restore brings the backup's."""
    table = Base.metadata.tables["practice_settings"]
    connection.execute(delete(table).where(table.c.key == PRACTICE_ID_KEY))


def row_counts_but_practice_id(engine: Engine) -> dict[str, int]:
    """:func:`row_counts`, not counting the store's record of which practice it is (a client
    practice's new store holds that and nothing else)."""
    counts = row_counts(engine)
    table = Base.metadata.tables["practice_settings"]
    with engine.connect() as connection:
        recorded = connection.execute(
            select(func.count()).select_from(table).where(table.c.key == PRACTICE_ID_KEY)
        ).scalar_one()
    counts["practice_settings"] -= recorded
    return counts


def import_rows(connection: Connection, name: str, lines: Iterator[str]) -> int:
    """Insert the table's rows from JSON lines; the number inserted."""
    table = Base.metadata.tables[name]
    count = 0
    batch: list[Mapping[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        try:
            batch.append({key: _typed(value) for key, value in json.loads(line).items()})
        except ValueError as error:
            raise RestoreError(f"table {name} row {number}: not a stored row ({error})") from error
        if len(batch) == BATCH:
            connection.execute(insert(table), batch)
            count, batch = count + len(batch), []
    if batch:
        connection.execute(insert(table), batch)
        count += len(batch)
    return count


def reset_sequences(connection: Connection) -> None:
    """On PostgreSQL, move each serial column's sequence past the restored ids, so the next
    row numbered by the database does not collide with a restored one."""
    if connection.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                connection.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence(:table, :column), "
                        f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                    ),
                    {"table": table.name, "column": column.name},
                )
