"""``claimdesk summary``: counts, charges by payer and ledger totals."""

from __future__ import annotations

import typer
from rich.table import Table

from claimdesk.cli.app import (
    EXIT_CANNOT_RUN,
    JsonOption,
    app,
    console,
    emit_json,
    ready,
    settings_of,
)
from claimdesk.services.practice_summary import PracticeSummary, summarize


def print_summary(summary: PracticeSummary) -> None:
    counts = ", ".join(f"{name} {count}" for name, count in summary.counts.items())
    console.print(counts)
    payers = Table(title="charges by payer")
    for column in ("payer", "name", "claims", "charges", "open A/R"):
        payers.add_column(
            column, justify="right" if column in {"claims", "charges", "open A/R"} else "left"
        )
    for p in summary.by_payer:
        payers.add_row(p.payer_id, p.name, str(p.claims), str(p.charges), str(p.receivable))
    console.print(payers)
    ledger = Table(title="ledger (trial balance: debits +, credits -)")
    ledger.add_column("account")
    ledger.add_column("balance", justify="right")
    for account, amount in summary.trial_balance.items():
        ledger.add_row(str(account), str(amount))
    console.print(ledger)
    verdict = "[green]balanced[/green]" if summary.balanced else "[red]OUT OF BALANCE[/red]"
    console.print(f"gross charges {summary.gross_charges}; books {verdict}")


@app.command("summary")
def summary(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """What the books hold: counts, charges by payer, and ledger totals that must balance."""
    settings = settings_of(ctx)
    ready(settings)
    result = summarize(settings)
    if as_json:
        emit_json(result.as_dict())
    else:
        print_summary(result)
    if not result.balanced:
        raise typer.Exit(EXIT_CANNOT_RUN)
