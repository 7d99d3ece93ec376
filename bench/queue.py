"""Work-queue hand-out at scale (issue 4): 1,000,000 open items in PostgreSQL.

Loads the items with COPY into a throw-away database, then times "next item" for a Tier 2 user
(five queues) and a first queue-listing page. Targets: median under 20 ms and 100 ms.
"""

from __future__ import annotations

import io
import os
import random
import socket
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services import work_queue
from claimdesk.services.users import add_user
from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import upgrade_to_head
from claimdesk.store.uow import unit_of_work_factory

ITEMS = int(os.environ.get("BENCH_QUEUE_ITEMS", "1000000"))
SAMPLES = 200
PG_HOST, PG_PORT = "127.0.0.1", 5432
ADMIN_URL = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres"
NEXT_TARGET_MS, PAGE_TARGET_MS = 20.0, 100.0
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COLUMNS = (
    "kind, category, tier, queue, problem_key, open_key, claim_id, amount_at_stake, deadline_kind,"
    " appeal_rights, summary, failures, status, created_at, priority, recovery_rate, rate_source,"
    " expected_recovery, effort_minutes, urgency"
)


def _reachable() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=2):
            return True
    except OSError:
        return False


def _copy_text(count: int) -> io.StringIO:
    """Tab-separated rows spread over every queue, with varied amounts and priorities."""
    policy = shipped_policy()
    queues = list(policy.queues().items())
    rng = random.Random(4)
    out = io.StringIO()
    created = NOW.isoformat()
    for n in range(count):
        queue, tier = queues[n % len(queues)]
        cents = rng.randrange(1_000, 2_000_000)
        expected = cents * 6 // 10
        priority = expected * 2
        out.write(
            f"denial\tcoding\t{tier}\t{queue}\tdenial:coding\tB{n}|denial:coding\tB{n}\t"
            f"{cents / 100:.2f}\t\tt\t\t1\topen\t{created}\t{priority / 100:.2f}\t0.6000\t"
            f"default\t{expected / 100:.2f}\t30\t1.000\n"
        )
    out.seek(0)
    return out


def _median_ms(work: Callable[[], object], samples: int = SAMPLES) -> float:
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run() -> None:
    if not _reachable():
        print(f"queue: skipped, PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}")
        return
    name = f"claimdesk_bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{name}")
    try:
        upgrade_to_head(engine)
        start = time.perf_counter()
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy(f"COPY work_items ({COLUMNS}) FROM STDIN") as copy:
                copy.write(_copy_text(ITEMS).getvalue())
            cursor.execute("ANALYZE work_items")
            raw.commit()
        finally:
            raw.close()
        print(
            f"queue: loaded {ITEMS:,} open items with COPY in {time.perf_counter() - start:.1f} s"
        )
        uow_factory = unit_of_work_factory(engine)
        policy = shipped_policy()
        add_user(uow_factory, user_id="root", name="Root", role=Role.ADMIN, by="root", now=NOW)
        add_user(uow_factory, user_id="bo", name="Bo", role=Role.TIER2, by="root", now=NOW)
        queues = policy.queues_of_tier(2)
        tick = iter(range(10**9))

        def take() -> object:
            now = NOW + timedelta(microseconds=next(tick))
            return work_queue.next_item(uow_factory, "bo", now=now, policy=policy)

        def page() -> object:
            return work_queue.list_queue(uow_factory, queues=queues, limit=50)

        next_ms, page_ms = _median_ms(take), _median_ms(page)
        verdict = {True: "meets", False: "MISSES"}
        print(
            f"queue: next item (tier 2, {len(queues)} queues) median {next_ms:6.2f} ms; "
            f"target {NEXT_TARGET_MS:.0f} ms: {verdict[next_ms < NEXT_TARGET_MS]}"
        )
        print(
            f"queue: listing page of 50 median {page_ms:6.2f} ms; "
            f"target {PAGE_TARGET_MS:.0f} ms: {verdict[page_ms < PAGE_TARGET_MS]}"
        )
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
