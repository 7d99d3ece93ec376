"""``claimdesk submit``: scrub unbilled claims; clean ones go to 837P batches in the outbox.

Exit status: 0 nothing held, 1 some claims are held (each a Tier 1 work item), 2 cannot run
(the practice profile lacks what every 837 needs, and then no claim is touched; or the 837
writer refused claims for their setup, named, none of them held).
"""

from __future__ import annotations

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
from claimdesk.codes.table import CodeImportError
from claimdesk.scrub.config import ScrubConfigError
from claimdesk.services.practice import ProfileIncompleteError
from claimdesk.services.submit import submit
from claimdesk.services.trading_partners import partners_to_submit


@app.command("submit")
def submit_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Scrub every draft, held and ready claim; write clean ones to one 837P per payer (a payer
    that takes paper only: CMS-1500s in outbox/paper)."""
    settings = settings_of(ctx)
    with composed(settings) as parts:
        try:
            config, reference = parts.scrub_config, parts.reference
        except (ScrubConfigError, CodeImportError, ValueError) as exc:
            raise fail(str(exc)) from exc
        ready(settings)
        try:
            partners = partners_to_submit(parts.uow_factory)
        except ProfileIncompleteError as exc:
            raise fail(str(exc)) from exc
        report = as_job(
            ctx,
            parts,
            "submit",
            lambda: submit(
                parts.uow_factory,
                settings.outbox,
                reference=reference,
                config=config,
                partners=partners,
                now=parts.clock(),
                by=acting_user_id(ctx),
                policy=parts.routing,
            ),
            lambda done: (
                f"{sum(b.submitted for b in done.batches)} claim(s) sent, "
                f"{sum(len(p.claim_ids) for p in done.printed)} printed, {len(done.held)} held"
            ),
        )
    if as_json:
        emit_json(report.as_json())
    else:
        table = Table(title="submit")
        for column in ("payer", "file", "claims", "charges", "clean claim rate"):
            table.add_column(column)
        for batch in report.batches:
            rate = batch.clean_claim_rate
            table.add_row(
                batch.payer_id,
                batch.file_name,
                str(batch.submitted),
                str(batch.total_charge),
                "" if rate is None else f"{rate:.1%}",
            )
        for printed in report.printed:
            table.add_row(
                printed.payer_id,
                printed.outbox_name,
                str(len(printed.claim_ids)),
                str(printed.total_charge),
                "paper",
            )
        console.print(table)
        console.print(
            f"scrubbed {report.scrubbed}, clean {report.clean}, held {len(report.held)}, "
            f"released {len(report.released)}, self-pay ready {len(report.self_pay_ready)}",
            highlight=False,
        )
        for held in report.held:
            console.print(f"{held.claim_id}: {', '.join(held.rules)}", highlight=False)
    if report.not_written:
        reasons = sorted({n.reason for n in report.not_written})
        raise fail(
            f"the 837 writer could not write {len(report.not_written)} claim(s); fix the setup "
            "(claimdesk practice show, the providers file) and submit again:\n  "
            + "\n  ".join(reasons)
        )
    if report.held:
        raise typer.Exit(EXIT_INPUT_PROBLEMS)
