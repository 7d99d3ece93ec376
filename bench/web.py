"""The web desk at scale (issue 8): the queue page and the item view with 1,000,000 open items.

Loads the items as ``bench queue`` does (COPY into a throw-away PostgreSQL database), signs a
Tier 2 person in, and times whole HTTP answers through the ASGI app: their median against the
100 ms target. The items refer to claims that are not loaded, so the item view here reads the
item, its history and the audit append, not a claim's ledger.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import text

from bench.queue import ADMIN_URL, COLUMNS, ITEMS, PG_HOST, PG_PORT, _copy_text, _median_ms
from bench.queue import _reachable as postgres_reachable
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.security.accounts import set_password
from claimdesk.services.users import add_user
from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import upgrade_to_head
from claimdesk.store.uow import unit_of_work_factory
from claimdesk.web.app import create_app
from claimdesk.web.config import DeskConfig

TARGET_MS = 100.0
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "benchmark password"


def run() -> None:
    if not postgres_reachable():
        print(f"web: skipped, PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}")
        return
    name = f"claimdesk_bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{name}")
    try:
        upgrade_to_head(engine)
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy(f"COPY work_items ({COLUMNS}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                copy.write(_copy_text(ITEMS).getvalue())
            cursor.execute("ANALYZE work_items")
            raw.commit()
        finally:
            raw.close()
        uow_factory = unit_of_work_factory(engine)
        add_user(uow_factory, user_id="root", name="Root", role=Role.ADMIN, by="root", now=NOW)
        add_user(uow_factory, user_id="bo", name="Bo", role=Role.TIER2, by="root", now=NOW)
        set_password(uow_factory, "bo", PASSWORD, by="root", now=NOW)
        app = create_app(DeskConfig(uow_factory=uow_factory, policy=shipped_policy()))
        client = TestClient(app, base_url="https://desk", follow_redirects=False)
        client.post("/login", data={"user_id": "bo", "password": PASSWORD})
        queue_page = client.get("/queue")
        found = re.search(r'href="/items/(\d+)"', queue_page.text)
        if queue_page.status_code != 200 or found is None:
            raise RuntimeError(f"web: the queue page answered {queue_page.status_code}")
        item_path = f"/items/{found.group(1)}"

        def queue() -> object:
            return client.get("/queue")

        def item() -> object:
            return client.get(item_path)

        verdict = {True: "meets", False: "MISSES"}
        for label, work in (("queue page", queue), ("item view", item)):
            start = time.perf_counter()
            median = _median_ms(work)
            print(
                f"web: {label} with {ITEMS:,} open items median {median:6.2f} ms "
                f"({time.perf_counter() - start:.1f} s in all); target {TARGET_MS:.0f} ms: "
                f"{verdict[median < TARGET_MS]}"
            )
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
