"""The web desk at scale (issues 8 and 17): the queue page, the item view, the claims worklist
(filtered, sorted, page 100), search (by claim id and by patient account) and the claim page
with 1,000,000 claims.

A synthetic practice goes through the real services into a throw-away PostgreSQL database:
import, submit, the payer simulator's acknowledgments and remittances, posting. Its claims are
the templates: each is copied with COPY under new ids (encounter, diagnoses, service lines,
claim, status history, ledger entries and postings) until there are 1,000,000 claims, and
every copy gets an open work item. A Tier 2 person signs in and whole HTTP answers are timed
through the ASGI app: the median of each against the 100 ms target.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from bench.queue import ADMIN_URL, PG_HOST, PG_PORT, _median_ms
from bench.queue import _reachable as postgres_reachable
from claimdesk.bootstrap import shipped_rules
from claimdesk.bundle.reader import read_bundle
from claimdesk.codes.reference import load_config, load_reference
from claimdesk.config import Settings
from claimdesk.denials.table import shipped_table
from claimdesk.desk.config import DeskConfig
from claimdesk.http.app import create_app
from claimdesk.payer_sim.files import answer_files, deliver_remittances
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.world import PayerWorld
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.security.accounts import SignInPolicy, set_password
from claimdesk.security.secret_box import box_from_file
from claimdesk.services.acknowledgments import ingest_tier1_path
from claimdesk.services.import_folder import import_folder
from claimdesk.services.post_remittance import post_bytes
from claimdesk.services.setup import set_up
from claimdesk.services.submit import submit
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.services.users import add_user
from claimdesk.store.engine import make_engine
from claimdesk.store.uow import UnitOfWork, unit_of_work_factory
from claimdesk.synth.practice import write_practice

# The synthetic practice's today in this file's bundles, and the days of visits before it.
REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365

CLAIMS = int(os.environ.get("BENCH_WEB_CLAIMS", "1000000"))
TARGET_MS = 100.0
SUBMITTED = datetime(REFERENCE_DATE.year, REFERENCE_DATE.month, REFERENCE_DATE.day, 18, tzinfo=UTC)
PAID = SUBMITTED + timedelta(days=45)
PARTNERS = TradingPartners(submitter_id="RFMG001", contact_name="Billing", phone="6145550100")
PASSWORD = "benchmark password"

Row = tuple[Any, ...]
UowFactory = Callable[[], UnitOfWork]
# Per table: the columns copied (serial ids left to the database) and the columns that carry a
# claim's own ids, which each copy suffixes.
CLONED: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("encounters", "encounter_id", ("encounter_id",)),
    ("encounter_diagnoses", "encounter_id", ("encounter_id",)),
    ("service_lines", "encounter_id", ("encounter_id",)),
    ("claims", "claim_id", ("claim_id", "encounter_id")),
    ("claim_status_history", "claim_id", ("claim_id",)),
    ("ledger_entries", "entry_id", ("entry_id", "reverses")),
    ("ledger_postings", "entry_id", ("entry_id", "claim_id")),
)
ITEM_COLUMNS = (
    "kind, category, tier, queue, problem_key, open_key, claim_id, patient_account, payer_id,"
    " amount_at_stake, deadline_kind, appeal_rights, summary, failures, status, created_at,"
    " priority, recovery_rate, rate_source, expected_recovery, effort_minutes, urgency"
)


def _practice(settings: Settings, folder: Path) -> UowFactory:
    """A small practice worked through submission and posting by the real services."""
    write_practice(
        folder,
        patients=80,
        encounters=240,
        seed=8,
        defect_rate=0.1,
        as_of=REFERENCE_DATE,
        days=PERIOD_DAYS,
    )
    set_up(settings)
    imported = import_folder(settings, folder, user="bench", now=SUBMITTED)
    if imported.report is None:
        raise RuntimeError(f"web: the synthetic practice did not import: {imported.errors}")
    uow_factory = unit_of_work_factory(make_engine(settings.effective_database_url))
    submit(
        uow_factory,
        settings.outbox,
        reference=load_reference(settings.home / "codes"),
        config=load_config(settings.home),
        partners=PARTNERS,
        now=SUBMITTED,
        by="bench",
        policy=shipped_policy(),
    )
    read = read_bundle(folder)
    assert read.bundle is not None
    simulator = PayerSimulator(PayerWorld.from_bundle(read.bundle))
    answers, _ = answer_files(
        simulator, settings.outbox.glob("837P-*.x12"), settings.inbox, SUBMITTED.date()
    )
    for path in answers:
        ingest_tier1_path(
            uow_factory, path, now=SUBMITTED + timedelta(days=1), policy=shipped_policy()
        )
    for path in deliver_remittances(simulator, settings.inbox, PAID.date()):
        post_bytes(
            uow_factory,
            path.read_bytes(),
            name=path.name,
            now=PAID,
            by="bench",
            table=shipped_table(),
            policy=shipped_policy(),
        )
    return uow_factory


def _templates(cursor: Any) -> dict[str, tuple[list[str], list[Row]]]:
    """The rows of every claim (its columns and rows per table), ledger entries whose
    postings all name one claim."""
    cursor.execute("SELECT claim_id, encounter_id FROM claims ORDER BY claim_id")
    claims = cursor.fetchall()
    encounters = sorted({e for _, e in claims})
    cursor.execute(
        "SELECT entry_id FROM ledger_postings GROUP BY entry_id "
        "HAVING count(DISTINCT claim_id) = 1 AND bool_and(claim_id IS NOT NULL)"
    )
    entries = sorted(e for (e,) in cursor.fetchall())
    keys = {"encounter_id": encounters, "claim_id": [c for c, _ in claims], "entry_id": entries}
    found: dict[str, tuple[list[str], list[Row]]] = {}
    for table, key, _suffixed in CLONED:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s AND column_name <> 'id' ORDER BY ordinal_position",
            (table,),
        )
        columns = [c for (c,) in cursor.fetchall()]
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE {key} = ANY(%s)", (keys[key],)
        )
        found[table] = (columns, cursor.fetchall())
    return found


def _copies(
    columns: Sequence[str], rows: Sequence[Row], suffixed: Sequence[str], rounds: int
) -> Callable[[Any], None]:
    places = [columns.index(c) for c in suffixed]

    def write(copy: Any) -> None:
        for n in range(1, rounds + 1):
            tail = f"X{n}"
            for row in rows:
                cells = list(row)
                for place in places:
                    if cells[place] is not None:
                        cells[place] = f"{cells[place]}{tail}"
                copy.write_row(cells)

    return write


def _load(engine: Engine) -> int:
    """Copy the practice's claims up to CLAIMS claims; one open work item per copy."""
    raw = engine.raw_connection()
    try:
        cursor: Any = raw.cursor()
        templates = _templates(cursor)
        per_round = len(templates["claims"][1])
        rounds = max(1, -(-(CLAIMS - per_round) // per_round))  # rounded up
        for table, _key, suffixed in CLONED:
            columns, rows = templates[table]
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                _copies(columns, rows, suffixed, rounds)(copy)
        claim_columns = templates["claims"][0]
        at = {name: claim_columns.index(name) for name in ("claim_id", "payer_id")}
        cursor.execute(
            "SELECT c.claim_id, e.patient_account FROM claims c "
            "JOIN encounters e USING (encounter_id)"
        )
        patients = dict(cursor.fetchall())
        policy = shipped_policy()
        queues = list(policy.queues().items())
        created = PAID.isoformat()
        with cursor.copy(f"COPY work_items ({ITEM_COLUMNS}) FROM STDIN") as copy:
            for n in range(1, rounds + 1):
                for index, row in enumerate(templates["claims"][1]):
                    claim_id = f"{row[at['claim_id']]}X{n}"
                    queue, tier = queues[(n * per_round + index) % len(queues)]
                    cents = 1_000 + (n * 7919 + index * 104729) % 2_000_000
                    copy.write_row(
                        (
                            "denial",
                            "coding",
                            tier,
                            queue,
                            "denial:coding",
                            f"{claim_id}|denial:coding",
                            claim_id,
                            patients[claim_id],
                            row[at["payer_id"]],
                            f"{cents / 100:.2f}",
                            "",
                            True,
                            "CO-16 claim lacks information",
                            1,
                            "open",
                            created,
                            f"{cents * 12 // 1000 / 100:.2f}",
                            "0.6000",
                            "default",
                            f"{cents * 6 // 10 / 100:.2f}",
                            30,
                            "1.000",
                        )
                    )
        for table, _key, _suffixed in CLONED:
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("ANALYZE work_items")
        cursor.execute("SELECT count(*) FROM claims")
        (count,) = cursor.fetchone()
        raw.commit()
        return int(count)
    finally:
        raw.close()


# A Tier 2 biller's worklist: paid claims with a balance left, largest first, far into the list.
_WORKLIST = "/claims?status=paid&sort=balance&order=desc&page=100"


def _first(pattern: str, page: str, what: str) -> str:
    found = re.search(pattern, page)
    if found is None:
        raise RuntimeError(f"web: the item view links to no {what}")
    return found.group(1)


def run() -> None:
    if not postgres_reachable():
        print(f"web: skipped, PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}")
        return
    name = f"claimdesk_bench_{uuid.uuid4().hex[:12]}"
    url = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{name}"
    admin = make_engine(ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(home=Path(tmp) / "home", database_url=url)
            started = time.perf_counter()
            uow_factory = _practice(settings, Path(tmp) / "bundle")
            claims = _load(engine)
            print(f"web: loaded {claims:,} claims in {time.perf_counter() - started:.0f} s")
            add_user(uow_factory, user_id="root", name="Root", role=Role.ADMIN, by="root", now=PAID)
            add_user(uow_factory, user_id="bo", name="Bo", role=Role.TIER2, by="root", now=PAID)
            # Bo chooses their own password: one an admin sets must be changed at sign-in.
            set_password(uow_factory, "bo", PASSWORD, by="bo", now=PAID)
            config = DeskConfig(
                uow_factory=uow_factory,
                rules=shipped_rules(),
                sign_in=SignInPolicy(box_from_file(settings.totp_key_file)),
                settings=settings,
            )
            client = TestClient(create_app(config), base_url="https://desk", follow_redirects=False)
            client.post("/login", data={"user_id": "bo", "password": PASSWORD})
            queue_page = client.get("/queue")
            found = re.search(r'href="/items/(\d+)"', queue_page.text)
            if queue_page.status_code != 200 or found is None:
                raise RuntimeError(f"web: the queue page answered {queue_page.status_code}")
            item_path = f"/items/{found.group(1)}"
            item_page = client.get(item_path)
            if item_page.status_code != 200 or "Ledger" not in item_page.text:
                raise RuntimeError(f"web: the item view answered {item_page.status_code}")

            claim_id = _first(r'href="/claims/([^"/]+)"', item_page.text, "a claim")
            account = _first(r'href="/patients/([^"/]+)"', item_page.text, "a patient")
            pages = (
                ("queue page", "/queue"),
                ("item view", item_path),
                ("claims worklist, paid, by balance, page 100", _WORKLIST),
                ("search by claim id", f"/search?q={claim_id}"),
                ("search by patient account", f"/search?q={account}"),
                ("claim page", f"/claims/{claim_id}"),
            )
            verdict = {True: "meets", False: "MISSES"}
            for label, path in pages:
                answer = client.get(path)
                if answer.status_code != 200:
                    raise RuntimeError(f"web: {path} answered {answer.status_code}")

                def work(path: str = path) -> object:
                    return client.get(path)

                start = time.perf_counter()
                median = _median_ms(work)
                print(
                    f"web: {label} with {claims:,} claims median {median:6.2f} ms "
                    f"({time.perf_counter() - start:.1f} s in all); target {TARGET_MS:.0f} ms: "
                    f"{verdict[median < TARGET_MS]}"
                )
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
