"""``claimdesk deposits``: bank files and checks in, and the 835s reconciled to them."""

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
    day_of,
    emit_json,
    fail,
    ready,
    settings_of,
)
from claimdesk.desk.guard import ForbiddenError
from claimdesk.domain.money import MoneyError, parse_dollars, total
from claimdesk.posting.bank_files import BankDeposit, BankFileError
from claimdesk.posting.reassociation import Reassociation, Verdict
from claimdesk.services.deposits import DepositError, ReconcileResult
from claimdesk.services.users import UserError

deposits_app = typer.Typer(
    help="Bank deposits: import bank files, enter checks, reconcile them to the 835s.",
    no_args_is_help=True,
)
app.add_typer(deposits_app, name="deposits")


@deposits_app.command("import")
def import_command(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="BAI2 or CSV bank files.")],
    as_json: JsonOption = False,
) -> None:
    """Import bank files (BAI2 or the CSV of docs/deposits.md); a bad file imports nothing."""
    settings = settings_of(ctx)
    ready(settings)
    answers: list[dict[str, object]] = []
    refused = 0
    with composed(settings) as parts:
        desk = parts.deposit_desk()
        try:
            actor = desk.actor_named(acting_user_id(ctx))
        except UserError as exc:
            raise fail(f"deposits import: {exc}") from exc
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise fail(f"{path}: {exc.strerror or exc}") from exc
            try:
                done = desk.import_deposits(actor, path.name, data)
            except ForbiddenError as exc:
                raise fail(f"deposits import: {exc}") from exc
            except BankFileError as exc:
                refused += 1
                answers.append({"file": path.name, "refused": str(exc)})
                continue
            answers.append(
                {
                    "file": done.name,
                    "sha256": done.sha256,
                    "layout": done.layout,
                    "already_imported": done.already_imported,
                    "added": done.added,
                    "total": str(done.total),
                }
            )
    if as_json:
        emit_json({"files": answers})
    else:
        for answer in answers:
            if "refused" in answer:
                console.print(f"[red]refused[/red] {answer['refused']}", highlight=False)
            elif answer["already_imported"]:
                console.print(f"{answer['file']}: already imported; nothing changed")
            else:
                console.print(
                    f"{answer['file']} ({answer['layout']}): {answer['added']} deposit(s) "
                    f"added, {answer['total']} in the file"
                )
    if refused:
        raise typer.Exit(EXIT_INPUT_PROBLEMS)


