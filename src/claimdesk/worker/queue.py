"""The jobs as procrastinate tasks on PostgreSQL: several workers on several machines share them.

The job tables are the company's (its default schema), and every job carries the practice it
is for: it waits in the practice's own queue (``claimdesk:ID``) and runs on that practice's
store. A worker serves the queues of the practices it was started for (``--practice ID``: one;
otherwise every practice of the home), so a billing company runs workers for all its clients
and a client's job never reads another client's inbox or store.

Each task is retried with exponential backoff (``RETRY``); on its last attempt a failure
surfaces as a work item in the practice's store. Periodic tasks: the inbox every minute,
scrubbing and submission every hour, the eligibility sweep, the follow-up and the statement
cycle each morning; each tick queues the job once for every practice.

Every job changes state, so each carries a procrastinate ``lock`` on its practice and kind: two
jobs of one kind for one practice (two submits, say, queued by the schedule and by hand) never
run at once, on any worker, while the same job of two practices runs side by side. The inbox
job reads no file itself: it queues one job per waiting file, with a queueing lock and a lock
on the practice and the file's SHA-256, so a file is waiting in the queue at most once and read
by one worker at a time, and one bad file fails (and is retried, then surfaced) alone.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
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

from claimdesk.config import DEFAULT_PRACTICE, Settings, checked_practice_id
from claimdesk.services.database import conninfo
from claimdesk.services.inbox import waiting_files
from claimdesk.services.practices import every_practice
from claimdesk.worker.jobs import (
    INGEST_FILE,
    JOBS,
    InboxFilesFailedError,
    ingest_file_as_worker,
    run_as_worker,
    surface_failures,
)

# The periodic ticks' queue: a tick only queues each practice's job in that practice's queue.
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
    # Daily, early: each account's own cycle decides whether today is its statement day.
    "statement_cycle": "0 5 * * *",
    # Every minute: each partner is exchanged with on its own interval (transport.toml).
    "transport_send": "* * * * *",
    "transport_fetch": "* * * * *",
}
SETTINGS_KEY = "settings"


WATCH_INBOXES = "watch_inboxes"


def _task_name(name: str) -> str:
    return f"claimdesk:{name}"


def queue_of(practice: str) -> str:
    """The practice's own queue: only the workers serving the practice take its jobs."""
    return f"claimdesk:{checked_practice_id(practice)}"


def lock_of(practice: str, name: str) -> str:
    """A lock per practice: one practice's jobs of a kind run one at a time, never blocking
    another practice's."""
    return f"claimdesk:{checked_practice_id(practice)}:{name}"


def _home(context: JobContext) -> Settings:
    settings = context.additional_context[SETTINGS_KEY]
    if not isinstance(settings, Settings):
        raise TypeError("the worker was started without claimdesk settings")
    return settings


def _settings(context: JobContext, practice: str) -> Settings:
    """The settings of the practice the job carries."""
    return replace(_home(context), practice=checked_practice_id(practice))


def _last_attempt(context: JobContext) -> bool:
    attempts = context.job.attempts if context.job else 0
    return attempts + 1 >= MAX_ATTEMPTS


def _run(name: str, context: JobContext, practice: str) -> str:
    if name == WATCH_INBOXES:
        return _queue_inbox_files(context, practice)
    settings = _settings(context, practice)
    now = datetime.now(UTC)
    try:
        return str(run_as_worker(settings, name, now))
    except Exception as exc:
        if _last_attempt(context):
            surface_failures(settings, name, exc, now)
        raise


def _queue_inbox_files(context: JobContext, practice: str) -> str:
    """One ingest job per waiting file; a file already waiting in the queue is not queued again."""
    queued = 0
    for path in waiting_files(_settings(context, practice).inbox):
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            continue  # a worker claimed it meanwhile
        key = lock_of(practice, f"inbox:{digest}")
        task = context.app.configure_task(
            _task_name(INGEST_FILE), queue=queue_of(practice), lock=key, queueing_lock=key
        )
        try:
            task.defer(practice=practice, name=path.name)
        except AlreadyEnqueued:
            continue
        queued += 1
    return f"{queued} inbox file(s) queued"


