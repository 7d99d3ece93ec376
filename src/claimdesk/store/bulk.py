"""Bulk inserts: PostgreSQL's COPY, for the tens of thousands of rows one 835 can post.

A Core executemany sends one INSERT per row to PostgreSQL (psycopg pipelines them, but the server
still parses, plans and runs each one): about 100 µs a row. ``COPY ... FROM STDIN`` streams the
rows in one statement, an order of magnitude faster. SQLite's executemany already runs in C
inside the process, so SQLite keeps it.

The values go through each column type's bind processor first, exactly as an INSERT would send
them (exact decimals, UTC timestamps, JSON), and a column the rows leave out gets its scalar
default, as SQLAlchemy would fill it; a table whose missing column has a computed default is
inserted the ordinary way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Column, Dialect, Table, insert
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any] | None

# Below this many rows an ordinary INSERT costs no more than opening a COPY.
COPY_THRESHOLD = 20


def bulk_insert(session: Session, table: Table, values: Sequence[dict[str, Any]]) -> None:
    """Insert ``values`` (one dict per row, all with the keys of the first) into ``table``."""
    if not values:
        return
    connection = session.connection()
    dialect = connection.dialect
    columns = _copy_columns(table, values[0]) if dialect.name == "postgresql" else None
    if columns is None or len(values) < COPY_THRESHOLD:
        session.execute(insert(table), list(values))
        return
    processors = [_processor(column, dialect) for column, _ in columns]
    preparer = dialect.identifier_preparer
    statement = "COPY {} ({}) FROM STDIN".format(
        preparer.format_table(table), ", ".join(preparer.quote(c.name) for c, _ in columns)
    )
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError(f"COPY into {table.name}: the database connection is closed")
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in values:
            copy.write_row(
                [
                    _bound(row[column.key] if default is _ABSENT else default, processor)
                    for (column, default), processor in zip(columns, processors, strict=True)
                ]
            )


_ABSENT = object()


def _copy_columns(table: Table, first: dict[str, Any]) -> list[tuple[Column[Any], Any]] | None:
    """The columns to copy with, for each, the default to send when the rows leave it out
    (``_ABSENT``: the rows give it); None when a left-out column's default is computed."""
    chosen: list[tuple[Column[Any], Any]] = []
    for column in table.columns:
        if column.key in first:
            chosen.append((column, _ABSENT))
        elif column.default is not None:
            if not column.default.is_scalar:
                return None
            chosen.append((column, getattr(column.default, "arg", None)))
    return chosen


def _processor(column: Column[Any], dialect: Dialect) -> Processor:
    processor: Processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor


def _bound(value: Any, processor: Processor) -> Any:
    # None goes through too: a JSON column sends it as JSON null, as an INSERT would.
    return value if processor is None else processor(value)
