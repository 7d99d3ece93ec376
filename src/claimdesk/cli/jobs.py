"""Commands run as the acting user, through the desk: their role is checked and the run is
audited (refused, failed or done), as for the web, the API and the worker's jobs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer

from claimdesk.bootstrap import Composition
from claimdesk.cli.app import EXIT_CANNOT_RUN, EXIT_INPUT_PROBLEMS, acting_user_id, fail
from claimdesk.desk.desk import Desk
from claimdesk.desk.guard import Actor, ForbiddenError, NotFoundError
from claimdesk.services.users import UserError

T = TypeVar("T")
D = TypeVar("D", bound=Desk)


def as_job(
    ctx: typer.Context,
    parts: Composition,
    job: str,
    work: Callable[[], T],
    done: Callable[[T], str],
) -> T:
    return as_actor(
        ctx,
        parts.desk,
        job,
        lambda desk, actor: desk.run_job(actor, job, work, done),
        refused=EXIT_INPUT_PROBLEMS,
    )


def as_actor(
    ctx: typer.Context,
    desk_of: Callable[[], D],
    command: str,
    use: Callable[[D, Actor], T],
    *,
    refused: int = EXIT_CANNOT_RUN,
) -> T:
    """Run one use case of the desk ``desk_of`` gives as the acting person (``--as``), and end
    the command with the reason when it stops: a refusal or a name the desk does not know
    exits ``refused``; an object that is not there (or not the person's to see) or input the
    use case rejects (the desk's ``input_errors``) exits 1; a file that could not be read or
    written exits 2.

    ``refused`` is the code the command documents: 2 (the command could not run) unless it
    says otherwise, as the queue, audit, user, practice, figure and batch commands say 1."""
    desk = desk_of()
    input_errors: tuple[type[Exception], ...] = (NotFoundError, *desk.input_errors)
    try:
        return use(desk, desk.actor_named(acting_user_id(ctx)))
    except (UserError, ForbiddenError) as exc:
        raise fail(f"{command}: {exc}", refused) from exc
    except input_errors as exc:
        raise fail(f"{command}: {exc}", EXIT_INPUT_PROBLEMS) from exc
    except OSError as exc:
        # After ForbiddenError, which is a PermissionError and so an OSError.
        where = f"{exc.filename}: " if exc.filename else ""
        raise fail(f"{command}: {where}{exc.strerror or exc}") from exc
