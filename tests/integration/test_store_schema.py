"""The migrations build exactly the mapped schema, and ``claimdesk init`` is idempotent."""

from __future__ import annotations

import json
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.config import Settings
from claimdesk.services.setup import set_up
from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import current_revision, head_revision, upgrade_to_head
from claimdesk.store.tables import Base


def test_migrated_schema_matches_the_mappings(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}


def test_upgrade_twice_is_a_no_op(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert upgrade_to_head(engine) == (None, head_revision())
        assert upgrade_to_head(engine) == (head_revision(), head_revision())
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_set_up_creates_folders_once_and_migrates(tmp_path: Path, database_url: str) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    first = set_up(settings)
    assert first.migrated
    assert first.revision_after == head_revision()
    for folder in ("inbox", "outbox", "archive"):
        assert (tmp_path / "home" / folder).is_dir()
    second = set_up(settings)
    assert second.created_folders == ()
    assert not second.migrated


def test_init_command_reports_what_it_did_as_json(tmp_path: Path) -> None:
    runner = CliRunner()
    home = tmp_path / "data"
    first = runner.invoke(app, ["--home", str(home), "init", "--json"], env={})
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert report["migrated"] is True
    assert report["revision_before"] is None
    assert len(report["created_folders"]) == 4
    assert (home / "claimdesk.db").is_file()
    second = json.loads(runner.invoke(app, ["--home", str(home), "init", "--json"]).output)
    assert second["migrated"] is False
    assert second["created_folders"] == []
    assert second["revision_after"] == report["revision_after"]
