"""``claimdesk fhir``: FHIR R4 in (a Bundle or NDJSON, as a practice bundle) and out (claims,
claim responses and explanations of benefit)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

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
from claimdesk.cli.import_cmd import print_import
from claimdesk.cli.jobs import as_actor, as_job
from claimdesk.services.fhir_export import FhirExport, export_fhir
from claimdesk.services.fhir_import import import_fhir_file
from claimdesk.services.import_bundle import BundleImportError

fhir_app = typer.Typer(
    help="FHIR R4: import a Bundle or NDJSON of a practice; export claims and what payers paid.",
    no_args_is_help=True,
)
app.add_typer(fhir_app, name="fhir")


@fhir_app.command("import")
def import_command(
    ctx: typer.Context,
    bundle: Annotated[
        Path,
        typer.Argument(help="A Bundle in JSON, or NDJSON (.ndjson): one resource a line."),
    ],
    as_json: JsonOption = False,
) -> None:
    """Import a FHIR Bundle or NDJSON file. Any problem imports nothing; importing twice
    changes nothing."""
    if not bundle.is_file():
        raise fail(f"{bundle} is not a file")
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        user = acting_user_id(ctx)
        try:
            outcome = as_job(
                ctx,
                parts,
                "fhir import",
                lambda: import_fhir_file(settings, bundle, user=user, now=parts.clock()),
                lambda done: (
                    f"FHIR file {bundle.name}: "
                    + (
                        "imported"
                        if done.report
                        else f"{len(done.problems)} problem(s), nothing imported"
                    )
                ),
            )
        except BundleImportError as exc:
            raise fail(f"{bundle}: {exc}; nothing was imported", EXIT_INPUT_PROBLEMS) from exc
    report = outcome.report
    if report is None:
        if as_json:
            emit_json({"imported": False, "problems": [p.as_dict() for p in outcome.problems]})
        else:
            for problem in outcome.problems:
                err_console.print(str(problem), markup=False, highlight=False)
            err_console.print(
                f"[red]{len(outcome.problems)} problem(s) in {bundle}; nothing was imported[/red]"
            )
        raise typer.Exit(EXIT_INPUT_PROBLEMS)
    print_import(report, as_json, title="FHIR import", rows="records", source="file")


@fhir_app.command("export")
def export_command(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the Bundle to this file (default: standard output)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Export every claim (Claim) and what payers paid and adjusted on it (ClaimResponse,
    ExplanationOfBenefit) as one FHIR collection Bundle."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        now = parts.clock()

        def export() -> FhirExport:
            if out is None:
                return export_fhir(settings, sys.stdout, now=now)
            with out.open("w", encoding="utf-8") as stream:
                return export_fhir(settings, stream, now=now)

        done = as_actor(
            ctx,
            parts.desk,
            "fhir export",
            lambda desk, actor: desk.export_records(
                actor,
                "FHIR claims and payments",
                export,
                lambda found: (
                    f"{found.claims} Claim(s), {found.responses} ClaimResponse(s) and "
                    "ExplanationOfBenefit(s)"
                ),
            ),
        )
    summary = (
        f"{done.claims} Claim(s), {done.responses} ClaimResponse(s) and as many "
        f"ExplanationOfBenefit(s)" + (f" written to {out}" if out is not None else "")
    )
    if as_json and out is not None:
        emit_json({"out": str(out), **done.as_dict()})
    elif out is not None:
        console.print(summary, highlight=False)
    else:
        err_console.print(summary, highlight=False)
