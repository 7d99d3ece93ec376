"""``claimdesk eligibility``: 271 answers in from the inbox, then 270 inquiries out.

Exit status: 0 every answer read was active, 1 some coverage has a problem (now Tier 1 work),
2 cannot run.
"""

from __future__ import annotations

from typing import Annotated

import typer

from claimdesk.bootstrap import composed
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
from claimdesk.cli.jobs import as_job
from claimdesk.edi.x12.errors import X12Error
from claimdesk.scrub.config import ScrubConfigError
from claimdesk.services.acknowledgments import KIND_271, tier1_kind
from claimdesk.services.eligibility import (
    AnswerReport,
    InquiryReport,
    ingest_eligibility,
    send_inquiries,
)


@app.command("eligibility")
def eligibility(
    ctx: typer.Context,
    max_age_days: Annotated[
        int | None,
        typer.Option(
            "--max-age-days",
            min=0,
            help="Re-check coverages whose last check is older (default: per payer, scrub.toml).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Read the 271 files in the inbox, then write 270s for coverages that need a check."""
    settings = settings_of(ctx)
    answers: list[AnswerReport] = []
    with composed(settings) as parts:
        try:
            config = parts.scrub_config
        except ScrubConfigError as exc:
            raise fail(str(exc)) from exc
        ready(settings)
        now, uow_factory, policy = parts.clock(), parts.uow_factory, parts.routing
        partners = parts.partners()

        def check() -> InquiryReport:
            for path in sorted(p for p in settings.inbox.iterdir() if p.is_file()):
                try:
                    text = path.read_text(encoding="utf-8")
                    if tier1_kind(text) != KIND_271:
                        continue
                except (X12Error, UnicodeDecodeError):
                    continue
                answers.append(
                    ingest_eligibility(uow_factory, text, source=path.name, now=now, policy=policy)
                )
            return send_inquiries(
                uow_factory,
                settings.outbox,
                partners=partners,
                config=config,
                now=now,
                max_age_days=max_age_days,
                policy=policy,
            )

        sent = as_job(
            ctx,
            parts,
            "eligibility",
            check,
            lambda done: f"{len(answers)} 271(s) read, {done.requests} 270 request(s) written",
        )
    problems = [p for a in answers for p in a.problems] + sent.not_sent
    if as_json:
        emit_json({"answers": [a.as_json() for a in answers], "inquiries": sent.as_json()})
    else:
        for answer in answers:
            console.print(
                f"{answer.name}: {answer.answered} answered, {answer.active} active"
                + (" (already read)" if answer.already_read else ""),
                highlight=False,
            )
        console.print(
            f"270: {sent.requests} request(s) in {len(sent.files)} file(s); "
            f"{sent.up_to_date} up to date, {sent.pending} awaiting an answer",
            highlight=False,
        )
        for line in problems:
            console.print(line, markup=False, highlight=False)
    if problems:
        raise typer.Exit(EXIT_INPUT_PROBLEMS)
