"""``claimdesk practices add|list``: the billing company's client practices.

Each practice gets a store of its own (docs/tenancy.md); the company's admin adds them, and each
addition and listing is audited in the company's chain.
Exit status: 0 done, 1 refused (nothing changed), 2 the home cannot be used.
"""

from __future__ import annotations

import dataclasses
from contextlib import ExitStack
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
    home_settings_of,
    ready,
)
from claimdesk.desk.desk import UowFactory
from claimdesk.desk.guard import ForbiddenError
from claimdesk.services.database import units_of_work
from claimdesk.services.practices import PracticeError, company_settings
from claimdesk.services.setup import HomeError, set_up
from claimdesk.services.users import UserError

practices_app = typer.Typer(
    help="The billing company's client practices, each with a store of its own.",
    no_args_is_help=True,
)
app.add_typer(practices_app, name="practices")

REFUSALS = (PracticeError, ForbiddenError, UserError, HomeError)


@practices_app.command("add")
def add(
    ctx: typer.Context,
    practice_id: Annotated[str, typer.Argument(metavar="ID")],
    name: Annotated[str, typer.Option("--name", help="The practice's name.")],
) -> None:
    """Add a client practice with a store of its own (an admin's job)."""
    settings = company_settings(home_settings_of(ctx))
    ready(settings)
    with composed(settings) as parts, ExitStack() as stores:
        desk = parts.desk()

        def set_up_store(new_id: str) -> UowFactory:
            practice = dataclasses.replace(settings, practice=new_id)
            set_up(practice)
            return stores.enter_context(units_of_work(practice))

        try:
            added = desk.add_practice(
                desk.company_actor_named(acting_user_id(ctx)), practice_id, name, set_up_store
            )
        except REFUSALS as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    console.print(f"added practice {added.practice_id} ({added.name})", highlight=False)


@practices_app.command("list")
def list_practices(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The practices you may work (every one for an admin)."""
    settings = company_settings(home_settings_of(ctx))
    ready(settings)
    with composed(settings) as parts:
        desk = parts.desk()
        try:
            found = desk.practices(desk.company_actor_named(acting_user_id(ctx)))
        except REFUSALS as exc:
            raise fail(str(exc), EXIT_INPUT_PROBLEMS) from exc
    if as_json:
        emit_json(
            [
                {
                    "practice_id": p.practice_id,
                    "name": p.name,
                    "created_at": None if p.created_at is None else p.created_at.isoformat(),
                    "created_by": p.created_by,
                }
                for p in found
            ]
        )
        return
    table = Table(title="practices")
    for column in ("practice", "name", "added", "by"):
        table.add_column(column)
    for p in found:
        added = "-" if p.created_at is None else p.created_at.date().isoformat()
        table.add_row(p.practice_id, p.name, added, p.created_by or "-")
    console.print(table)
