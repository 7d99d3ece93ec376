"""``claimdesk import``: a practice bundle into the database, all or nothing."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from claimdesk.cli.app import (
    EXIT_INPUT_PROBLEMS,
    JsonOption,
    app,
    console,
    emit_json,
    err_console,
    fail,
    ready,
    settings_of,
)
from claimdesk.services.import_bundle import BundleImportError
from claimdesk.services.import_folder import import_folder


@app.command("import")
def import_(
    ctx: typer.Context,
    bundle_dir: Annotated[
        Path, typer.Argument(help="Folder of bundle CSV files (docs/bundle.md).")
    ],
    as_json: JsonOption = False,
) -> None:
    """Import a practice bundle. Any bad row imports nothing; importing twice changes nothing."""
    if not bundle_dir.is_dir():
        raise fail(f"{bundle_dir} is not a folder")
    settings = settings_of(ctx)
    ready(settings)
    try:
        outcome = import_folder(settings, bundle_dir, user=getpass.getuser(), now=datetime.now(UTC))
    except BundleImportError as exc:
        raise fail(f"{bundle_dir}: {exc}; nothing was imported", EXIT_INPUT_PROBLEMS) from exc
    if outcome.report is None:
        if as_json:
            emit_json(
                {
                    "imported": False,
                    "errors": [
                        {"file": e.file, "row": e.row, "column": e.column, "reason": e.reason}
                        for e in outcome.errors
                    ],
                }
            )
        else:
            for error in outcome.errors:
                err_console.print(str(error), markup=False, highlight=False)
            err_console.print(
                f"[red]{len(outcome.errors)} problem(s) in {bundle_dir}; nothing was imported[/red]"
            )
        raise typer.Exit(EXIT_INPUT_PROBLEMS)
    report = outcome.report
    if as_json:
        emit_json({"imported": True, **report.as_dict()})
        return
    table = Table(title=f"import {report.import_id}")
    for column in ("entity", "inserted", "updated", "unchanged"):
        table.add_column(column, justify="left" if column == "entity" else "right")
    for entity, counts in report.counts.items():
        table.add_row(entity, str(counts.inserted), str(counts.updated), str(counts.unchanged))
    console.print(table)
    console.print(
        f"claims created {report.claims_created}, ledger entries posted "
        f"{report.ledger_entries_posted}, record changes audited {report.changes_recorded}"
    )
    changed = report.practice_settings_changed
    if changed:
        console.print(
            f"practice settings changed (each audited): {', '.join(changed)}", highlight=False
        )
    if report.unchanged:
        console.print("nothing changed: this bundle was already imported")
