"""``claimdesk queue list|next|show|act``: work the tiered queues from a terminal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from claimdesk.bootstrap import composed
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
from claimdesk.cli.jobs import as_actor
from claimdesk.desk.guard import ForbiddenError, NotFoundError
from claimdesk.desk.serialize import item_json
from claimdesk.domain.money import MoneyError, parse_dollars
from claimdesk.domain.work import Outcome, WorkAction, WorkError, WorkItem, WorkStatus
from claimdesk.routing.access import AccessError
from claimdesk.routing.actions import actions_for
from claimdesk.services import work_queue
from claimdesk.services.users import UserError

queue_app = typer.Typer(help="The work queues, by tier.", no_args_is_help=True)
app.add_typer(queue_app, name="queue")

TierOption = Annotated[int | None, typer.Option("--tier", min=1, max=3, help="Only this tier.")]
REFUSALS = (
    WorkError,
    AccessError,
    UserError,
    MoneyError,
    ForbiddenError,
    NotFoundError,
    work_queue.ItemNotFoundError,
)


def item_dict(item: WorkItem) -> dict[str, Any]:
    """The API's JSON shape of an item, with what a terminal user also needs: the actions the
    item offers, its lease and snooze, and how often its problem failed."""
    return {
        **item_json(item),
        "remittance_id": item.remittance_id,
        "lease_until": item.lease_until,
        "snoozed_until": item.snoozed_until,
        "failures": item.failures,
        "actions": [a.value for a in actions_for(item.kind, appeal_rights=item.appeal_rights)],
    }


def print_item(item: WorkItem) -> None:
    console.print(
        f"[bold]item {item.item_id}[/bold] {item.kind} / {item.category}, tier {item.tier} "
        f"queue {item.queue}, {item.status}"
        + (f" (held by {item.assignee} until {item.lease_until})" if item.assignee else "")
    )
    console.print(
        f"claim {item.claim_id or '-'}; patient {item.patient_account or '-'}; "
        f"{item.amount_at_stake} at stake",
        highlight=False,
    )
    if item.summary:
        # What went wrong and the fix: what the person taking the item reads first.
        console.print(f"finding: {item.summary}", markup=False, highlight=False)
    console.print(f"why next: {item.score.explain()}")
    actions = actions_for(item.kind, appeal_rights=item.appeal_rights)
    console.print("actions: " + ", ".join(a.value for a in actions))
    for e in item.history:
        console.print(f"  {e.at:%Y-%m-%d %H:%M} {e.by}: {e.action} -> {e.to_status} {e.detail}")


@queue_app.command("list")
def list_items(
    ctx: typer.Context,
    tier: TierOption = None,
    queue: Annotated[str | None, typer.Option("--queue", help="Only this queue.")] = None,
    status: Annotated[WorkStatus, typer.Option("--status")] = WorkStatus.OPEN,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    as_json: JsonOption = False,
) -> None:
    """Items in the order they will be handed out (best first)."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        tiers = parts.routing.queues()
        queues = [q for q, t in tiers.items() if (tier is None or t == tier) and queue in (None, q)]
        items = as_actor(
            ctx,
            parts.desk,
            "queue list",
            lambda desk, actor: desk.list_items(actor, queues, status, limit),
            refused=EXIT_INPUT_PROBLEMS,
        )
    if as_json:
        emit_json([item_dict(item) for item in items])
        return
    table = Table(title=f"{status} items")
    for column in ("id", "tier", "queue", "kind", "category", "claim", "at stake", "score"):
        table.add_column(column, justify="right" if column in {"at stake", "score"} else "left")
    for i in items:
        table.add_row(
            str(i.item_id),
            str(i.tier),
            i.queue,
            i.kind.value,
            i.category,
            i.claim_id or "-",
            str(i.amount_at_stake),
            str(i.score.value),
        )
    console.print(table)


