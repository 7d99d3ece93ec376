"""Commands run as the acting user, through the desk: their role is checked and the run is
audited (refused, failed or done), as for the web, the API and the worker's jobs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer

from claimdesk.bootstrap import Composition
from claimdesk.cli.app import EXIT_INPUT_PROBLEMS, acting_user_id, fail
from claimdesk.desk.desk import Desk
from claimdesk.desk.guard import Actor, ForbiddenError
from claimdesk.services.users import UserError

T = TypeVar("T")


def as_job(
    ctx: typer.Context,
    parts: Composition,
    job: str,
    work: Callable[[], T],
    done: Callable[[T], str],
) -> T:
    return as_actor(ctx, parts, job, lambda desk, actor: desk.run_job(actor, job, work, done))


def as_actor(
    ctx: typer.Context,
    parts: Composition,
    command: str,
    use: Callable[[Desk, Actor], T],
) -> T:
    """Run one desk use case as the acting person (``--as``); a refusal, or a name the desk
    does not know, ends the command with the reason (exit 1)."""
    desk = parts.desk()
    try:
        return use(desk, desk.actor_named(acting_user_id(ctx)))
    except (UserError, ForbiddenError) as exc:
        raise fail(f"{command}: {exc}", EXIT_INPUT_PROBLEMS) from exc
