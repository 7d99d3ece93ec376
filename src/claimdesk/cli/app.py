"""The ``claimdesk`` program: the typer app and the options every command shares.

Exit status: 0 success, 1 the input had problems (reported), 2 the command could not run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from claimdesk.config import Settings

EXIT_OK = 0
EXIT_INPUT_PROBLEMS = 1
EXIT_CANNOT_RUN = 2

app = typer.Typer(
    name="claimdesk",
    help="Medical billing for the tiered revenue cycle.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True, soft_wrap=True)


@dataclass(frozen=True, slots=True)
class Context:
    settings: Settings


@app.callback()
def _main(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            envvar="CLAIMDESK_HOME",
            help="Data home: the SQLite database and the inbox/outbox/archive folders.",
        ),
    ] = None,
) -> None:
    settings = Settings() if home is None else Settings(home=home)
    ctx.obj = Context(settings=settings)


def settings_of(ctx: typer.Context) -> Settings:
    context: Context = ctx.obj
    return context.settings


def emit_json(payload: Any) -> None:
    """Machine-readable output for ``--json``: plain JSON on stdout, nothing else."""
    typer.echo(json.dumps(payload, indent=2, sort_keys=True, default=str))


def fail(message: str, code: int = EXIT_CANNOT_RUN) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


JsonOption = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]