def _ingest_file(context: JobContext, name: str, practice: str = DEFAULT_PRACTICE) -> str:
    settings = _settings(context, practice)
    now = datetime.now(UTC)
    try:
        run = ingest_file_as_worker(settings, name, now)
    except InboxFilesFailedError as exc:
        if _last_attempt(context):
            surface_failures(settings, WATCH_INBOXES, exc, now)
        raise
    return f"{len(run.ingested)} file(s) read"


# A job queued before jobs carried their practice was queued in the company's schema: the
# default practice's, so it runs there.
def _task(name: str) -> Callable[[JobContext, str], str]:
    def job(context: JobContext, practice: str = DEFAULT_PRACTICE) -> str:
        return _run(name, context, practice)

    job.__name__ = name
    return job


def _periodic(name: str) -> Callable[[JobContext, int], str]:
    def tick(context: JobContext, timestamp: int) -> str:
        """The job once in every practice's queue (a practice whose job still waits is
        skipped: the waiting one will do)."""
        queued = 0
        for settings in every_practice(_home(context)):
            practice = settings.practice_id
            key = lock_of(practice, name)
            task = context.app.configure_task(
                _task_name(name), queue=queue_of(practice), lock=key, queueing_lock=key
            )
            try:
                task.defer(practice=practice)
            except AlreadyEnqueued:
                continue
            queued += 1
        return f"{name} queued for {queued} practice(s)"

    tick.__name__ = f"{name}_periodic"
    return tick


def _register(app: App) -> None:
    # The locks are the practice's, given when a job is queued (``lock_of``).
    for name in JOBS:
        app.task(name=_task_name(name), retry=RETRY, pass_context=True)(_task(name))
    for name, cron in SCHEDULE.items():
        app.periodic(cron=cron)(
            app.task(
                name=_task_name(f"{name}_periodic"),
                queue=QUEUE,
                pass_context=True,
                lock=_task_name(f"{name}_periodic"),
            )(_periodic(name))
        )
    app.task(name=_task_name(INGEST_FILE), retry=RETRY, pass_context=True)(_ingest_file)


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
    """Create procrastinate's tables once in the company's store; True when created."""
    app = make_app(settings.company_database_url, synchronous=True)
    with app.open():
        connector = app.connector
        found = connector.execute_query_one(
            "SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS present"
        )
        if found["present"]:
            return False
        app.schema_manager.apply_schema()
        return True


def _files_waiting(settings: Settings, queues: Sequence[str]) -> int:
    """Inbox files whose ingest job is queued in ``queues`` and not yet taken."""
    app = make_app(settings.company_database_url, synchronous=True)
    with app.open():
        row = app.connector.execute_query_one(
            "SELECT count(*) AS waiting FROM procrastinate_jobs "
            "WHERE queue_name = ANY(%(queues)s) AND task_name = %(task)s AND status = 'todo'",
            queues=list(queues),
            task=_task_name(INGEST_FILE),
        )
    return int(row["waiting"])


def run_worker(
    settings: Settings, practices: Sequence[str], *, name: str, concurrency: int, wait: bool
) -> None:
    """Work the queues of ``practices`` (and the periodic ticks) until stopped (``wait``), or
    until they are empty.

    A burst stops as soon as its worker finds nothing to take, but a job still running then may
    queue more (the inbox job queues one job per file): so rounds follow while files wait. A
    file job held back by another worker's lock on the same file waits for that worker."""
    queues = [queue_of(practice) for practice in practices]
    for _ in range(1 if wait else BURST_ROUNDS):
        make_app(settings.company_database_url).run_worker(
            queues=[QUEUE, *queues],
            name=name,
            concurrency=concurrency,
            wait=wait,
            additional_context={SETTINGS_KEY: settings},
            install_signal_handlers=wait,
        )
        if wait or not _files_waiting(settings, queues):
            return
        time.sleep(BURST_PAUSE_SECONDS)


def enqueue(settings: Settings, practices: Sequence[str], names: Sequence[str]) -> list[int]:
    """Defer one job of each name for each practice now (besides the schedule); their ids."""
    app = make_app(settings.company_database_url, synchronous=True)
    with app.open():
        return [
            app.configure_task(
                _task_name(name), queue=queue_of(practice), lock=lock_of(practice, name)
            ).defer(practice=practice)
            for practice in practices
            for name in names
        ]