def _the_person(ctx: typer.Context, named: str, command: str) -> str:
    """The person a queue command names is the one acting: naming someone else under ``--as``
    (or ``CLAIMDESK_USER``) would put their name on the work and in the audit log."""
    acting = ctx.obj.acting_as
    if acting and acting != named:
        raise fail(
            f"{command}: you act as {acting}; work is taken and closed by the person acting "
            f"(name {acting}, or act as {named})",
            EXIT_INPUT_PROBLEMS,
        )
    return named


@queue_app.command("next")
def next_item(
    ctx: typer.Context, user: str, tier: TierOption = None, as_json: JsonOption = False
) -> None:
    """Take the best open item of the queues USER may work, with a lease."""
    settings = settings_of(ctx)
    ready(settings)
    person = _the_person(ctx, user, "queue next")
    with composed(settings) as parts:
        desk = parts.desk()
        try:
            item = desk.next_item(desk.actor_named(person), tier=tier)
        except REFUSALS as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    if as_json:
        emit_json(None if item is None else item_dict(item))
    elif item is None:
        console.print("no open item in your queues")
    else:
        print_item(item)


@queue_app.command("take")
def take(ctx: typer.Context, item_id: int, as_json: JsonOption = False) -> None:
    """Take this item (open or snoozed) of a queue you work, with a lease, as the person
    acting (--as)."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        try:
            item = as_actor(
                ctx,
                parts.desk,
                "queue take",
                lambda desk, actor: desk.take(actor, item_id),
                refused=EXIT_INPUT_PROBLEMS,
            )
        except REFUSALS as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    if as_json:
        emit_json(item_dict(item))
    else:
        print_item(item)


@queue_app.command("show")
def show(ctx: typer.Context, item_id: int, as_json: JsonOption = False) -> None:
    """One item with its score parts, possible actions and full history."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        try:
            item = as_actor(
                ctx,
                parts.desk,
                "queue show",
                lambda desk, actor: desk.item(actor, item_id).item,
                refused=EXIT_INPUT_PROBLEMS,
            )
        except REFUSALS as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    if as_json:
        emit_json(item_dict(item))
    else:
        print_item(item)


@queue_app.command("act")
def act(
    ctx: typer.Context,
    item_id: int,
    what: Annotated[str, typer.Argument(help="renew, release, snooze, note, escalate or close.")],
    user: Annotated[str, typer.Option("--user", help="The person acting.")],
    outcome: Annotated[Outcome | None, typer.Option("--outcome")] = None,
    recovered: Annotated[str | None, typer.Option("--recovered", help="Dollars.")] = None,
    action: Annotated[WorkAction | None, typer.Option("--action")] = None,
    until: Annotated[datetime | None, typer.Option("--until", help="Snooze until (UTC).")] = None,
    text: Annotated[
        str, typer.Option("--text", help="Note, escalation reason, or why it is closed.")
    ] = "",
    as_json: JsonOption = False,
) -> None:
    """Work an item you hold: renew its lease, release, snooze, note, escalate or close it."""
    settings = settings_of(ctx)
    ready(settings)
    person = _the_person(ctx, user, "queue act")
    with composed(settings) as parts:
        desk = parts.desk()
        try:
            actor = desk.actor_named(person)
            if what == "renew":
                item = desk.renew(actor, item_id)
            elif what == "release":
                item = desk.release(actor, item_id)
            elif what == "snooze":
                if until is None:
                    raise WorkError(f"work item {item_id}: snooze needs --until")
                wake = until if until.tzinfo else until.replace(tzinfo=UTC)
                item = desk.snooze(actor, item_id, wake)
            elif what == "note":
                item = desk.note(actor, item_id, text)
            elif what == "escalate":
                item = desk.escalate(actor, item_id, text)
            elif what == "close":
                if outcome is None:
                    raise WorkError(f"work item {item_id}: close needs --outcome")
                resolved = None if recovered is None else parse_dollars(recovered)
                if text.strip():
                    desk.note(actor, item_id, text)  # why it closed, on the item's history
                item = desk.close(actor, item_id, outcome, resolved, action)
            else:
                raise WorkError(f"work item {item_id}: unknown action {what!r}")
        except REFUSALS as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    if as_json:
        emit_json(item_dict(item))
    else:
        print_item(item)
