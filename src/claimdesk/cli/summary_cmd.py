"""``claimdesk summary``: counts, charges by payer and ledger totals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from claimdesk.analytics.patient_aging import PatientAgingSummary
from claimdesk.analytics.position import BUCKET_NAMES, ArPosition
from claimdesk.bootstrap import composed
from claimdesk.cli.app import (
    EXIT_CANNOT_RUN,
    EXIT_INPUT_PROBLEMS,
    JsonOption,
    across_practices,
    app,
    console,
    day_of,
    emit_json,
    fail,
    ready,
    settings_of,
)
from claimdesk.cli.jobs import as_actor
from claimdesk.config import Settings
from claimdesk.services.practice_summary import CompanySummary, PracticeSummary, summarize


def print_ar(ar: ArPosition) -> None:
    """The one A/R figure with its labelled parts, and its aging."""
    parts = ", ".join(f"{name} {amount}" for name, amount in ar.parts().items())
    console.print(f"A/R as of {ar.as_of}: {ar.total} ({parts})", highlight=False)
    aging = Table(title=f"A/R aging as of {ar.as_of} (days since the date of service)")
    aging.add_column("part")
    for bucket in BUCKET_NAMES:
        aging.add_column(bucket, justify="right")
    aging.add_column("total", justify="right")
    for part in ar.parts():
        buckets = ar.by_bucket(part)
        aging.add_row(part, *(str(buckets[b]) for b in BUCKET_NAMES), str(ar.parts()[part]))
    whole = ar.by_bucket()
    aging.add_row("A/R", *(str(whole[b]) for b in BUCKET_NAMES), str(ar.total))
    console.print(aging)


def print_patient_aging(aging: PatientAgingSummary) -> None:
    """Patient A/R by bucket, aged from the day each balance became the patient's, with the
    largest guarantors' balances."""
    shown = len(aging.largest_guarantors)
    table = Table(
        title=f"patient A/R aging as of {aging.as_of} (days since it became the patient's): "
        f"the {shown} largest of {aging.guarantors} guarantors"
    )
    table.add_column("guarantor")
    for bucket in BUCKET_NAMES:
        table.add_column(bucket, justify="right")
    table.add_column("total", justify="right")
    for account, buckets, amount in aging.largest_guarantors:
        table.add_row(account, *(str(buckets[b]) for b in BUCKET_NAMES), str(amount))
    whole = aging.by_bucket
    table.add_row("patient A/R", *(str(whole[b]) for b in BUCKET_NAMES), str(aging.total))
    console.print(table)


def print_summary(summary: PracticeSummary) -> None:
    counts = ", ".join(f"{name} {count}" for name, count in summary.counts.items())
    console.print(f"books as of {summary.as_of}; rows today: {counts}", highlight=False)
    payers = Table(title="charges by payer")
    for column in ("payer", "name", "claims", "charges", "insurance A/R"):
        payers.add_column(
            column, justify="right" if column in {"claims", "charges", "insurance A/R"} else "left"
        )
    for p in summary.by_payer:
        payers.add_row(p.payer_id, p.name, str(p.claims), str(p.charges), str(p.receivable))
    console.print(payers)
    ledger = Table(title="ledger (trial balance: debits +, credits -)")
    ledger.add_column("account")
    ledger.add_column("balance", justify="right")
    for account, amount in summary.trial_balance.items():
        ledger.add_row(str(account), str(amount))
    console.print(ledger)
    verdict = "[green]balanced[/green]" if summary.balanced else "[red]OUT OF BALANCE[/red]"
    console.print(f"gross charges {summary.gross_charges}; books {verdict}")
    print_ar(summary.ar)
    print_patient_aging(summary.patient_aging)


@app.command("summary")
def summary(
    ctx: typer.Context,
    as_of_text: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="The books at the end of this day (YYYY-MM-DD); default today."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """What the books hold: counts, charges by payer, ledger totals that must balance, and the
    A/R figure with its parts and aging, as of a day."""
    as_of = day_of(as_of_text, "--as-of")
    every = across_practices(ctx)
    if every == []:
        raise fail("--practice all: you may work no practice")
    if every is not None:
        if not summarize_all(
            every, as_of, as_json=as_json, read=lambda s: read_summary(ctx, s, as_of)
        ):
            raise typer.Exit(EXIT_CANNOT_RUN)
        return
    settings = settings_of(ctx)
    ready(settings)
    result = read_summary(ctx, settings, as_of)
    if as_json:
        emit_json(result.as_dict())
    else:
        print_summary(result)
    if not result.balanced:
        raise typer.Exit(EXIT_CANNOT_RUN)


def read_summary(ctx: typer.Context, settings: Settings, as_of: date | None) -> PracticeSummary:
    """One practice's summary, read by the acting person through that practice's desk."""
    with composed(settings) as parts:
        return as_actor(
            ctx,
            parts.desk,
            "summary",
            lambda desk, actor: desk.read_figures(
                actor,
                f"summary as of {as_of or 'today'}",
                lambda: summarize(parts.uow_factory, now=parts.clock(), as_of=as_of),
                lambda shown: f"as of {shown.as_of}",
            ),
            refused=EXIT_INPUT_PROBLEMS,
        )


def summarize_all(
    practices: list[Settings],
    as_of: date | None,
    *,
    as_json: bool,
    read: Callable[[Settings], PracticeSummary],
) -> bool:
    """``--practice all``: each practice's books as of ``as_of`` (default: each practice's
    today) and the figures that add up; whether every practice's books balance."""
    for settings in practices:
        ready(settings)
    summaries = {s.practice_id: read(s) for s in practices}
    day = as_of or max(s.as_of for s in summaries.values())
    combined = CompanySummary(day, summaries)
    if as_json:
        emit_json(combined.as_dict())
    else:
        table = Table(title=f"practices as of {day}")
        for column in ("practice", "claims", "gross charges", "A/R", "books"):
            table.add_column(column, justify="left" if column == "practice" else "right")
        for practice, summary in combined.practices.items():
            table.add_row(
                practice,
                str(summary.counts.get("claims", 0)),
                str(summary.gross_charges),
                str(summary.ar.total),
                "balanced" if summary.balanced else "OUT OF BALANCE",
            )
        totals = combined.as_dict()["total"]
        table.add_row(
            "all",
            str(totals["counts"].get("claims", 0)),
            totals["gross_charges"],
            totals["ar"]["total"],
            "balanced" if combined.balanced else "OUT OF BALANCE",
        )
        console.print(table)
    return combined.balanced
