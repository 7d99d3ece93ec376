"""The jobs as procrastinate tasks on PostgreSQL: several workers on several machines share them.

Each task is retried with exponential backoff (``RETRY``); on its last attempt a failure
surfaces as a work item. Periodic tasks: the inbox every minute, scrubbing and submission every
hour, the eligibility sweep and the follow-up each morning.

Every job changes state, so each kind carries a procrastinate ``lock``: two jobs of one kind
(two submits, say, queued by the schedule and by hand) never run at once, on any worker. The
inbox job reads no file itself: it queues one job per waiting file, with a queueing lock and a
lock on the file's SHA-256, so a file is waiting in the queue at most once and read by one
worker at a time, and one bad file fails (and is retried, then surfaced) alone.
"""

from __future__ import annotations

import hashlib
import time
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
from procrastinate.exceptions import AlreadyEnqueued

from claimdesk.config import Settings
from claimdesk.services.database import conninfo
from claimdesk.services.inbox import waiting_files
from claimdesk.worker.jobs import (
    INGEST_FILE,
    JOBS,
    InboxFilesFailedError,
    ingest_file_as_worker,
    run_as_worker,
    surface_failures,
)

QUEUE = "claimdesk"
MAX_ATTEMPTS = 5
BURST_ROUNDS = 120
BURST_PAUSE_SECONDS = 0.5
RETRY = RetryStrategy(max_attempts=MAX_ATTEMPTS, exponential_wait=2)
SCHEDULE = {
    "watch_inboxes": "* * * * *",
    "scrub_and_submit": "0 * * * *",
    "eligibility_sweep": "0 6 * * *",
    "follow_up": "30 6 * * *",
    "escalation_sweep": "15 * * * *",
}
SETTINGS_KEY = "settings"


WATCH_INBOXES = "watch_inboxes"


def _lock(name: str) -> str:
    return f"claimdesk:{name}"


def _settings(context: JobContext) -> Settings:
    settings = context.additional_context[SETTINGS_KEY]
    if not isinstance(settings, Settings):
        raise TypeError("the worker was started without claimdesk settings")
    return settings


def _last_attempt(context: JobContext) -> bool:
    attempts = context.job.attempts if context.job else 0
    return attempts + 1 >= MAX_ATTEMPTS


def _run(name: str, context: JobContext) -> str:
    if name == WATCH_INBOXES:
        return _queue_inbox_files(context)
    settings = _settings(context)
    now = datetime.now(UTC)
    try:
        return str(run_as_worker(settings, name, now))
    except Exception as exc:
        if _last_attempt(context):
            surface_failures(settings, name, exc, now)
        raise


def _queue_inbox_files(context: JobContext) -> str:
    """One ingest job per waiting file; a file already waiting in the queue is not queued again."""
    queued = 0
    for path in waiting_files(_settings(context).inbox):
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            continue  # a worker claimed it meanwhile
        key = _lock(f"inbox:{digest}")
        task = context.app.configure_task(
            _lock(INGEST_FILE), queue=QUEUE, lock=key, queueing_lock=key
        )
        try:
            task.defer(name=path.name)
        except AlreadyEnqueued:
            continue
        queued += 1
    return f"{queued} inbox file(s) queued"


def _ingest_file(context: JobContext, name: str) -> str:
    settings = _settings(context)
    now = datetime.now(UTC)
    try:
        run = ingest_file_as_worker(settings, name, now)
    except InboxFilesFailedError as exc:
        if _last_attempt(context):
            surface_failures(settings, WATCH_INBOXES, exc, now)
        raise
    return f"{len(run.ingested)} file(s) read"


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
        app.task(name=_lock(name), queue=QUEUE, retry=RETRY, pass_context=True, lock=_lock(name))(
            _task(name)
        )
    for name, cron in SCHEDULE.items():
        app.periodic(cron=cron)(
            app.task(
                name=f"claimdesk:{name}_periodic",
                queue=QUEUE,
                retry=RETRY,
                pass_context=True,
                lock=_lock(name),
            )(_periodic(name))
        )
    app.task(name=_lock(INGEST_FILE), queue=QUEUE, retry=RETRY, pass_context=True)(_ingest_file)


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


def _files_waiting(settings: Settings) -> int:
    """Inbox files whose ingest job is queued and not yet taken."""
    app = make_app(settings.effective_database_url, synchronous=True)
    with app.open():
        row = app.connector.execute_query_one(
            "SELECT count(*) AS waiting FROM procrastinate_jobs "
            "WHERE queue_name = %(queue)s AND task_name = %(task)s AND status = 'todo'",
            queue=QUEUE,
            task=_lock(INGEST_FILE),
        )
    return int(row["waiting"])


def run_worker(settings: Settings, *, name: str, concurrency: int, wait: bool) -> None:
    """Work the queue until stopped (``wait``), or until it is empty.

    A burst stops as soon as its worker finds nothing to take, but a job still running then may
    queue more (the inbox job queues one job per file): so rounds follow while files wait. A
    file job held back by another worker's lock on the same file waits for that worker."""
    for _ in range(1 if wait else BURST_ROUNDS):
        make_app(settings.effective_database_url).run_worker(
            queues=[QUEUE],
            name=name,
            concurrency=concurrency,
            wait=wait,
            additional_context={SETTINGS_KEY: settings},
            install_signal_handlers=wait,
        )
        if wait or not _files_waiting(settings):
            return
        time.sleep(BURST_PAUSE_SECONDS)


def enqueue(settings: Settings, names: list[str]) -> list[int]:
    """Defer one job of each name now (in addition to the schedule); their job ids."""
    app = make_app(settings.effective_database_url, synchronous=True)
    with app.open():
        return [app.configure_task(f"claimdesk:{n}", queue=QUEUE).defer() for n in names]
