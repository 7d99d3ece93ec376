"""``claimdesk init``: create or migrate the database and the inbox/outbox/archive folders."""

from __future__ import annotations

import typer
from sqlalchemy.exc import SQLAlchemyError

from claimdesk.cli.app import JsonOption, app, console, emit_json, fail, settings_of
from claimdesk.services.setup import set_up


@app.command("init")
def init(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Create or migrate the database and the data folders (safe to run again)."""
    try:
        report = set_up(settings_of(ctx))
    except (OSError, SQLAlchemyError) as exc:
        raise fail(f"cannot set up the data home: {exc}") from exc
    if as_json:
        emit_json(
            {
                "home": report.home,
                "created_folders": list(report.created_folders),
                "database": report.database,
                "revision_before": report.revision_before,
                "revision_after": report.revision_after,
                "migrated": report.migrated,
            }
        )
        return
    for folder in report.created_folders:
        console.print(f"created {folder}")
    if report.migrated:
        console.print(
            f"database {report.database} migrated from {report.revision_before or 'empty'} "
            f"to {report.revision_after}"
        )
    else:
        console.print(f"database {report.database} is up to date ({report.revision_after})")
