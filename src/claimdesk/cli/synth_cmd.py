"""``claimdesk synth``: write a synthetic practice bundle with planted defects."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from claimdesk.bundle.reader import read_bundle
from claimdesk.cli.app import EXIT_INPUT_PROBLEMS, JsonOption, app, console, emit_json, fail
from claimdesk.domain.clock import practice_today
from claimdesk.fhir.writer import PRACTICE_FHIR_FILE, practice_json
from claimdesk.synth import catalog, write_practice
from claimdesk.synth.hl7 import write_hl7
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
    fhir: Annotated[
        bool,
        typer.Option(
            "--fhir", help="Also write the same practice as a FHIR Bundle, practice.fhir.json."
        ),
    ] = False,
    hl7: Annotated[
        bool,
        typer.Option(
            "--hl7",
            help="Also write the same practice as its EHR's HL7 v2 messages, practice.hl7 "
            "(ADT^A04 per patient, DFT^P03 per visit), with the hl7.toml that maps its sender.",
        ),
    ] = False,
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
    also = _write_intakes(out_dir, fhir=fhir, hl7=hl7)
    if as_json:
        emit_json({**summary.as_json(), **{kind: str(path) for kind, path in also.items()}})
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
    for kind, path in also.items():
        console.print(f"the same practice as {kind.upper()}: {path}", highlight=False)


def _write_intakes(out_dir: Path, *, fhir: bool, hl7: bool) -> dict[str, Path]:
    """The practice as the CSV reader gives it, written as FHIR (docs/fhir.md) and as HL7 v2
    (docs/hl7.md), so the three intakes can be compared on one practice."""
    if not (fhir or hl7):
        return {}
    read = read_bundle(out_dir)
    if read.bundle is None:
        raise fail(f"{out_dir}: the bundle just written does not read: {read.errors[0]}")
    written: dict[str, Path] = {}
    try:
        if fhir:
            path = written["fhir"] = out_dir / PRACTICE_FHIR_FILE
            path.write_text(practice_json(read.bundle), encoding="utf-8")
        if hl7:
            written["hl7"] = write_hl7(read.bundle, out_dir)
    except OSError as exc:
        raise fail(f"cannot write into {out_dir}: {exc}") from exc
    return written
