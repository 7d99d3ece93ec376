"""Which schema revision a database is at, in one query, without loading the migration tool.

Every command but ``init`` checks this before it runs: loading Alembic and walking its scripts
on each call cost most of a command's start-up. ``SCHEMA_HEAD`` is the newest migration's
revision; a test holds it equal to what the migration scripts say.
"""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

SCHEMA_HEAD = "0033"


def schema_revision(engine: Engine) -> str | None:
    """The revision recorded in ``alembic_version``; ``None`` for a database with no schema."""
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    except SQLAlchemyError:
        # No alembic_version table: nothing was ever migrated into this database.
        return None
    return None if found is None else str(found[0])
