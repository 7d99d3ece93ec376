"""``claimdesk statements``: run patient statements, list and show them, hold an account."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from claimdesk.bootstrap import composed
from claimdesk.cli.app import (
    JsonOption,
    app,
    console,
    day_of,
    emit_json,
    ready,
    settings_of,
)
from claimdesk.cli.jobs import as_actor
from claimdesk.desk.guard import Actor
from claimdesk.desk.statements import StatementDesk
from claimdesk.domain.statements import HoldReason
from claimdesk.services.statements import StoredStatement

statements_app = typer.Typer(
    help="Patient statements: run them, list and show them, hold an account's.",
    no_args_is_help=True,
)
app.add_typer(statements_app, name="statements")


@statements_app.command("run")
def run_command(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say who would get a statement; keep nothing.")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The statement date (default: today).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Run the statements of a day: who gets one, who is skipped and why; a second run on
    the same day changes nothing."""
    day = day_of(as_of, "--as-of")
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        done = as_actor(
            ctx,
            parts.statement_desk,
            "statements run",
            lambda desk, actor: desk.run_statements(actor, day, dry_run=dry_run),
        )
    if as_json:
        emit_json(done.as_dict())
        return
    if done.already_run:
        console.print(f"statements of {done.run_date} were already run; nothing changed")
    title = f"statements of {done.run_date}" + (" (dry run: nothing kept)" if dry_run else "")
    table = Table(title=title)
    for column in ("statement", "account", "balance", "message"):
        table.add_column(column)
    for sent in done.sent:
        table.add_row(sent["statement_id"], sent["account"], sent["balance"], sent["dunning_level"])
    console.print(table)
    if done.skipped:
        skipped = Table(title="skipped")
        for column in ("account", "balance", "reason"):
            skipped.add_column(column)
        for row in done.skipped:
            skipped.add_row(row["account"], row["balance"], row["reason"])
        console.print(skipped)
    console.print(
        f"{len(done.sent)} statement(s) for {done.total}; {len(done.skipped)} skipped",
        highlight=False,
    )
    if not dry_run:
        console.print(f"batch PDF: {settings.archive / done.batch_file}", highlight=False)
    if done.opened:
        opened = ", ".join(str(i) for i in done.opened)
        console.print(f"missed plan installments: item(s) {opened} opened", highlight=False)


@statements_app.command("list")
def list_command(
    ctx: typer.Context,
    account: Annotated[str | None, typer.Option("--account", help="One account's only.")] = None,
    as_json: JsonOption = False,
) -> None:
    """The statements kept, newest first."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        found = as_actor(
            ctx,
            parts.statement_desk,
            "statements list",
            lambda desk, actor: desk.statements(actor, account),
        )
    if as_json:
        emit_json({"statements": [s.as_dict() for s in found]})
        return
    table = Table(title="statements")
    for column in ("statement", "date", "account", "balance", "message"):
        table.add_column(column)
    for s in found:
        table.add_row(
            s.statement_id, str(s.statement_date), s.account, str(s.balance), s.dunning_level
        )
    console.print(table)


@statements_app.command("show")
def show_command(
    ctx: typer.Context,
    statement_id: Annotated[str, typer.Argument(help="The statement's id.")],
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Also write its PDF to this file.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """One statement: every visit, what the patient owes and why, the balance and message."""

    def read(desk: StatementDesk, actor: Actor) -> tuple[StoredStatement, bytes]:
        found = desk.statement(actor, statement_id)
        return found, desk.statement_pdf(actor, statement_id) if pdf is not None else b""

    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        found, data = as_actor(ctx, parts.statement_desk, "statements show", read)
    if pdf is not None:
        pdf.write_bytes(data)
    if as_json:
        emit_json(found.data)
        return
    s = found.data
    console.print(
        f"statement {s['statement_id']} of {s['statement_date']} to {s['to']['name']} "
        f"(account {s['account']}), due {s['due_date']}",
        highlight=False,
    )
    table = Table()
    for column in ("date", "patient", "provider", "services", "charge", "ins. paid"):
        table.add_column(column)
    for column in ("ins. adj.", "owes (why)", "paid", "balance"):
        table.add_column(column)
    for v in s["visits"]:
        why = ", ".join(f"{k} {m}" for k, m in v["patient_owes"].items())
        table.add_row(
            v["date_of_service"],
            v["patient_name"],
            v["provider"],
            " ".join(v["services"]),
            v["charge"],
            v["insurance_paid"],
            v["insurance_adjusted"],
            f"{v['patient_owes_total']} ({why})",
            v["payments"],
            v["balance"],
        )
    console.print(table)
    console.print(f"balance due {s['balance']}: {s['message']}", highlight=False)
    if pdf is not None:
        console.print(f"PDF written to {pdf}", highlight=False)


@statements_app.command("hold")
def hold_command(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="The guarantor's (or patient's) account.")],
    reason: Annotated[HoldReason, typer.Option("--reason", help="Why no statement goes out.")],
    note: Annotated[str, typer.Option("--note", help="What was said, for the next person.")] = "",
) -> None:
    """Hold an account's statements (a dispute, a bankruptcy) until released."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        done = as_actor(
            ctx,
            parts.statement_desk,
            "statements hold",
            lambda desk, actor: desk.hold_statements(actor, account, reason, note),
        )
    said = "held" if done else "was already held; nothing changed"
    console.print(f"account {account}: {reason.value} {said}", highlight=False)


@statements_app.command("release")
def release_command(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="The account on hold.")],
) -> None:
    """Release every hold on an account: its statements go out again."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        done = as_actor(
            ctx,
            parts.statement_desk,
            "statements release",
            lambda desk, actor: desk.release_statements(actor, account),
        )
    console.print(f"account {account}: {done} hold(s) released", highlight=False)
