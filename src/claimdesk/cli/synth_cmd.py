"""``claimdesk synth``: write a synthetic practice bundle with planted defects."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from claimdesk.cli.app import JsonOption, app, console, emit_json, fail
from claimdesk.synth import write_practice


@app.command("synth")
def synth(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the bundle into.")],
    patients: Annotated[int, typer.Option("--patients", min=1, help="Number of patients.")],
    encounters: Annotated[int, typer.Option("--encounters", min=0, help="Number of visits.")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same files.")],
    defect_rate: Annotated[
        float,
        typer.Option(
            "--defect-rate",
            min=0.0,
            max=1.0,
            help="Share of patients and of encounters given one realistic defect.",
        ),
    ] = 0.08,
    as_json: JsonOption = False,
) -> None:
    """Write a synthetic practice bundle (and defects.csv, the list of planted defects)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise fail(f"{out_dir} exists and is not a folder")
    try:
        summary = write_practice(
            out_dir, patients=patients, encounters=encounters, seed=seed, defect_rate=defect_rate
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
    console.print(f"reference date {summary.reference_date.isoformat()}, sha256 {summary.sha256}")
