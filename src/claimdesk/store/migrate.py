"""Run the packaged Alembic migrations from code: no alembic.ini on the user's disk."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Engine

from claimdesk.store.engine import make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; ``None`` for a database never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(
    engine_or_url: Engine | str | URL, revision: str = "head"
) -> tuple[str | None, str]:
    """Create or migrate the schema to the newest revision (or to ``revision``, for a test of
    one migration's data); returns (before, after)."""
    engine = engine_or_url if isinstance(engine_or_url, Engine) else make_engine(engine_or_url)
    try:
        before = current_revision(engine)
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        after = current_revision(engine)
        if after is None:
            raise RuntimeError("the database has no schema revision after migrating")
        return before, after
    finally:
        if engine is not engine_or_url:
            engine.dispose()
