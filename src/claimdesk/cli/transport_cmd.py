"""``claimdesk transport``: the outbox to the clearinghouses' SFTP servers, and their answers
into the inbox (docs/transport.md).

Exit status: 0 done (a file left for a later run, still being written say, is no problem);
1 a partner or a file failed, each reported with the partner, the file and the reason (nothing
of it was recorded; the next run tries again); 2 the command cannot run (no ``transport.toml``,
a bad one, or a partner it does not name).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from claimdesk.bootstrap import Composition, composed
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
from claimdesk.services.transport import SEND, TransportReport, state_folder
from claimdesk.services.transport_fetch import fetch_inbox
from claimdesk.services.transport_send import send_outbox
from claimdesk.transport.config import (
    TransportConfig,
    TransportConfigError,
    UnknownPartnerError,
    required,
)

transport_app = typer.Typer(
    help="Clearinghouse SFTP: upload the outbox, fetch acknowledgments and remittances.",
    no_args_is_help=True,
)
app.add_typer(transport_app, name="transport")

PartnerArgument = Annotated[
    str | None,
    typer.Argument(metavar="PARTNER", help="A partner of transport.toml (default: every partner)."),
]


@transport_app.command("send")
def send_command(
    ctx: typer.Context, partner: PartnerArgument = None, as_json: JsonOption = False
) -> None:
    """Upload the outbox to the partners' SFTP servers, each file once (then in archive/sent)."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        report = _exchange(
            ctx,
            parts,
            "transport send",
            lambda config: send_outbox(
                parts.uow_factory,
                config,
                outbox=settings.outbox,
                sent=settings.sent,
                state=state_folder(settings.practice_home),
                now=parts.clock(),
                policy=parts.routing,
                partner=partner,
            ),
        )
    _show(report, as_json)


@transport_app.command("fetch")
def fetch_command(
    ctx: typer.Context, partner: PartnerArgument = None, as_json: JsonOption = False
) -> None:
    """Download the partners' new answers into the inbox, each file once; ingest reads them."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        report = _exchange(
            ctx,
            parts,
            "transport fetch",
            lambda config: fetch_inbox(
                parts.uow_factory,
                config,
                inbox=settings.inbox,
                state=state_folder(settings.practice_home),
                now=parts.clock(),
                policy=parts.routing,
                partner=partner,
            ),
        )
    _show(report, as_json)


def _exchange(
    ctx: typer.Context,
    parts: Composition,
    job: str,
    exchange: Callable[[TransportConfig], TransportReport],
) -> TransportReport:
    """The exchange as a batch job of the acting person: checked and audited, refused, failed
    or done; the practice's transport.toml is read inside it."""
    try:
        return as_job(
            ctx,
            parts,
            job,
            lambda: exchange(required(parts.transport, parts.settings.practice_home)),
            lambda done: done.summary(),
        )
    except (TransportConfigError, UnknownPartnerError) as exc:
        # Escaped: the message names TOML tables ([partners.NAME]) that are not Rich markup.
        raise fail(escape(f"{job}: {exc}")) from exc


def _show(report: TransportReport, as_json: bool) -> None:
    if as_json:
        emit_json(report.as_json())
    else:
        _print(report)
    if report.failures:
        raise typer.Exit(EXIT_INPUT_PROBLEMS)


def _print(report: TransportReport) -> None:
    done = "sent" if report.direction == SEND else "fetched"
    if report.moved:
        table = Table(title=f"transport {report.direction}")
        for column in ("partner", "file", "on the server", "bytes"):
            table.add_column(column, justify="right" if column == "bytes" else "left")
        for moved in report.moved:
            table.add_row(moved.partner, moved.name, moved.remote, str(moved.size))
        console.print(table)
    for moved in report.already:
        console.print(
            f"{moved.partner} {moved.name or moved.remote}: {done} before; not {done} again",
            markup=False,
            highlight=False,
        )
    for note in report.waiting:
        console.print(f"left for later: {note}", markup=False, highlight=False)
    for note in report.failures:
        console.print(f"failed: {note}", markup=False, highlight=False)
    console.print(report.summary().split(";")[0], markup=False, highlight=False)
