"""``claimdesk users add|list|allow``: the people who work the queues and what they may work."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

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
from claimdesk.routing.access import AccessError, Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.database import units_of_work
from claimdesk.services.users import UserError, add_user, grant_queue, list_people

users_app = typer.Typer(help="People, their roles and their extra queues.", no_args_is_help=True)
app.add_typer(users_app, name="users")

ByOption = Annotated[str, typer.Option("--by", help="The manager or admin doing this.")]


@users_app.command("add")
def add(
    ctx: typer.Context,
    user_id: str,
    role: Annotated[Role, typer.Option("--role", help="tier1, tier2, manager, auditor or admin.")],
    by: ByOption,
    name: Annotated[str, typer.Option("--name", help="Full name.")] = "",
) -> None:
    """Add a person with a role (the first person must be an admin adding themself)."""
    settings = settings_of(ctx)
    ready(settings)
    with units_of_work(settings) as uow_factory:
        try:
            user = add_user(
                uow_factory,
                user_id=user_id,
                name=name or user_id,
                role=role,
                by=by,
                now=datetime.now(UTC),
            )
        except (UserError, AccessError) as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    console.print(f"added {user.user_id} ({user.role})")


@users_app.command("allow")
def allow(ctx: typer.Context, user_id: str, queue: str, by: ByOption) -> None:
    """Allow a person to work one more queue."""
    settings = settings_of(ctx)
    ready(settings)
    with units_of_work(settings) as uow_factory:
        try:
            added = grant_queue(
                uow_factory,
                user_id=user_id,
                queue=queue,
                by=by,
                now=datetime.now(UTC),
                policy=shipped_policy(),
            )
        except (UserError, AccessError) as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    console.print(f"{user_id} may work {queue}" + ("" if added else " (already allowed)"))


@users_app.command("list")
def list_users(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Everyone, with their role and the queues they may work."""
    settings = settings_of(ctx)
    ready(settings)
    with units_of_work(settings) as uow_factory:
        people = list_people(uow_factory, shipped_policy())
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
