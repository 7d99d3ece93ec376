"""``claimdesk plans import FILE`` and ``claimdesk estimate ENCOUNTER``: the plan/tier directory
and the patient's expected share of a visit (kept for comparison with the 835)."""

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
    err_console,
    fail,
    ready,
    settings_of,
)
from claimdesk.cli.jobs import as_job
from claimdesk.services.estimates import DirectoryError, estimate_encounter, import_directory

plans_app = typer.Typer(
    help="The plan/tier directory you maintain (import), and patients' payment plans (add, "
    "list, show).",
    no_args_is_help=True,
)
app.add_typer(plans_app, name="plans")


@plans_app.command("import")
def import_plans(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            help="CSV: payer_id,plan_name,network_tier,copay,coinsurance,deductible,"
            "out_of_pocket_max"
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Store every plan/tier row of the CSV (all or nothing)."""
    if not path.is_file():
        raise fail(f"cannot read {path}: no such file")
    settings = settings_of(ctx)
    ready(settings)
    try:
        with composed(settings) as parts:
            changed = as_job(
                ctx,
                parts,
                "plan tiers",
                lambda: import_directory(
                    parts.uow_factory, path, now=parts.clock(), by=acting_user_id(ctx)
                ),
                lambda done: f"{done} plan tier(s) stored or changed",
            )
    except DirectoryError as exc:
        for error in exc.errors:
            err_console.print(error, markup=False, highlight=False)
        raise typer.Exit(EXIT_INPUT_PROBLEMS) from exc
    if as_json:
        emit_json({"changed": changed})
    else:
        console.print(f"{changed} plan tier(s) stored or changed", highlight=False)


@app.command("estimate")
def estimate(
    ctx: typer.Context,
    encounter_id: Annotated[str, typer.Argument(help="The encounter to estimate.")],
    as_json: JsonOption = False,
) -> None:
    """Estimate what the patient owes for a visit, line by line, and keep the estimate."""
    settings = settings_of(ctx)
    ready(settings)
    try:
        with composed(settings) as parts:
            outcome = as_job(
                ctx,
                parts,
                "estimate",
                lambda: estimate_encounter(
                    parts.uow_factory,
                    encounter_id,
                    catalog=parts.rules.services,
                    now=parts.clock(),
                    by=acting_user_id(ctx),
                ),
                lambda done: f"estimate {done.estimate_id} of claim {done.claim_id}",
            )
    except LookupError as exc:
        raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    result = outcome.estimate
    if as_json:
        emit_json(
            {
                "estimate_id": outcome.estimate_id,
                "claim_id": outcome.claim_id,
                "network_tier": outcome.network_tier,
                "allowed": str(result.allowed),
                "patient": str(result.patient),
                "insurer": str(result.insurer),
                "sources": dict(result.benefits.sources),
                "lines": [
                    {
                        "line": e.line.line_number,
                        "code": e.line.procedure_code,
                        "allowed": str(e.line.allowed),
                        "basis": e.line.allowed_basis,
                        "category": e.line.category.value,
                        "benefit": e.benefit,
                        "copay": str(e.copay),
                        "deductible": str(e.deductible),
                        "coinsurance": str(e.coinsurance),
                        "balance": str(e.balance),
                        "patient": str(e.patient),
                        "insurer": str(e.insurer),
                    }
                    for e in result.lines
                ],
            }
        )
        return
    table = Table(title=f"estimate {outcome.estimate_id}: claim {outcome.claim_id}")
    for column in (
        "line",
        "code",
        "benefit",
        "allowed",
        "copay",
        "deductible",
        "coinsurance",
        "balance",
        "patient",
    ):
        table.add_column(column)
    for e in result.lines:
        table.add_row(
            str(e.line.line_number),
            e.line.procedure_code,
            e.benefit,
            f"{e.line.allowed} ({e.line.allowed_basis})",
            str(e.copay),
            str(e.deductible),
            str(e.coinsurance),
            str(e.balance),
            str(e.patient),
        )
    console.print(table)
    console.print(
        f"patient {result.patient}, plan {result.insurer} (network tier {outcome.network_tier})",
        highlight=False,
    )
