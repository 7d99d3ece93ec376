"""``claimdesk x12 inspect FILE``: what an X12 file holds and every problem, with its location.

Exit status: 0 clean, 1 the file has errors, 2 the file cannot be read as X12 at all.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from claimdesk.cli.app import (
    EXIT_CANNOT_RUN,
    EXIT_INPUT_PROBLEMS,
    JsonOption,
    app,
    console,
    emit_json,
    fail,
)
from claimdesk.edi.inspect import InspectReport, inspect_x12

x12_app = typer.Typer(help="Read X12 5010 files.", no_args_is_help=True)
app.add_typer(x12_app, name="x12")


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    # X12 is ASCII in practice; latin-1 maps every byte, so binary garbage still reaches the reader
    # and is reported with a location instead of failing here on a decode error.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _as_json(path: Path, report: InspectReport) -> dict[str, object]:
    return {
        "file": str(path),
        "ok": report.ok,
        "interchanges": report.interchange_count,
        "groups": report.group_count,
        "transaction_counts": report.transaction_counts,
        "transactions": [asdict(t) for t in report.transactions],
        "findings": [
            {
                "rule": f.rule,
                "severity": str(f.severity.value),
                "message": f.message,
                "code": None if f.code is None else str(f.code.value),
                "location": asdict(f.location),
                "where": str(f.location),
            }
            for f in report.findings
        ],
    }


@x12_app.command("inspect")
def inspect(
    path: Annotated[
        Path, typer.Argument(help="An X12 file (835, 837P, 837I, 999, 277CA, 271...).")
    ],
    as_json: JsonOption = False,
) -> None:
    """Show the transactions in FILE and every finding with its location."""
    try:
        text = _read_text(path)
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror or exc}") from exc
    report = inspect_x12(text)
    if as_json:
        emit_json(_as_json(path, report))
    else:
        _print(path, report)
    if report.interchange_count == 0:
        raise typer.Exit(EXIT_CANNOT_RUN)
    if not report.ok:
        raise typer.Exit(EXIT_INPUT_PROBLEMS)


def _print(path: Path, report: InspectReport) -> None:
    console.print(
        f"{path}: {report.interchange_count} interchange(s), {report.group_count} group(s)",
        highlight=False,
    )
    if report.transactions:
        table = Table()
        for column in ("ST", "kind", "control", "guide", "segments", "content"):
            table.add_column(column)
        for t in report.transactions:
            table.add_row(
                t.transaction_set_id,
                t.kind,
                t.control_number,
                t.implementation,
                str(t.segment_count),
                t.detail,
            )
        console.print(table)
    for finding in report.findings:
        console.print(
            f"{finding.severity.value}: {finding}  ({finding.rule})", markup=False, highlight=False
        )
    verdict = "has no errors" if report.ok else "has errors"
    console.print(f"{len(report.findings)} finding(s); the file {verdict}", highlight=False)
