"""Batch commands run as a job of the acting user, through the desk: their role is checked and
the run is audited (refused, failed or done), as for the worker's jobs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer

from claimdesk.bootstrap import Composition
from claimdesk.cli.app import EXIT_INPUT_PROBLEMS, acting_user_id, fail
from claimdesk.desk.guard import ForbiddenError
from claimdesk.services.users import UserError

T = TypeVar("T")


def as_job(
    ctx: typer.Context,
    parts: Composition,
    job: str,
    work: Callable[[], T],
    done: Callable[[T], str],
) -> T:
    desk = parts.desk()
    try:
        actor = desk.actor_named(acting_user_id(ctx))
        return desk.run_job(actor, job, work, done)
    except (UserError, ForbiddenError) as exc:
        raise fail(f"{job}: {exc}", EXIT_INPUT_PROBLEMS) from exc
