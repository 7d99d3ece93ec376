"""``claimdesk gfe``: good-faith estimates for uninsured and self-pay patients (45 CFR 149.610)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from claimdesk.bootstrap import composed
from claimdesk.cli.app import (
    JsonOption,
    app,
    console,
    emit_json,
    ready,
    settings_of,
)
from claimdesk.cli.jobs import as_actor
from claimdesk.desk.guard import Actor
from claimdesk.desk.statements import StatementDesk

gfe_app = typer.Typer(
    help="Good-faith estimates for self-pay patients: make, show, check the bill, resolve.",
    no_args_is_help=True,
)
app.add_typer(gfe_app, name="gfe")


@gfe_app.command("make")
def make_command(
    ctx: typer.Context,
    encounter: Annotated[str, typer.Argument(help="The scheduled visit's encounter id.")],
    as_json: JsonOption = False,
) -> None:
    """Make the visit's good-faith estimate (PDF) from its scheduled services and the fee
    schedule's self-pay prices; made once."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        made = as_actor(
            ctx,
            parts.statement_desk,
            "gfe make",
            lambda desk, actor: desk.make_gfe(actor, encounter),
        )
    if as_json:
        emit_json({**made.estimate, "pdf_file": made.pdf_file, "created": made.created})
        return
    said = "made" if made.created else "was already made; nothing changed"
    console.print(
        f"{made.estimate['gfe_id']} {said}: total {made.estimate['total']}; PDF "
        f"{settings.archive / made.pdf_file}",
        highlight=False,
    )


@gfe_app.command("show")
def show_command(
    ctx: typer.Context,
    gfe_id: Annotated[str, typer.Argument(help="The estimate's id (GFE-ENCOUNTER).")],
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Also write its PDF to this file.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """One good-faith estimate: its services and prices, what was billed, where it stands."""

    def read(desk: StatementDesk, actor: Actor) -> tuple[dict[str, Any], bytes]:
        found = desk.gfe(actor, gfe_id)
        return found, desk.gfe_pdf(actor, gfe_id) if pdf is not None else b""

    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        found, data = as_actor(ctx, parts.statement_desk, "gfe show", read)
    if pdf is not None:
        pdf.write_bytes(data)
    if as_json:
        emit_json(found)
        return
    console.print(
        f"{found['gfe_id']} for {found['patient_name']} (account {found['account']}), "
        f"service on {found['scheduled_on']}: {found['status']}",
        highlight=False,
    )
    table = Table()
    for column in ("line", "code", "units", "price", "expected"):
        table.add_column(column)
    for line in found["lines"]:
        table.add_row(
            str(line["line_number"]), line["code"], line["units"], line["price"], line["amount"]
        )
    console.print(table)
    billed = f"; billed {found['billed']}" if found["billed"] else ""
    console.print(f"estimate {found['total']}{billed}", highlight=False)


@gfe_app.command("review")
def review_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Check every open estimate against the bill: $400 or more over holds the account."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        done = as_actor(
            ctx, parts.statement_desk, "gfe review", lambda desk, actor: desk.review_gfes(actor)
        )
    if as_json:
        emit_json(done.as_dict())
        return
    for f in done.flagged:
        console.print(
            f"{f['gfe_id']}: billed {f['over']} over; account {f['account']} held (dispute)",
            highlight=False,
        )
    console.print(f"{done.checked} estimate(s) checked, {len(done.flagged)} flagged")


@gfe_app.command("resolve")
def resolve_command(
    ctx: typer.Context,
    gfe_id: Annotated[str, typer.Argument(help="The estimate whose dispute ended.")],
    note: Annotated[str, typer.Option("--note", help="How the dispute ended.")],
) -> None:
    """End an estimate's dispute: the account's dispute hold is released, its item closed."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        status = as_actor(
            ctx,
            parts.statement_desk,
            "gfe resolve",
            lambda desk, actor: desk.resolve_gfe(actor, gfe_id, note),
        )
    console.print(f"{gfe_id}: {status}", highlight=False)
