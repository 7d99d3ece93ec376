"""``claimdesk cycle``: run the imported practice through simulated days of the revenue cycle.

Exit status: 0 the cycle ran, 2 it could not start (no practice imported, unreadable bundle).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from claimdesk.bootstrap import Composition, composed
from claimdesk.cli.app import JsonOption, app, console, emit_json, fail, ready, settings_of
from claimdesk.cli.jobs import as_job
from claimdesk.codes.table import CodeImportError
from claimdesk.config import Settings
from claimdesk.cycle.policy import StaffPolicyError, load_staff_policy
from claimdesk.cycle.run import CycleError, CycleOptions, CycleReport, run_cycle
from claimdesk.scrub.config import ScrubConfigError


def run_with_progress(settings: Settings, options: CycleOptions, *, quiet: bool) -> CycleReport:
    """The cycle with a progress bar per simulated day (none when ``quiet``)."""
    with composed(settings) as parts:
        return _run(parts, options, quiet=quiet)


def _run(parts: Composition, options: CycleOptions, *, quiet: bool) -> CycleReport:
    try:
        if quiet:
            return run_cycle(parts, options)
        with Progress(
            TextColumn("[bold]cycle[/bold] {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("starting", total=options.days)

            def advance(day: date, _done: int) -> None:
                progress.update(task, advance=1, description=day.isoformat())

            return run_cycle(parts, options, advance)
    except (
        CycleError,
        ScrubConfigError,
        CodeImportError,
        StaffPolicyError,
    ) as exc:
        raise fail(str(exc)) from exc


def print_cycle(report: CycleReport, *, payer_side_denials: bool = True) -> None:
    """What the cycle did. ``payer_side_denials`` adds the simulated payers' own count of first
    submissions denied; a caller that prints the KPI report after this leaves it out, so the
    initial denial rate appears once, as the KPI defines it (docs/kpis.md)."""
    rate = report.initial_denial_rate
    console.print(
        f"cycle {report.start} to {report.end}, scrubbing {'on' if report.scrub else 'off'}: "
        f"{report.claims_submitted} claims submitted, {report.claims_held} held, "
        f"{report.rejected} rejected, {report.remittance_files} 835 files",
        highlight=False,
    )
    console.print(
        f"patient estimates at check-in: {report.estimates_made} made"
        + (f", {report.estimates_failed} could not be made" if report.estimates_failed else ""),
        highlight=False,
    )
    patients = report.patients
    console.print(
        f"patients: {patients.at_check_in} visit(s) paid at check-in, "
        f"{patients.prior_balances} with earlier balances; {patients.statement_runs} "
        f"statement run(s), {patients.statements_sent} statement(s) sent; "
        f"{patients.payments} patient payment(s), {patients.collected} collected; "
        f"{patients.plans} payment plan(s), {patients.installments_missed} installment(s) missed",
        highlight=False,
    )
    if report.bank_mismatches:
        console.print(
            "the bank's deliberate mismatches: "
            + ", ".join(f"{kind} (trace {trace})" for kind, trace in report.bank_mismatches),
            highlight=False,
        )
    if payer_side_denials:
        console.print(
            f"payers denied {report.denied_first_pass} of {report.adjudicated_first_pass} "
            f"claims on first submission" + ("" if rate is None else f" = {rate:.1%}"),
            highlight=False,
        )
    table = Table(title="simulated staff")
    table.add_column("action")
    table.add_column("count", justify="right")
    for action, count in sorted(report.staff_actions.items()):
        table.add_row(action, str(count))
    console.print(table)
    console.print(
        f"appeals won {report.appeals_won}, lost {report.appeals_lost}; open work items by "
        "tier: "
        + (", ".join(f"{t}: {n}" for t, n in sorted(report.open_items_by_tier.items())) or "none"),
        highlight=False,
    )


@app.command("cycle")
def cycle(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, help="Simulated days to run.")] = 30,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Payer simulator seed (default: its policy's).")
    ] = None,
    scrub: Annotated[
        bool, typer.Option("--scrub/--no-scrub", help="Scrub claims before submission.")
    ] = True,
    start: Annotated[
        str | None,
        typer.Option("--start", help="First day, YYYY-MM-DD (default: N days ending today)."),
    ] = None,
    bundle: Annotated[
        Path | None,
        typer.Option("--bundle", help="The payers' copy of the practice (default: last import)."),
    ] = None,
    staff_policy: Annotated[
        Path | None, typer.Option("--staff-policy", help="Simulated staff policy TOML.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Run the practice through N simulated days against the payer simulator.

    The days end today (or start at --start); a run that would reach past today is refused.
    """
    settings = settings_of(ctx)
    try:
        first = date.fromisoformat(start) if start else None
    except ValueError as exc:
        raise fail(f"--start {start!r}: not a date (YYYY-MM-DD)") from exc
    try:
        staff = load_staff_policy(staff_policy)
    except (StaffPolicyError, OSError) as exc:
        raise fail(str(exc)) from exc
    ready(settings)
    options = CycleOptions(
        days=days, scrub=scrub, seed=seed, start=first, bundle=bundle, staff=staff
    )
    # The person starting the run is checked and audited; the simulated staff then act as the
    # system user "cycle", each of their jobs audited on its own.
    with composed(settings) as parts:
        report = as_job(
            ctx,
            parts,
            "cycle",
            lambda: _run(parts, options, quiet=as_json),
            lambda _report: f"{days} simulated days",
        )
    if as_json:
        emit_json(report.as_dict())
    else:
        print_cycle(report)
