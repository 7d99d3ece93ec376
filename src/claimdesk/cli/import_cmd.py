"""``claimdesk import``: a practice bundle into the database, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from claimdesk.bootstrap import composed
from claimdesk.cli.app import (
    EXIT_INPUT_PROBLEMS,
    JsonOption,
    acting_user_id,
    app,
    console,
    emit_json,
    err_console,
    fail,
    ready,
    settings_of,
)
from claimdesk.cli.jobs import as_job
from claimdesk.services.import_bundle import BundleImportError, ImportReport
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
    with composed(settings) as parts:
        user = acting_user_id(ctx)
        try:
            outcome = as_job(
                ctx,
                parts,
                "import",
                lambda: import_folder(settings, bundle_dir, user=user, now=parts.clock()),
                lambda done: (
                    f"bundle {bundle_dir.name}: "
                    + (
                        "imported"
                        if done.report
                        else f"{len(done.errors)} problem(s), nothing imported"
                    )
                ),
            )
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
    print_import(outcome.report, as_json, title="import", rows="entity", source="bundle")


def print_import(
    report: ImportReport, as_json: bool, *, title: str, rows: str, source: str
) -> None:
    """An import's report: counts per kind of record, claims and entries, settings changed."""
    if as_json:
        emit_json({"imported": True, **report.as_dict()})
        return
    table = Table(title=f"{title} {report.import_id}")
    for column in (rows, "inserted", "updated", "unchanged"):
        table.add_column(column, justify="left" if column == rows else "right")
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
        console.print(f"nothing changed: this {source} was already imported")
