"""``claimdesk demo``: a synthetic practice imported into the embedded database, summarized."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Annotated

import typer

from claimdesk.cli.app import EXIT_CANNOT_RUN, app, console, fail, settings_of
from claimdesk.cli.summary_cmd import print_summary
from claimdesk.services.import_folder import import_folder
from claimdesk.services.practice_summary import summarize
from claimdesk.services.setup import set_up
from claimdesk.synth import write_practice


@app.command("demo")
def demo(
    ctx: typer.Context,
    patients: Annotated[int, typer.Option("--patients", min=1)] = 400,
    encounters: Annotated[int, typer.Option("--encounters", min=1)] = 2000,
    seed: Annotated[int, typer.Option("--seed")] = 7,
) -> None:
    """Synthesize a practice, import it (twice: the second changes nothing), print the books."""
    settings = settings_of(ctx)
    setup = set_up(settings)
    console.print(f"data home {setup.home}, database {setup.database}")
    bundle_dir = settings.home / "demo-bundle"
    synth = write_practice(bundle_dir, patients=patients, encounters=encounters, seed=seed)
    console.print(
        f"synthesized {synth.counts['patients']} patients and {synth.counts['encounters']} "
        f"encounters in {bundle_dir} (planted defects: {sum(synth.defects.values())})"
    )
    for attempt in ("first", "second"):
        outcome = import_folder(settings, bundle_dir, user=getpass.getuser(), now=datetime.now(UTC))
        if outcome.report is None:
            raise fail(f"the demo bundle did not import: {outcome.errors[0]}")
        report = outcome.report
        console.print(
            f"{attempt} import: {report.inserted} inserted, {report.updated} updated, "
            f"{report.claims_created} claims, {report.ledger_entries_posted} ledger entries"
        )
    summary = summarize(settings)
    print_summary(summary)
    if not summary.balanced:
        raise typer.Exit(EXIT_CANNOT_RUN)
