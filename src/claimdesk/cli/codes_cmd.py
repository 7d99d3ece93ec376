"""``claimdesk codes import KIND FILE``: load an official code file into the data home.

Exit status: 0 stored (or unchanged), 1 the file has problems (nothing stored), 2 cannot run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from claimdesk.bootstrap import composed
from claimdesk.cli.app import (
    EXIT_INPUT_PROBLEMS,
    JsonOption,
    app,
    console,
    emit_json,
    err_console,
    fail,
    home_settings_of,
    ready,
)
from claimdesk.cli.jobs import as_job
from claimdesk.codes.store import KINDS, import_file
from claimdesk.codes.table import CodeImportError

codes_app = typer.Typer(help="Code sets from the official files you supply.", no_args_is_help=True)
app.add_typer(codes_app, name="codes")

KIND_HELP = "; ".join(f"{kind.name}: {kind.layout}" for kind in KINDS.values())


@codes_app.command("import")
def import_codes(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help=f"What the file holds. {KIND_HELP}.")],
    path: Annotated[Path, typer.Argument(help="The official file, in its published layout.")],
    as_json: JsonOption = False,
) -> None:
    """Check every row of FILE and store it as the KIND code set (all or nothing)."""
    if kind not in KINDS:
        raise fail(f"unknown kind {kind!r}; one of: {', '.join(KINDS)}")
    if not path.is_file():
        raise fail(f"cannot read {path}: no such file")
    # The code sets are the company's, shared by every practice: the job is the home's.
    settings = home_settings_of(ctx)
    ready(settings)
    try:
        # The code sets decide how every claim is scrubbed: changing them is a job of a known
        # person, audited like an import of the practice's data.
        with composed(settings) as parts:
            report = as_job(
                ctx,
                parts,
                f"import codes {kind}",
                lambda: import_file(settings.home / "codes", kind, path),
                lambda stored: (
                    f"{stored.rows} rows from {path.name}"
                    + ("" if stored.changed else ", unchanged")
                ),
            )
    except CodeImportError as exc:
        if as_json:
            emit_json({"ok": False, "errors": [str(e) for e in exc.errors]})
        for error in exc.errors:
            err_console.print(str(error), markup=False, highlight=False)
        err_console.print(f"{len(exc.errors)} problem(s); nothing was stored", highlight=False)
        raise typer.Exit(EXIT_INPUT_PROBLEMS) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {path}: {exc}") from exc
    if as_json:
        emit_json({"ok": True, **report.as_json()})
        return
    verdict = "stored" if report.changed else "unchanged (same content already stored)"
    console.print(f"{kind}: {report.rows} rows from {path}: {verdict}", highlight=False)
