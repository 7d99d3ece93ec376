"""``claimdesk audit verify|list``: check that the audit log's hash chain is intact; read it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from claimdesk.audit.anchor import Anchor, AnchorFileError, append_anchor, read_anchors
from claimdesk.audit.log import Verification, head, verify
from claimdesk.bootstrap import composed
from claimdesk.cli.app import (
    EXIT_INPUT_PROBLEMS,
    JsonOption,
    acting_user_id,
    app,
    console,
    emit_json,
    fail,
    ready,
    settings_of,
)
from claimdesk.cli.jobs import as_actor
from claimdesk.desk.guard import ForbiddenError
from claimdesk.services.users import UserError

audit_app = typer.Typer(
    help="The audit log of patient-data views and changes.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")


AnchorFile = Annotated[
    Path | None,
    typer.Option(
        "--anchor",
        help="The anchor file 'audit anchor' appends to (keep it outside the database's "
        "reach): the chain must still hold every anchored record.",
    ),
]


@audit_app.command("anchor")
def anchor_command(
    ctx: typer.Context,
    anchor_file: Annotated[Path, typer.Argument(help="The anchor file, appended to.")],
) -> None:
    """Append the chain's head (records, last id and hash) to FILE: run it after each batch,
    with FILE on other storage, so a cut, emptied or rewritten log is found by 'audit verify
    --anchor FILE'."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:

        def pin() -> Anchor:
            if not verify(parts.uow_factory).intact:
                raise AnchorFileError("the log is already broken; run 'audit verify'")
            anchor = head(parts.uow_factory, datetime.now(UTC))
            append_anchor(anchor_file, anchor)
            return anchor

        try:
            anchor = as_actor(
                ctx,
                parts.desk,
                "audit anchor",
                lambda desk, actor: desk.check_audit_log(
                    actor,
                    f"anchor {anchor_file.name}",
                    pin,
                    lambda pinned: f"{pinned.records} records, last {pinned.last_id}",
                ),
                refused=EXIT_INPUT_PROBLEMS,
            )
        except AnchorFileError as error:
            raise fail(f"audit anchor: {error}") from error
    console.print(
        f"anchored {anchor.records} records (last {anchor.last_id}) in {anchor_file}",
        highlight=False,
    )


@audit_app.command("verify")
def verify_command(
    ctx: typer.Context, anchor_file: AnchorFile = None, as_json: JsonOption = False
) -> None:
    """Re-compute every record's hash; exit 1 naming the first record that was changed."""
    settings = settings_of(ctx)
    ready(settings)
    try:
        anchors = [] if anchor_file is None else read_anchors(anchor_file)
    except AnchorFileError as error:
        raise fail(f"audit verify: {error}") from error
    with composed(settings) as parts:
        result = as_actor(
            ctx,
            parts.desk,
            "audit verify",
            lambda desk, actor: desk.check_audit_log(
                actor,
                "verify" + ("" if anchor_file is None else f" against {anchor_file.name}"),
                lambda: verify(parts.uow_factory, anchors),
                _verdict,
            ),
            refused=EXIT_INPUT_PROBLEMS,
        )
    if as_json:
        emit_json(
            {
                "records": result.records,
                "intact": result.intact,
                "broken_record": None if result.broken is None else result.broken.record_id,
                "reason": None if result.broken is None else result.broken.reason,
            }
        )
        if not result.intact:
            raise typer.Exit(EXIT_INPUT_PROBLEMS)
        return
    if result.broken is not None:
        raise fail(
            f"audit log record {result.broken.record_id}: {result.broken.reason} "
            f"({result.records} records before it are intact)",
            EXIT_INPUT_PROBLEMS,
        )
    console.print(f"audit log intact: {result.records} records")


def _verdict(checked: Verification) -> str:
    broken = checked.broken
    return f"{checked.records} records, " + (
        "intact" if broken is None else f"broken at {broken.record_id}"
    )


@audit_app.command("list")
def list_command(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    as_json: JsonOption = False,
) -> None:
    """The newest records first, for an auditor (--as): who did what to which record, and how
    it ended. Reading the log is itself a use case the desk checks."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        desk = parts.desk()
        try:
            shown = desk.audit_log(desk.actor_named(acting_user_id(ctx)), limit=limit)
        except (UserError, ForbiddenError) as exc:
            raise fail(f"audit list: {exc}", EXIT_INPUT_PROBLEMS) from exc
    rows = [
        {
            "id": view.record_id,
            "at": view.record.at.isoformat(),
            "user": view.record.user_id,
            "action": view.record.action,
            "target": view.record.target,
            "outcome": view.record.outcome,
            "detail": view.record.detail,
        }
        for view in shown
    ]
    if as_json:
        emit_json(rows)
        return
    table = Table(title="audit log (newest first)")
    for column in ("id", "at", "user", "action", "target", "outcome", "detail"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            *(str(row[c]) for c in ("id", "at", "user", "action", "target", "outcome", "detail"))
        )
    console.print(table)
