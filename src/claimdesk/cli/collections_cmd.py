"""``claimdesk collections``: propose unpaid accounts, decide them, export them to the agency."""

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
    emit_json,
    ready,
    settings_of,
)
from claimdesk.cli.jobs import as_actor

collections_app = typer.Typer(
    help="Collections: propose unpaid accounts, decide them, export them to the agency.",
    no_args_is_help=True,
)
app.add_typer(collections_app, name="collections")


@collections_app.command("review")
def review_command(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List the candidates; propose nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Propose every account due for collections once, as a Tier 3 approval item."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        done = as_actor(
            ctx,
            parts.statement_desk,
            "collections review",
            lambda desk, actor: desk.review_collections(actor, dry_run=dry_run),
        )
    if as_json:
        emit_json(done.as_dict())
        return
    title = f"collections candidates of {done.day}" + (" (dry run)" if dry_run else "")
    table = Table(title=title)
    for column in ("account", "balance", "unpaid since", "statements", "last statement"):
        table.add_column(column)
    for c in done.candidates:
        last = c.last_statement.isoformat() if c.last_statement else ""
        table.add_row(c.account, str(c.balance), str(c.oldest_since), str(c.statements), last)
    console.print(table)
    if not dry_run:
        opened = ", ".join(str(r) for r in done.proposed) or "none"
        console.print(f"referrals opened: {opened}", highlight=False)


@collections_app.command("decide")
def decide_command(
    ctx: typer.Context,
    referral: Annotated[int, typer.Argument(help="The referral's number.")],
    approve: Annotated[
        bool, typer.Option("--approve/--reject", help="Send the account to the agency, or not.")
    ],
) -> None:
    """Approve or reject a referral another manager proposed."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        status = as_actor(
            ctx,
            parts.statement_desk,
            "collections decide",
            lambda desk, actor: desk.decide_collections(actor, referral, approve=approve),
        )
    console.print(f"referral {referral}: {status}", highlight=False)


@collections_app.command("export")
def export_command(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the agency's CSV to this file.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Export the approved accounts to the agency's CSV and write their balance off as bad
    debt; their statements stop."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        done = as_actor(
            ctx,
            parts.statement_desk,
            "collections export",
            lambda desk, actor: desk.export_collections(actor, out),
        )
    if as_json:
        emit_json(done.as_dict())
        return
    if not done.referrals:
        console.print("no approved referral to export; nothing changed")
        return
    console.print(
        f"{len(done.referrals)} account(s) exported, {done.written_off} written off as bad debt; "
        f"file {settings.archive / done.file}",
        highlight=False,
    )


@collections_app.command("list")
def list_command(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option("--status", help="proposed, approved, rejected or exported."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The collections referrals and where each stands."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        found = as_actor(
            ctx,
            parts.statement_desk,
            "collections list",
            lambda desk, actor: desk.collection_referrals(actor, status),
        )
    if as_json:
        emit_json({"referrals": found})
        return
    table = Table(title="collections referrals")
    for column in ("referral", "account", "balance", "status", "proposed by", "decided by"):
        table.add_column(column)
    for r in found:
        table.add_row(
            r["referral_id"],
            r["account"],
            r["balance"],
            r["status"],
            r["proposed_by"],
            r["decided_by"] or "",
        )
    console.print(table)
