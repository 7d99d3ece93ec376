"""``claimdesk audit verify``: check that the audit log's hash chain is intact."""

from __future__ import annotations

import typer

from claimdesk.audit.log import verify
from claimdesk.cli.app import (
    EXIT_INPUT_PROBLEMS,
    JsonOption,
    app,
    console,
    emit_json,
    fail,
    ready,
    settings_of,
)
from claimdesk.services.database import units_of_work

audit_app = typer.Typer(
    help="The audit log of patient-data views and changes.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Re-compute every record's hash; exit 1 naming the first record that was changed."""
    settings = settings_of(ctx)
    ready(settings)
    with units_of_work(settings) as uow_factory:
        result = verify(uow_factory)
    if as_json:
        emit_json(
            {
                "records": result.records,
                "intact": result.intact,
                "broken_record": None if result.broken is None else result.broken.record_id,
                "reason": None if result.broken is None else result.broken.reason,
            }
        )
        if not result.intact:
            raise typer.Exit(EXIT_INPUT_PROBLEMS)
        return
    if result.broken is not None:
        raise fail(
            f"audit log record {result.broken.record_id}: {result.broken.reason} "
            f"({result.records} records before it are intact)",
            EXIT_INPUT_PROBLEMS,
        )
    console.print(f"audit log intact: {result.records} records")