@deposits_app.command("add")
def add_command(
    ctx: typer.Context,
    on: Annotated[str, typer.Option("--date", help="The deposit date (YYYY-MM-DD).")],
    amount: Annotated[str, typer.Option("--amount", help="Dollars, e.g. 125.00.")],
    payer: Annotated[str, typer.Option("--payer", help="The payer's name (or id).")],
    check: Annotated[str | None, typer.Option("--check", help="The check number.")] = None,
    trace: Annotated[
        str | None, typer.Option("--trace", help="The trace (835 TRN02) if not a check number.")
    ] = None,
    payer_id: Annotated[
        str, typer.Option("--payer-id", help="The payer's id (835 TRN03), when known.")
    ] = "",
    lockbox: Annotated[
        bool, typer.Option("--lockbox", help="A lockbox deposit rather than a check.")
    ] = False,
    account: Annotated[str, typer.Option("--account", help="The bank account.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Enter a paper check or lockbox deposit by hand (entering it twice adds it once)."""
    day = day_of(on, "--date")
    if (check is None) == (trace is None):
        raise fail("deposits add: give exactly one of --check and --trace")
    try:
        money = parse_dollars(amount)
    except MoneyError as exc:
        raise fail(f"deposits add: --amount: {exc}") from exc
    if day is None:
        raise fail("deposits add: --date is required")
    deposit = BankDeposit(
        record="entered by hand",
        bank_account=account,
        deposit_date=day,
        amount=money,
        trace=(check or trace or "").strip(),
        payer_id=payer_id,
        payer_name=payer,
        kind="lockbox" if lockbox else "check",
    )
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        desk = parts.deposit_desk()
        try:
            done = desk.add_deposit(desk.actor_named(acting_user_id(ctx)), deposit)
        except (UserError, ForbiddenError) as exc:
            raise fail(f"deposits add: {exc}") from exc
        except DepositError as exc:
            raise fail(f"deposits add: {exc}", EXIT_INPUT_PROBLEMS) from exc
    if as_json:
        emit_json({"deposit_id": done.deposit_id, "created": done.created})
    else:
        said = "added" if done.created else "was entered before; nothing changed"
        console.print(f"deposit {done.deposit_id} {said}")


def print_reconciliation(found: Reassociation) -> None:
    """Each verdict with its traces and money, the totals, and every exception."""
    table = Table(title=f"deposits reconciled as of {found.as_of}")
    for column in ("verdict", "traces", "ERA money", "deposit money"):
        table.add_column(column)
    for verdict in Verdict:
        groups = found.of(verdict)
        table.add_row(
            verdict.value,
            str(len(groups)),
            str(total(g.era_total for g in groups)),
            str(total(g.deposit_total for g in groups)),
        )
    console.print(table)
    console.print(
        f"matched {found.matched_total}; unmatched ERAs {found.unmatched_era_total}; "
        f"unmatched deposits {found.unmatched_deposit_total}",
        highlight=False,
    )
    for group in found.exceptions:
        console.print(f"{group.verdict.value}: {group.describe()}", highlight=False)


def reconcile_json(result: ReconcileResult) -> dict[str, object]:
    found = result.reassociation
    by_verdict = {
        verdict.value: {
            "count": len(found.of(verdict)),
            "era_total": str(total(g.era_total for g in found.of(verdict))),
            "deposit_total": str(total(g.deposit_total for g in found.of(verdict))),
        }
        for verdict in Verdict
    }
    return {
        "as_of": found.as_of.isoformat(),
        "matched_total": str(found.matched_total),
        "unmatched_era_total": str(found.unmatched_era_total),
        "unmatched_deposit_total": str(found.unmatched_deposit_total),
        "verdicts": by_verdict,
        "exceptions": [
            {
                "verdict": g.verdict.value,
                "trace": g.trace,
                "eras": [e.remittance_id for e in g.eras],
                "deposits": [d.deposit_id for d in g.deposits],
                "era_total": str(g.era_total),
                "deposit_total": str(g.deposit_total),
                "at_stake": str(g.at_stake),
                "problem_key": g.problem_key,
            }
            for g in found.exceptions
        ],
        "work_changed": result.work_changed,
        "items_opened": result.opened,
        "items_solved": result.solved,
    }


@deposits_app.command("reconcile")
def reconcile_command(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="The day (YYYY-MM-DD); default today. A past day only reports."
        ),
    ] = None,
    wait_days: Annotated[
        int | None,
        typer.Option(
            "--wait-days",
            min=0,
            help="Business days an ERA or a deposit waits for the other before it is work "
            "(default: the practice's deposits.wait_days, else 5).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Match every posted 835 to the deposits; each exception opens one Tier 2 work item."""
    day = day_of(as_of, "--as-of")
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        desk = parts.deposit_desk()
        try:
            result = desk.reconcile_deposits(desk.actor_named(acting_user_id(ctx)), day, wait_days)
        except (UserError, ForbiddenError) as exc:
            raise fail(f"deposits reconcile: {exc}") from exc
    if as_json:
        emit_json(reconcile_json(result))
        return
    print_reconciliation(result.reassociation)
    if result.work_changed:
        console.print(f"{len(result.opened)} item(s) opened, {len(result.solved)} solved")
    else:
        console.print("a past day: reported only, no work changed")
