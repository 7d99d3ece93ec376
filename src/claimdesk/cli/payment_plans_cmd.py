"""``claimdesk plans add|list|show``: patients' payment plans (the ``plans`` group also holds
``plans import``, the plan/tier directory)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from claimdesk.bootstrap import composed
from claimdesk.cli.app import (
    EXIT_INPUT_PROBLEMS,
    JsonOption,
    console,
    day_of,
    emit_json,
    fail,
    ready,
    settings_of,
)
from claimdesk.cli.estimate_cmd import plans_app
from claimdesk.cli.jobs import as_actor
from claimdesk.domain.money import MoneyError, parse_dollars
from claimdesk.domain.payment_plans import Standing


def _print(found: Standing) -> None:
    plan = found.plan
    console.print(
        f"payment plan {plan.plan_id} of account {plan.account}: {plan.installments} "
        f"installment(s) of {plan.amount} every {plan.every_days} days for {plan.total}; "
        f"paid {found.paid}; {found.status.value}",
        highlight=False,
    )
    missed = {i.number for i in found.missed}
    table = Table()
    for column in ("#", "due", "amount", ""):
        table.add_column(column)
    for i in plan.schedule():
        state = "missed" if i.number in missed else ("paid" if found.paid >= i.due_to_date else "")
        table.add_row(str(i.number), i.due.isoformat(), str(i.amount), state)
    console.print(table)


@plans_app.command("add")
def add_command(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="The guarantor's (or patient's) account.")],
    amount: Annotated[str, typer.Option("--amount", help="Dollars per installment, e.g. 50.00.")],
    first: Annotated[str, typer.Option("--first", help="The first due date (YYYY-MM-DD).")],
    every: Annotated[int, typer.Option("--every", help="Days between installments.")] = 30,
    installments: Annotated[
        int | None,
        typer.Option("--installments", help="How many (default: as many as the balance needs)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Put the account's whole patient balance on a payment plan."""
    try:
        money = parse_dollars(amount)
    except MoneyError as exc:
        raise fail(f"plans add: --amount: {exc}", EXIT_INPUT_PROBLEMS) from exc
    first_due = day_of(first, "--first")
    if first_due is None:
        raise fail("plans add: --first is required", EXIT_INPUT_PROBLEMS)
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        found = as_actor(
            ctx,
            parts.statement_desk,
            "plans add",
            lambda desk, actor: desk.add_plan(
                actor,
                account,
                amount=money,
                every_days=every,
                first_due=first_due,
                installments=installments,
            ),
        )
    if as_json:
        emit_json(found.as_dict())
    else:
        _print(found)


@plans_app.command("list")
def list_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every payment plan and where it stands today."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        found = as_actor(
            ctx, parts.statement_desk, "plans list", lambda desk, actor: desk.plans(actor)
        )
    if as_json:
        emit_json({"plans": [s.as_dict() for s in found]})
        return
    table = Table(title="payment plans")
    for column in ("plan", "account", "total", "paid", "status", "next due", "next amount"):
        table.add_column(column)
    for s in found:
        upcoming = s.next_installment
        table.add_row(
            s.plan.plan_id,
            s.plan.account,
            str(s.plan.total),
            str(s.paid),
            s.status.value,
            "" if upcoming is None else upcoming.due.isoformat(),
            str(s.next_amount),
        )
    console.print(table)


@plans_app.command("show")
def show_command(
    ctx: typer.Context,
    plan_id: Annotated[str, typer.Argument(help="The plan's id (PP00001).")],
    as_json: JsonOption = False,
) -> None:
    """One payment plan: its schedule, what is paid and missed, and what is due next."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        found = as_actor(
            ctx, parts.statement_desk, "plans show", lambda desk, actor: desk.plan(actor, plan_id)
        )
    if as_json:
        emit_json(found.as_dict())
    else:
        _print(found)
