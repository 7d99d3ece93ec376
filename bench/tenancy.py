"""Client practices at scale (issue 15): a billing company's practices in one PostgreSQL.

Each practice has its own schema and role (docs/tenancy.md). Loads open work items into every
practice with COPY and a synthetic practice's books into one, then times, as medians:

- "next item across practices": the best item of a Tier 2 person's queues across every
  practice granted to them, taken and leased (the billing company's one queue); target 20 ms;
- one practice's dashboard page with 50,000 claims of two years' books, every month before
  today closed (the books, the queue productivity, and the year's KPI report, trend and
  prevention loop); target 1 s;
- the wall's overhead: "next item" in one practice on its own role's connection against the
  same query on the login role's connection with only the search path set.

Sizes: BENCH_TENANCY_PRACTICES (20), BENCH_TENANCY_ITEMS open items per practice (50,000),
BENCH_TENANCY_CLAIMS per practice (50,000), generated in each practice's schema as
``bench.analytics`` generates a practice.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import uuid
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from time import perf_counter

from sqlalchemy import text

from bench import analytics
from bench.queue import (
    ADMIN_URL,
    COLUMNS,
    PG_HOST,
    PG_PORT,
    _copy_text,
    _median_ms,
    _reachable,
)
from claimdesk.bootstrap import Composition, shipped_rules
from claimdesk.config import Settings, practice_role
from claimdesk.desk.billing import BillingDesk
from claimdesk.desk.company import CompanyDesk
from claimdesk.desk.desk import UowFactory
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services import work_queue
from claimdesk.services.practices import add_practice, grant_practice
from claimdesk.services.setup import set_up
from claimdesk.services.users import add_user
from claimdesk.store.engine import make_engine
from claimdesk.store.uow import unit_of_work_factory

PRACTICES = int(os.environ.get("BENCH_TENANCY_PRACTICES", "20"))
ITEMS = int(os.environ.get("BENCH_TENANCY_ITEMS", "50000"))
CLAIMS = int(os.environ.get("BENCH_TENANCY_CLAIMS", "50000"))
DASHBOARD_SAMPLES = 5  # a page of seconds, not of milliseconds: five give a stable median
NEXT_TARGET_MS, DASHBOARD_TARGET_MS = 20.0, 1000.0
NOW = datetime.combine(analytics.TODAY, time(9), tzinfo=UTC)
VERDICT = {True: "meets", False: "MISSES"}


def _load_items(settings: Settings) -> None:
    engine = make_engine(settings.effective_database_url)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY work_items ({COLUMNS}) FROM STDIN") as copy:
            copy.write(_copy_text(ITEMS).getvalue())
        cursor.execute("ANALYZE work_items")
        raw.commit()
    finally:
        raw.close()
        engine.dispose()


def _company(home: Path, url: str) -> tuple[Settings, list[str]]:
    settings = Settings(home=home, database_url=url)
    set_up(settings)
    company = make_engine(url)
    company_uow = unit_of_work_factory(company)
    add_user(company_uow, user_id="root", name="Root", role=Role.ADMIN, by="root", now=NOW)
    add_user(company_uow, user_id="bo", name="Bo", role=Role.TIER2, by="root", now=NOW)
    add_user(company_uow, user_id="meg", name="Meg", role=Role.MANAGER, by="root", now=NOW)
    ids = [f"p{n:02d}_{uuid.uuid4().hex[:6]}" for n in range(PRACTICES)]
    start = perf_counter()
    for practice in ids:
        store = dataclasses.replace(settings, practice=practice)
        set_up(store)
        engine = make_engine(store.effective_database_url)
        add_practice(company_uow, unit_of_work_factory(engine), practice, practice, "root", NOW)
        engine.dispose()
        for person in ("bo", "meg"):
            grant_practice(
                company_uow, user_id=person, practice_id=practice, queue="", by="root", now=NOW
            )
        _load_items(store)
        _books(settings, practice, close=practice == ids[0])
    company.dispose()
    print(
        f"tenancy: {PRACTICES} practices, each a schema and role with {ITEMS:,} open items, "
        f"and {CLAIMS:,} claims, set up in {perf_counter() - start:.1f} s"
    )
    return settings, ids


def _books(settings: Settings, practice: str, *, close: bool) -> None:
    """Two years of a practice's books in its schema, on the login role (the generator skips
    the foreign-key triggers, which only a superuser may); the months before today closed in
    the practice whose dashboard is timed."""
    engine = make_engine(_unwalled(settings, practice))
    try:
        analytics.build(engine, CLAIMS)
        if close:
            analytics.close_months(engine)
    finally:
        engine.dispose()


def _unwalled(settings: Settings, practice: str) -> str:
    """The login role's connection with only the practice's schema on its search path."""
    return f"{settings.database_url}?options=-csearch_path%3Dpractice_{practice}"


def _bench(settings: Settings, ids: list[str]) -> None:
    parts = Composition(dataclasses.replace(settings, practice=ids[0]))
    rules = shipped_rules()
    tick = iter(range(10**9))

    def clock() -> datetime:
        return NOW + timedelta(microseconds=next(tick))

    def desk_of(practice: str) -> BillingDesk:
        uow_factory, store = parts.practice_store(practice)
        return BillingDesk(uow_factory, rules, clock, store)

    company = CompanyDesk(desk_of, ids[0])
    try:
        home_desk = company.home
        bo = home_desk.actor_named("bo")
        across = _median_ms(lambda: company.next_across(bo))
        print(
            f"tenancy: next item across {PRACTICES} practices median {across:6.2f} ms; "
            f"target {NEXT_TARGET_MS:.0f} ms: {VERDICT[across < NEXT_TARGET_MS]}"
        )
        manager = home_desk.actor_named("meg")

        dashboard = _median_ms(lambda: home_desk.dashboard_page(manager), DASHBOARD_SAMPLES)
        print(
            f"tenancy: one practice's dashboard page ({CLAIMS:,} claims) median "
            f"{dashboard:7.2f} ms; target {DASHBOARD_TARGET_MS:.0f} ms: "
            f"{VERDICT[dashboard < DASHBOARD_TARGET_MS]}"
        )
        _overhead(settings, ids[1])
    finally:
        parts.close()


def _overhead(settings: Settings, practice: str) -> None:
    """The same "next item" on the practice's own role, and on the login role with only the
    practice's schema on its search path: what the wall costs."""
    walled = dataclasses.replace(settings, practice=practice)
    unwalled = _unwalled(settings, practice)
    policy = shipped_policy()
    tick = iter(range(10**9))
    medians = {}
    company = make_engine(settings.database_url)
    for label, url in (("practice role", walled.effective_database_url), ("login role", unwalled)):
        engine = make_engine(url)
        uow_factory = unit_of_work_factory(engine, company, practice)

        def take(uow_factory: UowFactory = uow_factory) -> object:
            now = NOW + timedelta(microseconds=next(tick))
            return work_queue.next_item(uow_factory, "bo", now=now, policy=policy)

        medians[label] = _median_ms(take)
        engine.dispose()
    company.dispose()
    ratio = medians["practice role"] / medians["login role"]
    print(
        f"tenancy: next item in one practice on its role {medians['practice role']:6.2f} ms, "
        f"on the login role {medians['login role']:6.2f} ms (x{ratio:.2f}: the wall's cost)"
    )


def run() -> None:
    if not _reachable():
        print(f"tenancy: skipped, PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}")
        return
    name = f"claimdesk_bench_{uuid.uuid4().hex[:12]}"
    url = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{name}"
    admin = make_engine(ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    ids: list[str] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings, ids = _company(Path(folder), url)
            _bench(settings, ids)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for practice in ids:
                connection.execute(text(f"DROP ROLE IF EXISTS {practice_role(practice)}"))
        admin.dispose()
