"""The migrations build exactly the mapped schema, and ``claimdesk init`` is idempotent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from typer import _click as click
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.cli.commands import COMMANDS
from claimdesk.config import Settings
from claimdesk.services.setup import HomeError, open_home, set_up
from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    upgrade_to_head,
)
from claimdesk.store.schema_version import SCHEMA_HEAD
from claimdesk.store.tables.base import Base


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


def test_the_schema_head_the_commands_check_is_the_newest_migration() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_a_command_on_a_current_database_does_not_migrate(
    tmp_path: Path, database_url: str
) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    notes: list[str] = []
    open_home(settings, notes.append)
    assert len(notes) == 1
    assert "was empty: migrated to" in notes[0]
    open_home(settings, notes.append)
    assert len(notes) == 1  # current: one query, nothing said, nothing migrated


def test_a_command_on_a_database_behind_migrates_and_says_so(
    tmp_path: Path, database_url: str
) -> None:
    engine = make_engine(database_url)
    try:
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0005")
    finally:
        engine.dispose()
    notes: list[str] = []
    open_home(Settings(home=tmp_path / "home", database_url=database_url), notes.append)
    assert notes == [notes[0]]
    assert f"at schema 0005: migrated to {SCHEMA_HEAD}" in notes[0]


def test_a_database_newer_than_the_program_is_refused(tmp_path: Path, database_url: str) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        engine.dispose()
    with pytest.raises(HomeError, match="at schema revision 9999, newer than this claimdesk"):
        open_home(settings, lambda _note: None)


def test_help_loads_no_command_and_every_summary_is_the_commands_own(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from claimdesk.cli import app\n"
        "result = CliRunner().invoke(app, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'claimdesk.cli.')"
        " ) and m not in ('claimdesk.cli.app', 'claimdesk.cli.commands'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
    group = typer.main.get_command(app)
    context = click.Context(group)
    for name, entry in COMMANDS.items():
        command = group.get_command(context, name)
        assert command is not None, name
        own = " ".join((command.help or "").split("\n\n")[0].split())
        assert entry.summary == own, name
