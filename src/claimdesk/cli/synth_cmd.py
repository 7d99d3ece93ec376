"""``claimdesk synth``: write a synthetic practice bundle with planted defects."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from claimdesk.cli.app import EXIT_INPUT_PROBLEMS, JsonOption, app, console, emit_json, fail
from claimdesk.domain.clock import practice_today
from claimdesk.synth import catalog, write_practice
from claimdesk.synth.practice import DEFAULT_DAYS, DEFAULT_DEFECT_RATE


@app.command("synth")
def synth(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the bundle into.")],
    patients: Annotated[int, typer.Option("--patients", min=1, help="Number of patients.")] = 200,
    encounters: Annotated[int, typer.Option("--encounters", min=0, help="Number of visits.")] = 600,
    seed: Annotated[int, typer.Option("--seed", help="Same seed and as-of date, same files.")] = 7,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The practice's today, YYYY-MM-DD (default: today)."),
    ] = None,
    days: Annotated[
        int, typer.Option("--days", min=1, help="Visits fall in the N days ending at --as-of.")
    ] = DEFAULT_DAYS,
    defect_rate: Annotated[
        float,
        typer.Option(
            "--defect-rate",
            min=0.0,
            max=1.0,
            help="Share of patients and of encounters given one realistic defect.",
        ),
    ] = DEFAULT_DEFECT_RATE,
    as_json: JsonOption = False,
) -> None:
    """Write a synthetic practice bundle (with defects.csv, the planted defects, and plans.csv,
    the plan/tier directory)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise fail(f"{out_dir} exists and is not a folder")
    today = practice_today(datetime.now(UTC), ZoneInfo(catalog.TIME_ZONE))
    try:
        day = today if as_of is None else date.fromisoformat(as_of)
    except ValueError as exc:
        raise fail(f"--as-of {as_of!r}: not a date (YYYY-MM-DD)", EXIT_INPUT_PROBLEMS) from exc
    if day > today:
        raise fail(
            f"--as-of {day} is after today {today}: a practice has no visits in the future",
            EXIT_INPUT_PROBLEMS,
        )
    try:
        summary = write_practice(
            out_dir,
            patients=patients,
            encounters=encounters,
            seed=seed,
            defect_rate=defect_rate,
            as_of=day,
            days=days,
        )
    except OSError as exc:
        raise fail(f"cannot write the bundle to {out_dir}: {exc}") from exc
    if as_json:
        emit_json(summary.as_json())
        return
    table = Table(title=f"synthetic practice in {summary.out_dir}")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, count in summary.counts.items():
        table.add_row(f"{name}.csv", str(count))
    console.print(table)
    planted = ", ".join(f"{kind} {count}" for kind, count in summary.defects.items())
    console.print(f"defects planted: {planted}")
    console.print(
        f"visits {summary.as_of - timedelta(days=days - 1)} to {summary.as_of}, "
        f"sha256 {summary.sha256}",
        highlight=False,
    )
