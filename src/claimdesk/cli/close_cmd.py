"""``claimdesk close``, ``reopen``, ``periods``, ``pack`` and ``invoice``: the month-end close."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.measure import Measurement
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
from claimdesk.desk.close import CloseDesk
from claimdesk.desk.guard import Actor, ForbiddenError
from claimdesk.domain.month_end import ROLL_FORWARD_COLUMNS, MonthEnd
from claimdesk.domain.periods import Month
from claimdesk.services.close import CloseOutcome, PeriodError, roll_forward_json
from claimdesk.services.invoice import FeeModelError
from claimdesk.services.users import UserError

MonthArgument = Annotated[str, typer.Argument(help="The month, as YYYY-MM.")]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Folder for the CSV files and the PDF (default: outbox/close)."),
]


@contextmanager
def _close_desk(ctx: typer.Context, command: str) -> Iterator[tuple[CloseDesk, Actor]]:
    """The desk and the acting person; a refusal stops the command (exit 2) with its reason."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        desk = parts.close_desk()
        try:
            yield desk, desk.actor_named(acting_user_id(ctx))
        except (UserError, ForbiddenError, PeriodError, FeeModelError) as exc:
            raise fail(f"{command}: {exc}") from exc


def _folder(ctx: typer.Context, out: Path | None) -> Path:
    return out or settings_of(ctx).outbox / "close"


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise fail(str(exc)) from exc


# Wide enough to measure a table's natural width.
UNBOUNDED = 10_000


def roll_forward_table(pack: MonthEnd, width: int) -> Table:
    """One row per payer class when that fits in ``width`` columns; else one row per figure, so
    that no amount is ever cut to fit a narrow terminal (a user's tryout at 80 columns)."""
    title = f"A/R roll-forward {pack.month}"
    wide = Table(title=title)
    for column in ROLL_FORWARD_COLUMNS:
        wide.add_column(column, justify="left" if column == "payer_class" else "right")
    rows = pack.roll_forward_rows()
    for row in rows:
        wide.add_row(*row)
    if Measurement.get(console, console.options.update_width(UNBOUNDED), wide).maximum <= width:
        return wide
    narrow = Table(title=title)
    narrow.add_column(ROLL_FORWARD_COLUMNS[0])
    narrow.add_column("figure")
    narrow.add_column("amount", justify="right")
    for row in rows:
        for number, (figure, amount) in enumerate(
            zip(ROLL_FORWARD_COLUMNS[1:], row[1:], strict=True)
        ):
            narrow.add_row(
                row[0] if number == 0 else "",
                figure,
                amount,
                end_section=figure == ROLL_FORWARD_COLUMNS[-1],
            )
    return narrow


def _print_close(outcome: CloseOutcome) -> None:
    if outcome.pack is not None:
        console.print(roll_forward_table(outcome.pack, console.width))
    if outcome.closed:
        console.print(f"period {outcome.month} closed")
        return
    console.print(
        f"[red]period {outcome.month} not closed[/red]: {len(outcome.findings)} finding(s)"
    )
    for finding in outcome.findings:
        console.print(
            f"{finding.code} {finding.location}: {finding.message}; fix: {finding.fix_hint}",
            highlight=False,
        )


@app.command("close")
def close_command(ctx: typer.Context, month: MonthArgument, as_json: JsonOption = False) -> None:
    """Close a month: no entry may be effective in it afterwards. Refuses, listing each
    finding, while ERAs are unposted, claims half posted or cash unapplied (exit 1)."""
    period = _month(month)
    with _close_desk(ctx, "close") as (desk, actor):
        outcome = desk.close_period(actor, period)
    if as_json:
        emit_json(outcome.as_json())
    else:
        _print_close(outcome)
    if not outcome.closed:
        raise typer.Exit(EXIT_INPUT_PROBLEMS)


