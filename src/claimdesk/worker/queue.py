"""The jobs as procrastinate tasks on PostgreSQL: several workers on several machines share them.

Each task is retried with exponential backoff (``RETRY``); on its last attempt a failure
surfaces as a work item. Periodic tasks: the inbox every minute, scrubbing and submission every
hour, the eligibility sweep and the follow-up each morning.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from procrastinate import (
    App,
    BaseConnector,
    JobContext,
    PsycopgConnector,
    RetryStrategy,
    SyncPsycopgConnector,
)

from claimdesk.config import Settings
from claimdesk.services.database import conninfo
from claimdesk.worker.jobs import JOBS, run_as_worker, surface_failures

QUEUE = "claimdesk"
MAX_ATTEMPTS = 5
RETRY = RetryStrategy(max_attempts=MAX_ATTEMPTS, exponential_wait=2)
SCHEDULE = {
    "watch_inboxes": "* * * * *",
    "scrub_and_submit": "0 * * * *",
    "eligibility_sweep": "0 6 * * *",
    "follow_up": "30 6 * * *",
    "escalation_sweep": "15 * * * *",
}
SETTINGS_KEY = "settings"


def _run(name: str, context: JobContext) -> str:
    settings = context.additional_context[SETTINGS_KEY]
    if not isinstance(settings, Settings):
        raise TypeError("the worker was started without claimdesk settings")
    now = datetime.now(UTC)
    try:
        return str(run_as_worker(settings, name, now))
    except Exception as exc:
        attempts = context.job.attempts if context.job else 0
        if attempts + 1 >= MAX_ATTEMPTS:
            surface_failures(settings, name, exc, now)
        raise


def _task(name: str) -> Callable[[JobContext], str]:
    def job(context: JobContext) -> str:
        return _run(name, context)

    job.__name__ = name
    return job


def _periodic(name: str) -> Callable[[JobContext, int], str]:
    def job(context: JobContext, timestamp: int) -> str:
        return _run(name, context)

    job.__name__ = f"{name}_periodic"
    return job


def _register(app: App) -> None:
    for name in JOBS:
        app.task(name=f"claimdesk:{name}", queue=QUEUE, retry=RETRY, pass_context=True)(_task(name))
    for name, cron in SCHEDULE.items():
        app.periodic(cron=cron)(
            app.task(
                name=f"claimdesk:{name}_periodic", queue=QUEUE, retry=RETRY, pass_context=True
            )(_periodic(name))
        )


def make_app(database_url: str, *, synchronous: bool = False) -> App:
    """The queue's app: the worker's (asynchronous connections) or, ``synchronous``, one for
    a plain program that creates the tables or queues jobs."""
    info = conninfo(database_url)
    connector: BaseConnector = (
        SyncPsycopgConnector(conninfo=info) if synchronous else PsycopgConnector(conninfo=info)
    )
    app = App(connector=connector)
    _register(app)
    return app


def ensure_schema(settings: Settings) -> bool:
    """Create procrastinate's tables once in the practice's database; True when created."""
    app = make_app(settings.effective_database_url, synchronous=True)
    with app.open():
        connector = app.connector
        found = connector.execute_query_one(
            "SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS present"
        )
        if found["present"]:
            return False
        app.schema_manager.apply_schema()
        return True


def run_worker(settings: Settings, *, name: str, concurrency: int, wait: bool) -> None:
    """Work the queue until stopped (``wait``), or until it is empty."""
    app = make_app(settings.effective_database_url)
    app.run_worker(
        queues=[QUEUE],
        name=name,
        concurrency=concurrency,
        wait=wait,
        additional_context={SETTINGS_KEY: settings},
        install_signal_handlers=wait,
    )


def enqueue(settings: Settings, names: list[str]) -> list[int]:
    """Defer one job of each name now (in addition to the schedule); their job ids."""
    app = make_app(settings.effective_database_url, synchronous=True)
    with app.open():
        return [app.configure_task(f"claimdesk:{n}", queue=QUEUE).defer() for n in names]
