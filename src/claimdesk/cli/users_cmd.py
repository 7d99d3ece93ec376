"""``claimdesk users add|list|allow|grant``: the people who work the queues, what they may work
and in which client practices."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

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
from claimdesk.config import DEFAULT_PRACTICE
from claimdesk.desk.guard import ForbiddenError, NotFoundError
from claimdesk.routing.access import AccessError, Role
from claimdesk.services.practices import PracticeError
from claimdesk.services.users import UserError

users_app = typer.Typer(help="People, their roles and their extra queues.", no_args_is_help=True)
app.add_typer(users_app, name="users")


REFUSALS = (UserError, AccessError, ForbiddenError, NotFoundError)


@users_app.command("add")
def add(
    ctx: typer.Context,
    user_id: str,
    role: Annotated[Role, typer.Option("--role", help="tier1, tier2, manager, auditor or admin.")],
    name: Annotated[str, typer.Option("--name", help="Full name.")] = "",
) -> None:
    """Add a person with a role, as the manager or admin ``--as`` names (on a new home, the
    first person is an admin adding themself)."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        try:
            user = parts.desk().enroll(acting_user_id(ctx), user_id, name or user_id, role)
        except REFUSALS as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    console.print(f"added {user.user_id} ({user.role})")


@users_app.command("allow")
def allow(ctx: typer.Context, user_id: str, queue: str) -> None:
    """Allow a person to work one more queue (as the manager or admin ``--as`` names)."""
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        desk = parts.desk()
        try:
            added = desk.grant(desk.actor_named(acting_user_id(ctx)), user_id, queue)
        except REFUSALS as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    console.print(f"{user_id} may work {queue}" + ("" if added else " (already allowed)"))


@users_app.command("grant")
def grant(
    ctx: typer.Context,
    user_id: str,
    practice: Annotated[str, typer.Option("--practice", help="The client practice.")],
    queue: Annotated[str, typer.Option("--queue", help="One more queue they may work in it.")] = "",
) -> None:
    """Allow a person to work a client practice (and a queue in it), as the manager or admin
    ``--as`` names."""
    # Run in the practice named globally, else in the one granted: the person granting must work
    # it either way.
    settings = settings_of(ctx, practice)
    ready(settings)
    with composed(settings) as parts:
        desk = parts.desk()
        try:
            added = desk.grant_practice(
                desk.actor_named(acting_user_id(ctx)), user_id, practice, queue
            )
        except (*REFUSALS, PracticeError) as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    what = f"practice {practice}" + (f", queue {queue}" if queue else "")
    console.print(f"{user_id} may work {what}" + ("" if added else " (already granted)"))


@users_app.command("list")
def list_users(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Everyone, with their role and the queues they may work."""
    # People are the company's: with several practices, the list needs none named.
    settings = settings_of(ctx, otherwise=DEFAULT_PRACTICE)
    ready(settings)
    with composed(settings) as parts:
        people = as_actor(
            ctx,
            parts.desk,
            "users list",
            lambda desk, actor: desk.people(actor),
            refused=EXIT_INPUT_PROBLEMS,
        )
    if as_json:
        emit_json([person.as_dict() for person in people])
        return
    table = Table(title="users")
    for column in ("user", "name", "role", "queues"):
        table.add_column(column)
    for person in people:
        user = person.user
        table.add_row(user.user_id, user.name, user.role.value, ", ".join(person.queues))
    console.print(table)
