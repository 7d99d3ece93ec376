"""``claimdesk gfe``: good-faith estimates for uninsured and self-pay patients (45 CFR 149.610)."""

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
    fail,
    ready,
    settings_of,
)
from claimdesk.desk.guard import ForbiddenError, NotFoundError
from claimdesk.domain.good_faith import GoodFaithError
from claimdesk.services.users import UserError

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
        desk = parts.statement_desk()
        try:
            made = desk.make_gfe(desk.actor_named(acting_user_id(ctx)), encounter)
        except (UserError, ForbiddenError) as exc:
            raise fail(f"gfe make: {exc}") from exc
        except GoodFaithError as exc:
            raise fail(f"gfe make: {exc}", EXIT_INPUT_PROBLEMS) from exc
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
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        desk = parts.statement_desk()
        try:
            actor = desk.actor_named(acting_user_id(ctx))
            found = desk.gfe(actor, gfe_id)
            data = desk.gfe_pdf(actor, gfe_id) if pdf is not None else b""
        except (UserError, ForbiddenError) as exc:
            raise fail(f"gfe show: {exc}") from exc
        except NotFoundError as exc:
            raise fail(f"gfe show: {exc}", EXIT_INPUT_PROBLEMS) from exc
        except OSError as exc:
            raise fail(f"gfe show: the PDF: {exc.strerror or exc}") from exc
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
        desk = parts.statement_desk()
        try:
            done = desk.review_gfes(desk.actor_named(acting_user_id(ctx)))
        except (UserError, ForbiddenError) as exc:
            raise fail(f"gfe review: {exc}") from exc
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
        desk = parts.statement_desk()
        try:
            status = desk.resolve_gfe(desk.actor_named(acting_user_id(ctx)), gfe_id, note)
        except (UserError, ForbiddenError) as exc:
            raise fail(f"gfe resolve: {exc}") from exc
        except GoodFaithError as exc:
            raise fail(f"gfe resolve: {exc}", EXIT_INPUT_PROBLEMS) from exc
    console.print(f"{gfe_id}: {status}", highlight=False)
