"""Alembic environment: runs on the connection handed over by claimdesk.store.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from claimdesk.store.engine import make_engine
from claimdesk.store.tables.base import Base  # the package registers every table on Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("claimdesk migrations run against a live database only")
run_migrations_online()