@app.command("reopen")
def reopen_command(
    ctx: typer.Context,
    month: MonthArgument,
    reason: Annotated[str, typer.Option("--reason", help="Why the month reopens (audited).")],
) -> None:
    """Reopen the last closed month (an admin, with a reason; audited)."""
    period = _month(month)
    with _close_desk(ctx, "reopen") as (desk, actor):
        desk.reopen_period(actor, period, reason)
    console.print(f"period {period} reopened")


@app.command("periods")
def periods_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The months ever closed: open or closed now, who closed and reopened them, and why."""
    with _close_desk(ctx, "periods") as (desk, actor):
        states = desk.periods(actor)
    rows = [
        {
            "period": str(s.month),
            "status": s.status.value,
            "events": [
                {"action": e.action.value, "at": e.at.isoformat(), "by": e.by, "reason": e.reason}
                for e in s.events
            ],
        }
        for s in states
    ]
    if as_json:
        emit_json({"periods": rows})
        return
    table = Table(title="accounting periods (months not listed are open)")
    for column in ("period", "status", "history"):
        table.add_column(column)
    for row, state in zip(rows, states, strict=True):
        history = "; ".join(
            f"{e.action} {e.at:%Y-%m-%d %H:%M} by {e.by}" + (f" ({e.reason})" if e.reason else "")
            for e in state.events
        )
        table.add_row(str(row["period"]), str(row["status"]), history)
    console.print(table)


@app.command("pack")
def pack_command(
    ctx: typer.Context, month: MonthArgument, out: OutOption = None, as_json: JsonOption = False
) -> None:
    """The month-end pack: day sheets, movements by account and reason, the A/R roll-forward
    per payer class (CSV and PDF). Exit 1 when the roll-forward does not reconcile."""
    period = _month(month)
    with _close_desk(ctx, "pack") as (desk, actor):
        pack, status, files = desk.month_end_pack(actor, period, _folder(ctx, out))
    if as_json:
        emit_json(
            {
                "period": str(period),
                "status": status.value,
                "reconciles": pack.reconciles,
                "roll_forward": roll_forward_json(pack),
                "findings": [f.as_json() for f in pack.findings],
                "files": [str(f) for f in files],
            }
        )
    else:
        console.print(roll_forward_table(pack, console.width))
        console.print(f"period {period} is {status}; files:")
        for path in files:
            console.print(f"  {path}", highlight=False)
        for finding in pack.findings:
            console.print(f"[red]{finding.code}[/red] {finding.message}", highlight=False)
    if not pack.reconciles:
        raise typer.Exit(EXIT_INPUT_PROBLEMS)


@app.command("invoice")
def invoice_command(
    ctx: typer.Context, month: MonthArgument, out: OutOption = None, as_json: JsonOption = False
) -> None:
    """The billing company's invoice for a closed month by the profile's fee model, with the
    collections claim by claim, the month's KPIs and the work done by tier (CSV and PDF)."""
    period = _month(month)
    with _close_desk(ctx, "invoice") as (desk, actor):
        bill, files = desk.invoice(actor, period, _folder(ctx, out))
    if as_json:
        emit_json(
            {
                "period": bill.month,
                "practice": bill.practice,
                "fee": [
                    {"line": x.description, "based_on": x.basis, "amount": str(x.amount)}
                    for x in bill.fee.lines
                ],
                "total": str(bill.fee.total),
                "collections": str(bill.collected),
                "claims_collected": len(bill.collections),
                "claims_submitted": bill.claims_submitted,
                "kpis": dict(bill.kpis),
                "work": [
                    {
                        "tier": w.tier,
                        "outcome": w.outcome,
                        "items": w.items,
                        "resolved": str(w.resolved),
                    }
                    for w in bill.work
                ],
                "files": [str(f) for f in files],
            }
        )
        return
    table = Table(title=f"invoice to {bill.practice} for {bill.month}")
    for column in ("line", "based on", "amount"):
        table.add_column(column)
    for line in bill.fee.lines:
        table.add_row(line.description, line.basis, str(line.amount))
    table.add_row("total", "", str(bill.fee.total))
    console.print(table)
    for path in files:
        console.print(f"  {path}", highlight=False)
