"""``claimdesk forms``: paper claim forms.

``forms cms1500 CLAIM`` writes the claim's CMS-1500 (02/12) as PDF: the whole form drawn by
claimdesk (appeals, records), or with ``--data-only`` its data alone, placed to print onto the
red pre-printed form. Exit status: 0 written; 1 no such claim, or one the form cannot carry (the
message names the box or field and why); 2 the command could not run (refused, or the file
could not be written).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from claimdesk.bootstrap import composed
from claimdesk.cli.app import JsonOption, app, console, emit_json, fail, ready, settings_of
from claimdesk.cli.jobs import as_actor

forms_app = typer.Typer(
    help="Paper claim forms: a claim's CMS-1500 (02/12) as PDF, whole or data only.",
    no_args_is_help=True,
)
app.add_typer(forms_app, name="forms")


@forms_app.command("cms1500")
def cms1500_command(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="The claim's id (its patient control number).")],
    data_only: Annotated[
        bool,
        typer.Option(
            "--data-only",
            help="Only the data, in 10-pitch Courier on the form's grid, to print onto the red "
            "pre-printed form that payers scan.",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="The PDF file to write (default: CMS1500-CLAIM.pdf, or CMS1500-CLAIM-data.pdf, "
            "in the current folder).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Write a claim's CMS-1500 (02/12) as PDF: the whole form, or only its data."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        form = as_actor(
            ctx,
            parts.paper_desk,
            "forms cms1500",
            lambda desk, actor: desk.cms1500(actor, claim, data_only=data_only),
        )
    path = out or Path(f"CMS1500-{claim}{'-data' if data_only else ''}.pdf")
    try:
        path.write_bytes(form.pdf)
    except OSError as exc:
        raise fail(f"forms cms1500: {path}: {exc.strerror or exc}") from exc
    if as_json:
        emit_json(
            {
                "claim_id": form.claim_id,
                "pages": form.pages,
                "data_only": data_only,
                "file": str(path),
            }
        )
        return
    kind = "data for the red form" if data_only else "whole form"
    console.print(
        f"claim {form.claim_id}: CMS-1500 ({kind}), {form.pages} page(s), written to {path}",
        highlight=False,
    )
