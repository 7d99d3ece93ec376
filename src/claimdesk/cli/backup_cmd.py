"""``claimdesk backup|restore``: the books and the files of the home, out to one archive and
back (see services/backup.py and the README's "Back up and restore")."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from claimdesk.bootstrap import composed
from claimdesk.cli.app import (
    EXIT_INPUT_PROBLEMS,
    acting_user_id,
    app,
    console,
    fail,
    ready,
    settings_of,
)
from claimdesk.desk.guard import ForbiddenError
from claimdesk.services.backup import RestoreError, backup, restore
from claimdesk.services.users import UserError


@app.command("backup")
def backup_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="The archive to write (.tar.gz); must not exist.")],
) -> None:
    """Copy a practice's books and files into one archive (not the second-factor key)."""
    # As an admin (--as); the copy is audited, and its own audit row is in the next backup.
    settings = settings_of(ctx)
    ready(settings)
    if out.exists():
        raise fail(f"{out}: exists; name a new file")
    with composed(settings) as parts:
        desk = parts.desk()
        try:
            report = desk.back_up(
                desk.actor_named(acting_user_id(ctx)),
                lambda: backup(settings, out, now=datetime.now(UTC)),
                lambda made: f"{sum(made.rows.values())} rows, {made.files} files to {out.name}",
            )
        except (UserError, ForbiddenError) as error:
            raise fail(f"backup: {error}", EXIT_INPUT_PROBLEMS) from error
    console.print(
        f"backup {report.archive}: {sum(report.rows.values())} rows in {len(report.rows)} "
        f"tables, {report.files} files (keep the key file {settings.totp_key_file} apart)",
        highlight=False,
    )


@app.command("restore")
def restore_command(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="An archive 'claimdesk backup' wrote.")],
) -> None:
    """Restore a backup into an empty database and the home's folders."""
    settings = settings_of(ctx)
    try:
        report = restore(settings, source)
    except RestoreError as error:
        raise fail(f"restore: {error}", EXIT_INPUT_PROBLEMS) from error
    with composed(settings) as parts:
        parts.desk(sealing=False).restored(
            acting_user_id(ctx),
            f"{sum(report.rows.values())} rows, {report.files} files from {source.name}",
        )
    console.print(
        f"restored {sum(report.rows.values())} rows and {report.files} files from {source}",
        highlight=False,
    )
