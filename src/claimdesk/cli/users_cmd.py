"""``claimdesk users add|list|allow|revoke|enable|role|grant``: the people who work the queues,
what they may work and in which client practices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

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
from claimdesk.desk.desk import Desk
from claimdesk.desk.guard import Actor, ForbiddenError, NotFoundError
from claimdesk.routing.access import AccessError, Role
from claimdesk.services.practices import PracticeError
from claimdesk.services.users import UserError

users_app = typer.Typer(help="People, their roles and their extra queues.", no_args_is_help=True)
app.add_typer(users_app, name="users")


REFUSALS = (UserError, AccessError, ForbiddenError, NotFoundError)
T = TypeVar("T")


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


@users_app.command("revoke")
def revoke(ctx: typer.Context, user_id: str, queue: str) -> None:
    """Take back a queue granted beyond the person's role (as the manager or admin ``--as``
    names)."""
    _people_change(
        ctx,
        lambda desk, actor: desk.revoke(actor, user_id, queue),
        lambda taken: f"{user_id} no longer works {queue}" if taken else f"{queue} was not granted",
    )


@users_app.command("enable")
def enable(ctx: typer.Context, user_id: str) -> None:
    """Let a disabled person sign in again."""
    _people_change(
        ctx,
        lambda desk, actor: desk.enable(actor, user_id),
        lambda done: f"{user_id} may sign in again" if done else f"{user_id} was active",
    )


@users_app.command("role")
def role(
    ctx: typer.Context,
    user_id: str,
    new_role: Annotated[Role, typer.Argument(help="tier1, tier2, manager, auditor or admin.")],
) -> None:
    """Give a person another role (an admin's use case); their sessions end."""
    _people_change(
        ctx,
        lambda desk, actor: desk.change_role(actor, user_id, new_role),
        lambda ended: f"{user_id} is {new_role} now; {ended} session(s) ended",
    )


def _people_change(
    ctx: typer.Context, change: Callable[[Desk, Actor], T], said: Callable[[T], str]
) -> None:
    settings = settings_of(ctx)
    ready(settings)
    with composed(settings) as parts:
        desk = parts.desk()
        try:
            done = change(desk, desk.actor_named(acting_user_id(ctx)))
        except REFUSALS as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    console.print(said(done))


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
