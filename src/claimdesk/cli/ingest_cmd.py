"""``claimdesk ingest``: post 835 remittances from files or the inbox; problems become work.

999, 277CA and 271 files go to the Tier 1 services, 277 claim status responses to the
claim-status service; anything else is read as an 835.
"""

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
    fail,
    ready,
    settings_of,
)
from claimdesk.cli.jobs import as_job
from claimdesk.domain.money import MoneyError, parse_dollars
from claimdesk.services.inbox import InboxReport, ingest_inbox
from claimdesk.services.ingest import Tier1Report, ingest_isolated
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

    Files from the inbox move to the archive once read, as the worker moves them; an 835 held
    for a problem (Tier 2 work) goes to archive/held.
    """
    settings = settings_of(ctx)
    try:
        options = PostingOptions(
            claim_level=claim_level, underpayment_tolerance=parse_dollars(tolerance)
        )
    except MoneyError as exc:
        raise fail(f"--tolerance: {exc}") from exc
    for path in files or []:
        if not path.is_file():
            raise fail(f"{path}: no such file")
    ready(settings)
    with composed(settings) as parts:
        now, by = parts.clock(), acting_user_id(ctx)

        def read() -> InboxReport:
            if not files:
                # The worker's way: each file claimed, read, then archived (a held 835, already
                # Tier 2 work, to archive/held).
                return ingest_inbox(
                    parts.uow_factory,
                    settings.inbox,
                    settings.archive,
                    now=now,
                    by=by,
                    rules=parts.rules,
                    options=options,
                )
            # Named files are read where they are; only the inbox's files are archived.
            named = InboxReport()
            for path in files:
                named.add(
                    ingest_isolated(
                        parts.uow_factory, path, now=now, by=by, rules=parts.rules, options=options
                    )
                )
            return named

        report = as_job(ctx, parts, "ingest", read, lambda done: done.summary())
    results = report.remittances
    tier1_results: list[Tier1Report] = [*report.acknowledgments, *report.eligibility]
    tier1_results += report.statuses
    problems = not all(r.ok or r.already_ingested for r in results)
    if as_json:
        emit_json(
            {
                "files": [_as_dict(r) for r in results],
                "acknowledgments": [r.as_json() for r in tier1_results],
            }
        )
    else:
        _print(results, tier1_results)
    if problems:
        raise typer.Exit(EXIT_INPUT_PROBLEMS)


def _print(results: list[FileResult], tier1_results: list[Tier1Report]) -> None:
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
    if not results and not tier1_results:
        console.print("nothing to ingest: the inbox is empty")
