"""``claimdesk worker``: background jobs (inbox, scrub and submit, eligibility, follow-up).

Without ``--practice`` the worker serves every practice of the home (a billing company runs
its workers for all its clients); ``--practice ID`` limits it to one. On PostgreSQL the jobs run
through procrastinate, each in its practice's queue: start as many workers as you like, on as
many machines, against the same database. On SQLite (one user) the same jobs run in process,
practice after practice, every minute, or once with ``--burst``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated

import typer

from claimdesk.cli.app import app, console, fail, home_settings_of, ready, settings_of
from claimdesk.config import Settings
from claimdesk.services.database import on_postgresql
from claimdesk.services.practices import company_settings, every_practice
from claimdesk.worker.inprocess import run_practices
from claimdesk.worker.jobs import JOBS

ROUND_SECONDS = 60


def _served(ctx: typer.Context) -> list[Settings]:
    """The practice named (``--practice`` or ``CLAIMDESK_PRACTICE``), else every practice."""
    if home_settings_of(ctx).practice:
        settings = settings_of(ctx)
        ready(settings)
        return [settings]
    company = company_settings(home_settings_of(ctx))
    ready(company)
    served = []
    for settings in every_practice(company):
        try:
            ready(settings)
        except typer.Exit:
            continue  # ready said why; one practice's store never stops the others' work
        served.append(settings)
    return served


def _in_process(practices: list[Settings], burst: bool) -> None:
    several = len(practices) > 1
    while True:
        for done in run_practices(practices, datetime.now(UTC)):
            # With several practices each line says whose it is.
            whose = f"{done.practice}: " if several else ""
            if done.report is None:
                console.print(f"{whose}round failed: {done.error}", markup=False, highlight=False)
                continue
            for name, result in done.report.results.items():
                console.print(f"{whose}{name}: {result}", markup=False, highlight=False)
            for name, reason in done.report.failed.items():
                console.print(f"{whose}{name} failed: {reason}", markup=False, highlight=False)
        if burst:
            return
        time.sleep(ROUND_SECONDS)


@app.command("worker")
def worker(
    ctx: typer.Context,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1)] = 1,
    name: Annotated[str, typer.Option("--name", help="Worker name in the logs.")] = "worker",
    burst: Annotated[
        bool, typer.Option("--burst", help="Stop once the queue is empty (or after one round).")
    ] = False,
    enqueue_jobs: Annotated[
        list[str] | None,
        typer.Option("--enqueue", help=f"Queue a job now and exit: {', '.join(JOBS)}."),
    ] = None,
) -> None:
    """Run background jobs for every practice (or the one named): procrastinate on PostgreSQL,
    in process on SQLite."""
    unknown = sorted(set(enqueue_jobs or []) - set(JOBS))
    if unknown:
        raise fail(f"--enqueue: no job named {', '.join(unknown)}; jobs: {', '.join(JOBS)}")
    practices = _served(ctx)
    if not on_postgresql(practices[0]):
        if enqueue_jobs:
            raise fail("--enqueue needs PostgreSQL; on SQLite the jobs run in process")
        _in_process(practices, burst)
        return
    from claimdesk.worker.queue import enqueue, ensure_schema, run_worker

    home = practices[0]
    ids = [p.practice_id for p in practices]
    if ensure_schema(home):
        console.print("created the job queue's tables")
    if enqueue_jobs:
        queued = enqueue(home, ids, list(enqueue_jobs))
        console.print(f"queued jobs {', '.join(map(str, queued))}")
        return
    console.print(f"serving practices {', '.join(ids)}", highlight=False)
    run_worker(home, ids, name=name, concurrency=concurrency, wait=not burst)
