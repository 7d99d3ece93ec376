"""``claimdesk worker``: background jobs (inbox, scrub and submit, eligibility, follow-up).

On PostgreSQL the jobs run through procrastinate: start as many workers as you like, on as
many machines, against the same database. On SQLite (one user) the same jobs run in process,
every minute, or once with ``--burst``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated

import typer

from claimdesk.cli.app import app, console, fail, ready, settings_of
from claimdesk.config import Settings
from claimdesk.services.database import on_postgresql
from claimdesk.worker.inprocess import run_round
from claimdesk.worker.jobs import JOBS

ROUND_SECONDS = 60


def _in_process(settings: Settings, burst: bool) -> None:
    while True:
        report = run_round(settings, datetime.now(UTC))
        for name, result in report.results.items():
            console.print(f"{name}: {result}", highlight=False)
        for name, reason in report.failed.items():
            console.print(f"{name} failed: {reason}", markup=False, highlight=False)
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
    """Run background jobs: procrastinate on PostgreSQL, in process on SQLite."""
    settings = settings_of(ctx)
    ready(settings)
    unknown = sorted(set(enqueue_jobs or []) - set(JOBS))
    if unknown:
        raise fail(f"--enqueue: no job named {', '.join(unknown)}; jobs: {', '.join(JOBS)}")
    if not on_postgresql(settings):
        if enqueue_jobs:
            raise fail("--enqueue needs PostgreSQL; on SQLite the jobs run in process")
        _in_process(settings, burst)
        return
    from claimdesk.worker.queue import enqueue, ensure_schema, run_worker

    if ensure_schema(settings):
        console.print("created the job queue's tables")
    if enqueue_jobs:
        ids = enqueue(settings, list(enqueue_jobs))
        console.print(f"queued jobs {', '.join(map(str, ids))}")
        return
    run_worker(settings, name=name, concurrency=concurrency, wait=not burst)
