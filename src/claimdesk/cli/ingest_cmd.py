"""``claimdesk ingest``: post 835 remittances from files or the inbox; problems become work.

999, 277CA and 271 files go to the Tier 1 services, 277 claim status responses to the
claim-status service; anything else is read as an 835.
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from claimdesk.cli.app import (
    EXIT_INPUT_PROBLEMS,
    JsonOption,
    app,
    console,
    emit_json,
    fail,
    ready,
    settings_of,
)
from claimdesk.domain.money import Money, MoneyError
from claimdesk.services.database import units_of_work
from claimdesk.services.ingest import Tier1Report, archive_file, ingest_path
from claimdesk.services.post_remittance import FileResult, PostingOptions


def _as_dict(result: FileResult) -> dict[str, object]:
    return {
        "file": result.name,
        "sha256": result.sha256,
        "already_ingested": result.already_ingested,
        "problems": result.problems,
        "remittances": [
            {
                "trace_number": r.trace_number,
                "outcome": r.outcome.value,
                "payment": str(r.payment),
                "claims_posted": r.claims_posted,
                "claims_held": r.claims_held,
                "work_items": r.work_items,
                "work_items_closed": r.work_items_closed,
                "secondary_claims": r.secondary_claims,
                "reasons": r.reasons,
            }
            for r in result.remittances
        ],
    }


@app.command("ingest")
def ingest(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None, typer.Argument(help="835 files; default: every file in the inbox.")
    ] = None,
    claim_level: Annotated[
        bool,
        typer.Option(
            "--claim-level", help="Post the sound claims of a remittance whose others fail."
        ),
    ] = False,
    tolerance: Annotated[
        str, typer.Option("--tolerance", help="Underpayment tolerance per claim, in dollars.")
    ] = "1.00",
    as_json: JsonOption = False,
) -> None:
    """Read 835, 999, 277CA, 277 and 271 files: each once, in one transaction; problems become work.

    Files from the inbox that posted (or were already posted) move to the archive; a file held
    for a problem stays in the inbox and is tried again next time.
    """
    settings = settings_of(ctx)
    try:
        options = PostingOptions(claim_level=claim_level, underpayment_tolerance=Money(tolerance))
    except MoneyError as exc:
        raise fail(f"--tolerance: {exc}") from exc
    from_inbox = not files
    paths = (
        sorted(p for p in settings.inbox.iterdir() if p.is_file())
        if from_inbox and settings.inbox.is_dir()
        else list(files or [])
    )
    for path in paths:
        if not path.is_file():
            raise fail(f"{path}: no such file")
    ready(settings)
    results: list[FileResult] = []
    tier1_results: list[Tier1Report] = []
    now = datetime.now(UTC)
    with units_of_work(settings) as uow_factory:
        for path in paths:
            result = ingest_path(uow_factory, path, now=now, by=getpass.getuser(), options=options)
            if not isinstance(result, FileResult):
                tier1_results.append(result)
                if from_inbox:
                    archive_file(path, settings.archive)
                continue
            results.append(result)
            if from_inbox and (result.ok or result.already_ingested):
                archive_file(path, settings.archive)
    problems = not all(r.ok or r.already_ingested for r in results)
    if as_json:
        emit_json(
            {
                "files": [_as_dict(r) for r in results],
                "acknowledgments": [r.as_json() for r in tier1_results],
            }
        )
    else:
        table = Table(title="ingest")
        for column in ("file", "trace", "outcome", "payment", "posted", "held", "work"):
            table.add_column(column)
        for result in results:
            if result.already_ingested:
                table.add_row(result.name, "", "already ingested: nothing posted", "", "", "", "")
            for r in result.remittances:
                table.add_row(
                    result.name,
                    r.trace_number,
                    r.outcome.value,
                    str(r.payment),
                    str(r.claims_posted),
                    str(r.claims_held),
                    str(r.work_items),
                )
        console.print(table)
        for result in results:
            for line in result.problems + [x for r in result.remittances for x in r.reasons]:
                console.print(line, markup=False, highlight=False)
        for tier1_result in tier1_results:
            console.print_json(data=tier1_result.as_json())
        if not paths:
            console.print("nothing to ingest: the inbox is empty")
    if problems:
        raise typer.Exit(EXIT_INPUT_PROBLEMS)
