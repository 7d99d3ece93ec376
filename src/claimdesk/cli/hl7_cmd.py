"""``claimdesk hl7``: the EHR's HL7 v2 messages (registration ADT/BAR, charges DFT^P03) taken
over MLLP (``listen``) or from a batch file (``import``); docs/hl7.md."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from claimdesk.bootstrap import Composition, composed
from claimdesk.cli.app import (
    EXIT_INPUT_PROBLEMS,
    JsonOption,
    acting_user_id,
    app,
    console,
    emit_json,
    err_console,
    fail,
    ready,
    settings_of,
)
from claimdesk.cli.jobs import as_job
from claimdesk.hl7.batch import split_batch
from claimdesk.hl7.mapping import MappingError, MappingFile
from claimdesk.hl7.mllp_text import decoded
from claimdesk.mllp.server import DEFAULT_FRAME_TIMEOUT, DEFAULT_MAX_BYTES, Listener
from claimdesk.services.hl7_intake import Taken, refused_for, take_message

LISTENER_USER = "hl7"
log = logging.getLogger("claimdesk.hl7")

hl7_app = typer.Typer(
    help="HL7 v2 from the EHR: listen over MLLP, or import a batch file.", no_args_is_help=True
)
app.add_typer(hl7_app, name="hl7")


def _taker(parts: Composition, user: str) -> Callable[[str], Taken]:
    mapping_file = MappingFile(parts.settings.practice_home)

    def take(text: str) -> Taken:
        now = parts.clock()
        try:
            mappings = mapping_file.current()
        except MappingError as exc:
            return refused_for(text, str(exc), now)
        return take_message(
            parts.uow_factory, text, mappings=mappings, policy=parts.routing, user=user, now=now
        )

    return take


def _check_mapping(folder: Path) -> None:
    """A wrong hl7.toml stops the command at once, every problem named (a listener reads it
    again when it changes)."""
    try:
        MappingFile(folder).current()
    except MappingError as exc:
        raise fail("; ".join(exc.problems), EXIT_INPUT_PROBLEMS) from exc


def _said(taken: Taken) -> str:
    return f"{taken.message_type or 'message'} {taken.control_id}: {taken.outcome}"


@hl7_app.command("listen")
def listen_command(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help="TCP port (0: any free port).")] = 2575,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    frame_timeout: Annotated[
        float,
        typer.Option(
            "--frame-timeout",
            help="Seconds a client may take to finish a frame it began (an idle connection "
            "stays open).",
        ),
    ] = DEFAULT_FRAME_TIMEOUT,
) -> None:
    """Listen for HL7 v2 messages over MLLP and answer each with its ACK (AA, AE, AR)."""
    settings = settings_of(ctx)
    ready(settings)
    _check_mapping(settings.practice_home)
    # Connections and each message's type, control id and outcome; never a message's content.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    with composed(settings) as parts:
        desk = parts.desk()
        actor = desk.system_actor(LISTENER_USER, "claimdesk HL7 listener")
        take = _taker(parts, actor.user.user_id)

        def audited(text: str) -> str:
            # Each message is a use case of the listener's system user: checked and audited.
            taken = desk.run_job(actor, "hl7 message", lambda: take(text), _said)
            log.info("%s (%s)", _said(taken), taken.code.value)
            return taken.ack

        listener = Listener(audited, frame_timeout=frame_timeout, max_bytes=DEFAULT_MAX_BYTES)
        asyncio.run(_serve(listener, host, port))


async def _serve(listener: Listener, host: str, port: int) -> None:
    address, bound = await listener.start(host, port)
    console.print(f"listening for HL7 v2 (MLLP) on {address}:{bound}", highlight=False)
    # Whoever started the listener (a service manager, a test) reads the port from this line.
    console.file.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await listener.stop()
    console.print(f"stopped; {listener.taken} message(s) taken", highlight=False)


@hl7_app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file of HL7 v2 messages (batch or not).")],
    as_json: JsonOption = False,
) -> None:
    """Take every message of an HL7 v2 batch file, in order, as the listener would."""
    if not file.is_file():
        raise fail(f"{file} is not a file", EXIT_INPUT_PROBLEMS)
    settings = settings_of(ctx)
    ready(settings)
    _check_mapping(settings.practice_home)
    with composed(settings) as parts:
        user = acting_user_id(ctx)

        def work() -> list[Taken]:
            take = _taker(parts, user)
            return [take(m) for m in split_batch(decoded(file.read_bytes()))]

        taken = as_job(
            ctx, parts, "hl7 import", work, lambda done: f"{len(done)} message(s) from {file.name}"
        )
    outcomes = Counter(t.outcome for t in taken)
    troubled = [t for t in taken if t.problems]
    if as_json:
        emit_json(
            {
                "file": str(file),
                "messages": len(taken),
                "outcomes": dict(outcomes),
                "problems": [
                    {
                        "control_id": t.control_id,
                        "message_type": t.message_type,
                        "ack": t.code.value,
                        "errors": [
                            {"location": str(p.location), "code": p.code, "reason": p.reason}
                            for p in t.problems
                        ],
                    }
                    for t in troubled
                ],
            }
        )
    else:
        console.print(
            f"{file.name}: {len(taken)} message(s): "
            + ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())),
            highlight=False,
        )
        for t in troubled:
            for p in t.problems:
                err_console.print(
                    f"{t.message_type or 'message'} {t.control_id} ({t.code.value}): {p}",
                    markup=False,
                    highlight=False,
                )
    if troubled:
        raise typer.Exit(EXIT_INPUT_PROBLEMS)
