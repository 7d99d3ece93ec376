"""The background jobs themselves, free of any queue: each takes the settings and "now".

``watch_inboxes`` reads every file waiting in the inbox (999, 277CA, 271 and 835), each claimed
by renaming it into ``inbox/processing`` so that workers sharing the inbox never read one file
twice; posting's own idempotency key guards the rest. A file whose ingestion fails goes back to
the inbox and the job fails, so the queue retries it with backoff; when the last attempt fails
each such file becomes a work item (:func:`surface_failures`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from claimdesk.bootstrap import Composition, composed
from claimdesk.config import Settings
from claimdesk.domain.money import Money
from claimdesk.domain.work import Problem, WorkKind
from claimdesk.services import statements
from claimdesk.services.eligibility import send_inquiries
from claimdesk.services.inbox import claim_file, ingest_claimed, waiting_files
from claimdesk.services.practice import profile_of
from claimdesk.services.submit import submit
from claimdesk.services.tier2 import chase_unanswered
from claimdesk.services.trading_partners import partners_of
from claimdesk.services.transport import FETCH, SEND, state_folder
from claimdesk.services.transport_fetch import fetch_inbox
from claimdesk.services.transport_schedule import on_schedule
from claimdesk.services.transport_send import send_outbox
from claimdesk.services.work_queue import escalate_overdue, open_item

WORKER_USER = "worker"
INGEST_FILE = "ingest_file"


class InboxFilesFailedError(RuntimeError):
    """Some inbox files could not be ingested; they are back in the inbox for the retry."""

    def __init__(self, failures: dict[str, str]) -> None:
        super().__init__(
            "; ".join(f"{name}: {reason}" for name, reason in sorted(failures.items()))
        )
        self.failures = failures


@dataclass(slots=True)
class InboxRun:
    ingested: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)


def watch_inboxes(parts: Composition, now: datetime) -> InboxRun:
    run = InboxRun()
    for path in waiting_files(parts.settings.inbox):
        _ingest_one(parts, path, now, run)
    if run.failures:
        raise InboxFilesFailedError(run.failures)
    return run


def ingest_inbox_file(parts: Composition, now: datetime, name: str) -> InboxRun:
    """The inbox file ``name`` alone (the queue's job per file); nothing if already taken."""
    run = InboxRun()
    path = parts.settings.inbox / name
    if path.name != name or not path.is_file():
        return run  # read by an earlier job, or not a file of the inbox at all
    _ingest_one(parts, path, now, run)
    if run.failures:
        raise InboxFilesFailedError(run.failures)
    return run


def _ingest_one(parts: Composition, path: Path, now: datetime, run: InboxRun) -> None:
    claimed = claim_file(path)
    if claimed is None:
        return  # another worker took it
    try:
        ingest_claimed(
            parts.uow_factory,
            claimed,
            parts.settings.archive,
            now=now,
            by=WORKER_USER,
            rules=parts.rules,
        )
    except Exception as exc:  # any failure: the file goes back for the retry
        claimed.rename(path)
        run.failures[path.name] = f"{type(exc).__name__}: {exc}"
        return
    run.ingested.append(path.name)


def scrub_and_submit(parts: Composition, now: datetime) -> int | str:
    """Scrub every unbilled claim and write the clean ones to 837P batches (or CMS-1500s in
    outbox/paper for a payer that takes paper only); claims sent or printed.

    Until the practice profile names what every 837 needs, the job sends and holds nothing and
    says which settings are missing (a setup step, not a failure to retry).
    """
    profile = profile_of(parts.uow_factory)
    missing = profile.missing_to_submit()
    if missing:
        return "not run: the practice profile lacks " + ", ".join(s.key for s in missing)
    report = submit(
        parts.uow_factory,
        parts.settings.outbox,
        reference=parts.reference,
        config=parts.scrub_config,
        partners=partners_of(profile),
        now=now,
        by=WORKER_USER,
        policy=parts.routing,
    )
    return sum(b.submitted for b in report.batches) + sum(len(p.claim_ids) for p in report.printed)


def eligibility_sweep(parts: Composition, now: datetime) -> int:
    """270 inquiries for the coverages of unbilled claims that need a check; requests sent."""
    report = send_inquiries(
        parts.uow_factory,
        parts.settings.outbox,
        partners=parts.partners(),
        config=parts.scrub_config,
        now=now,
        policy=parts.routing,
    )
    return report.requests


def follow_up(parts: Composition, now: datetime) -> int:
    """No-response work, and a 276 in the outbox, for claims the payer has not answered."""
    waiting = chase_unanswered(
        parts.uow_factory,
        now=now,
        outbox=parts.settings.outbox,
        partners=parts.partners(),
        policy=parts.routing,
    )
    return len(waiting)


def escalation_sweep(parts: Composition, now: datetime) -> int:
    """Work items past their tier's SLA move up a tier, with the reason recorded."""
    return len(escalate_overdue(parts.uow_factory, now=now, policy=parts.routing))


# A statement goes out on the practice's letterhead and is dated by the practice's day.
STATEMENT_PROFILE = ("name", "time_zone")


def statement_cycle(parts: Composition, now: datetime) -> str:
    """The day's patient statements (docs/statements.md): each account on its own cycle
    (``statements.cycle_days``), so running daily sends each one when it is due. A second run on
    the same practice day finds the first and sends nothing again.

    Until the practice profile names the practice and its time zone, nothing is sent and the job
    says which settings are missing (a setup step, not a failure to retry)."""
    profile = profile_of(parts.uow_factory)
    missing = [key for key in STATEMENT_PROFILE if not profile.get(key)]
    if missing:
        return "not run: the practice profile lacks " + ", ".join(missing)
    done = statements.run(
        parts.uow_factory,
        dunning=parts.dunning,
        archive=parts.settings.archive,
        policy=parts.routing,
        now=now,
        by=WORKER_USER,
    )
    if done.already_run:
        return f"{done.run_date}: already run; nothing sent again"
    return (
        f"{done.run_date}: {len(done.sent)} statement(s), {len(done.skipped)} skipped, "
        f"{len(done.opened)} item(s) opened"
    )


NO_TRANSPORT = "not run: the practice has no transport.toml (docs/transport.md)"


def transport_send(parts: Composition, now: datetime) -> str:
    """Upload the outbox to each partner whose interval (``every_minutes``) has passed; a
    partner that fails is Tier 1 work until an exchange goes through (docs/transport.md)."""
    config = parts.transport
    if config is None:
        return NO_TRANSPORT
    settings = parts.settings
    return on_schedule(
        state_folder(settings.practice_home),
        config,
        SEND,
        now,
        lambda partner: send_outbox(
            parts.uow_factory,
            config,
            outbox=settings.outbox,
            sent=settings.sent,
            state=state_folder(settings.practice_home),
            now=now,
            policy=parts.routing,
            partner=partner,
        ),
    ).summary()


def transport_fetch(parts: Composition, now: datetime) -> str:
    """Download each due partner's new acknowledgments and remittances into the inbox (read by
    ``watch_inboxes``)."""
    config = parts.transport
    if config is None:
        return NO_TRANSPORT
    settings = parts.settings
    return on_schedule(
        state_folder(settings.practice_home),
        config,
        FETCH,
        now,
        lambda partner: fetch_inbox(
            parts.uow_factory,
            config,
            inbox=settings.inbox,
            state=state_folder(settings.practice_home),
            now=now,
            policy=parts.routing,
            partner=partner,
        ),
    ).summary()


JOBS: dict[str, Callable[[Composition, datetime], object]] = {
    "watch_inboxes": watch_inboxes,
    "scrub_and_submit": scrub_and_submit,
    "eligibility_sweep": eligibility_sweep,
    "follow_up": follow_up,
    "escalation_sweep": escalation_sweep,
    "statement_cycle": statement_cycle,
    "transport_send": transport_send,
    "transport_fetch": transport_fetch,
}


def run_as_worker(settings: Settings, name: str, now: datetime) -> object:
    """Job ``name`` as the worker's own system user, through the desk: checked and audited."""
    with composed(settings, clock=lambda: now) as parts:
        desk = parts.desk()
        actor = desk.system_actor(WORKER_USER, "claimdesk worker")
        return desk.run_job(actor, name, lambda: JOBS[name](parts, now), str)


def ingest_file_as_worker(settings: Settings, name: str, now: datetime) -> InboxRun:
    """One inbox file as the worker's system user, through the desk: checked and audited."""
    with composed(settings, clock=lambda: now) as parts:
        desk = parts.desk()
        actor = desk.system_actor(WORKER_USER, "claimdesk worker")
        return desk.run_job(
            actor,
            f"{INGEST_FILE}:{name}"[:120],
            lambda: ingest_inbox_file(parts, now, name),
            lambda run: f"{len(run.ingested)} file(s) read",
        )


def surface_failures(settings: Settings, job: str, error: Exception, now: datetime) -> int:
    """A job that keeps failing becomes work: one item per failed inbox file (an 835 for Tier 2
    remittance work, any other file for Tier 1), one for any other job. Items opened."""
    failures = error.failures if isinstance(error, InboxFilesFailedError) else {"": str(error)}
    opened = 0
    with composed(settings) as parts:
        for name, reason in sorted(failures.items()):
            remittance = name.endswith(".835")
            kind = (
                WorkKind.OUT_OF_BALANCE_REMITTANCE
                if remittance
                else WorkKind.CLEARINGHOUSE_REJECTION
            )
            subject = f"file {name}" if name else f"job {job}"
            problem = Problem(
                kind=kind,
                category="job_failure",
                problem_key=f"job:{job}:{name}"[:120],
                amount_at_stake=Money.zero(),
                summary=f"{subject} failed after every retry: {reason}"[:1000],
            )
            made = open_item(
                parts.uow_factory, problem, now=now, by=WORKER_USER, policy=parts.routing
            )
            opened += int(made.created)
    return opened
