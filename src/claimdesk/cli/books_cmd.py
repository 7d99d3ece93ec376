"""``claimdesk books verify``: the ledger's invariants, for an auditor, a manager or an admin;
``claimdesk books collection``: net collection over the visits old enough to be paid."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from claimdesk.analytics.served_collection import ServedCollection
from claimdesk.bootstrap import composed
from claimdesk.cli.app import (
    EXIT_INPUT_PROBLEMS,
    JsonOption,
    acting_user_id,
    app,
    console,
    day_of,
    emit_json,
    fail,
    ready,
    settings_of,
)
from claimdesk.desk.guard import ForbiddenError
from claimdesk.domain.books import RULES, BooksReport, Check
from claimdesk.services.kpis import SERVED_AGE_DAYS
from claimdesk.services.users import UserError

books_app = typer.Typer(
    help="The books: check the ledger's invariants as of a date.", no_args_is_help=True
)
app.add_typer(books_app, name="books")


def print_report(report: BooksReport) -> None:
    checks = Table(title=f"books as of {report.as_of}")
    for column in ("code", "rule", "result"):
        checks.add_column(column)
    for check in Check:
        found = report.of(check)
        verdict = "[green]holds[/green]" if not found else f"[red]{len(found)} failure(s)[/red]"
        checks.add_row(check.value, RULES[check], verdict)
    console.print(checks)
    for finding in report.findings:
        behind = ", ".join(finding.claims) or "-"
        console.print(f"{finding.check.value} {finding.message}; claims: {behind}")


@books_app.command("verify")
def verify_command(
    ctx: typer.Context,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day (YYYY-MM-DD); default today.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check every ledger invariant; exit 1 listing each failure with the claims behind it."""
    day = day_of(as_of, "--as-of")
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        desk = parts.desk()
        try:
            report = desk.verify_books(desk.actor_named(acting_user_id(ctx)), day)
        except (UserError, ForbiddenError) as exc:
            raise fail(f"books verify: {exc}") from exc
    if as_json:
        emit_json(report.as_json())
    else:
        print_report(report)
    if not report.holds:
        raise typer.Exit(EXIT_INPUT_PROBLEMS)


def print_collection(found: ServedCollection) -> None:
    rate = "-" if found.rate is None else f"{found.rate * 100:.1f}%"
    console.print(
        f"net collection over the {found.claims} claims of visits served on or before "
        f"{found.served_by} ({found.min_age_days} days before {found.as_of}): {rate}",
        highlight=False,
    )
    table = Table()
    table.add_column("")
    table.add_column("amount", justify="right")
    rows = [
        ("gross charges", found.charges),
        ("less contractual adjustments", -found.contractual),
        ("= what the visits were worth", found.net),
        *((f"written off: {account}", -amount) for account, amount in found.written_off.items()),
        ("still owed by insurance", -found.open_insurance),
        ("still owed by patients", -found.open_patient),
        ("= collected", found.collected),
    ]
    for label, amount in rows:
        table.add_row(label, str(amount))
    console.print(table)


@books_app.command("collection")
def collection_command(
    ctx: typer.Context,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day (YYYY-MM-DD); default today.")
    ] = None,
    age: Annotated[
        int,
        typer.Option("--age", min=0, help="Only visits served at least this many days before."),
    ] = SERVED_AGE_DAYS,
    as_json: JsonOption = False,
) -> None:
    """Net collection over the visits old enough to be paid: what they were worth (charges less
    contractual adjustments), what was written off or is still owed, and what was collected."""
    day = day_of(as_of, "--as-of")
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        desk = parts.desk()
        try:
            found = desk.served_collection(desk.actor_named(acting_user_id(ctx)), day, age)
        except (UserError, ForbiddenError) as exc:
            raise fail(f"books collection: {exc}") from exc
    if as_json:
        emit_json(found.as_dict())
    else:
        print_collection(found)
