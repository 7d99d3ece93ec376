"""Analytics at scale (issue 13): the dashboard, the KPI report and an A/R drill-down page with
100,000 and 1,000,000 claims in PostgreSQL, each against the 1 s target.

The practice is generated inside PostgreSQL (``INSERT ... SELECT generate_series``, with the
secondary indexes dropped during the load and made again after it, then the KPI rollups filled
by the same statement as the migration's backfill), not by the simulator: per claim one
encounter and service line, a status history, and in realistic shares an 835 claim payment
with its ledger entries (payment, contractual adjustment, transfer to the patient, a patient
payment), a denial left open, a claim submitted and not yet paid, or a claim held before
billing. Dates of service spread over the two years to the benchmark's today; every month
before today's is then closed through the close use case, as a practice closes each month end.
``BENCH_ANALYTICS_CLAIMS`` (comma separated) changes the sizes.
"""

from __future__ import annotations

import os
import socket
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from bench.timing import Timing, timed
from claimdesk.analytics.position import ArFilter
from claimdesk.bootstrap import shipped_rules
from claimdesk.domain.periods import Month
from claimdesk.services import dashboard, receivables
from claimdesk.services.close import close_period
from claimdesk.services.kpis import first_pass_figures, kpi_report
from claimdesk.services.practice_summary import PracticeSummary, practice_summary
from claimdesk.store import first_adjustments, ledger_days, open_sums, patient_since, rollups
from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import upgrade_to_head
from claimdesk.store.uow import UnitOfWork, unit_of_work_factory

SIZES = tuple(
    int(n) for n in os.environ.get("BENCH_ANALYTICS_CLAIMS", "100000,1000000").split(",") if n
)
TARGET_S = 1.0
TODAY = date(2026, 9, 30)
SPREAD_DAYS = 730
PAYERS = 10
PG_HOST, PG_PORT = "127.0.0.1", 5432
ADMIN_URL = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres"

# Shares of claims (per 100): held before billing, submitted and unanswered, denied, paid.
HELD, WAITING, DENIED = 3, 8, 13

_REFERENCE = (
    "INSERT INTO payers (payer_id, name, kind, timely_filing_days, appeal_window_days, "
    "member_id_pattern) SELECT 'PY' || g, 'Payer ' || g, 'commercial', 90, 180, '' "
    f"FROM generate_series(0, {PAYERS - 1}) g",
    "INSERT INTO providers (npi, kind, name, first_name, taxonomy, tax_id) VALUES "
    "('1234567893', '1', 'Jones', 'Ann', '207Q00000X', ''), "
    "('9876543213', '2', 'Clinic', '', '261QP2300X', '123456789')",
    "INSERT INTO facilities VALUES ('F1', 'Main office', '11', '9876543213', '1 Main St', '', "
    "'Springfield', 'IL', '62701')",
)


def _steps(claims: int) -> list[str]:
    """The generating statements; ``g`` is the claim number, its day of service ``d``."""
    patients = max(1, claims // 4)
    day = f"(DATE '{TODAY.isoformat()}' - (g % {SPREAD_DAYS}))"
    charge = "(100 + (g % 50) * 5)::numeric(12,2)"
    paid_share = f"g % 100 >= {DENIED}"
    seq = f"generate_series(1, {claims}) g"
    return [
        # A parent answers for every fourth patient, two children each.
        "INSERT INTO guarantors (account, last_name, first_name, phone, address_line1, "
        "address_line2, city, state, postal_code) SELECT 'G' || g, 'Doe', 'Parent', '', "
        f"'1 Elm St', '', 'Springfield', 'IL', '62701' FROM generate_series(0, {patients // 8}) g",
        "INSERT INTO patients (account, last_name, first_name, middle_name, birth_date, sex, "
        "phone, address_line1, address_line2, city, state, postal_code, guarantor_account) "
        "SELECT 'P' || g, 'Doe', 'Pat', '', DATE '1970-01-01' + (g % 15000), 'F', '', "
        "'1 Elm St', '', 'Springfield', 'IL', '62701', CASE WHEN g % 4 = 0 THEN 'G' || (g / 8) "
        f"END FROM generate_series(0, {patients - 1}) g",
        "INSERT INTO encounters SELECT 'E' || g, 'P' || (g % "
        f"{patients}), '1234567893', '9876543213', 'F1', {day}, '', '' FROM {seq}",
        "INSERT INTO service_lines (encounter_id, line_number, procedure_code, charge, units, "
        "date_of_service, place_of_service, modifier1, modifier2, modifier3, modifier4, pointer1) "
        f"SELECT 'E' || g, 1, '99213', {charge}, 1, {day}, '11', '', '', '', '', 1 FROM {seq}",
        "INSERT INTO claims SELECT 'C' || g, 'E' || g, NULL, 'PY' || (g % "
        f"{PAYERS}), CASE WHEN g % 100 < {HELD} THEN 'held' WHEN g % 100 < {WAITING} THEN "
        f"'submitted' WHEN g % 100 < {DENIED} THEN 'denied' ELSE 'paid' END, '1', '', '', "
        f"{day} + TIME '09:00', 'bench' FROM {seq}",
        # History: created, then held or ready + submitted, then the 835's verdict, a day apart
        # and none after the benchmark's today.
        "INSERT INTO claim_status_history (claim_id, seq, at, by, from_status, to_status, reason) "
        f"SELECT 'C' || g, s.n, LEAST({day} + TIME '09:00' + s.n * INTERVAL '1 day', "
        f"DATE '{TODAY.isoformat()}' + TIME '12:00'), 'bench', NULL, "
        "s.status, '' FROM "
        f"{seq} CROSS JOIN LATERAL (VALUES (1, 'draft'), (2, CASE WHEN g % 100 < {HELD} "
        "THEN 'held' ELSE 'ready' END), (3, 'submitted'), (4, CASE WHEN g % 100 < "
        f"{DENIED} THEN 'denied' ELSE 'paid' END)) AS s(n, status) WHERE s.n <= CASE "
        f"WHEN g % 100 < {HELD} THEN 2 WHEN g % 100 < {WAITING} THEN 3 ELSE 4 END",
        "INSERT INTO remittances SELECT 'R' || p || '-' || d, 'PY' || p, 'RFMG', 'T' || p || "
        "'-' || d, md5('R' || p || d), '0001', 0, 0, 0, DATE '"
        f"{TODAY.isoformat()}' - d + 25, 'posted', '', DATE '{TODAY.isoformat()}' - d + 25 + "
        f"TIME '12:00', 'bench' FROM generate_series(0, {PAYERS - 1}) p, "
        f"generate_series(0, {SPREAD_DAYS - 1}) d",
        "INSERT INTO claim_payments (remittance_id, position_index, patient_control_number, "
        "claim_id, status, clp_status, charge, paid, patient_share, denied, shortfall, "
        "payer_claim_number, crossed_over, reason, entry_ids, adjudication) SELECT 'R' || (g % "
        f"{PAYERS}) || '-' || (g % {SPREAD_DAYS}), g, 'C' || g, 'C' || g, 'posted', CASE WHEN "
        f"{paid_share} THEN '1' ELSE '4' END, {charge}, CASE WHEN {paid_share} THEN "
        f"round({charge} * 0.6, 2) ELSE 0 END, CASE WHEN {paid_share} THEN round({charge} * "
        f"0.1, 2) ELSE 0 END, CASE WHEN {paid_share} THEN 0 ELSE {charge} END, 0, 'X' || g, "
        "false, '', '[]', CASE WHEN "
        f"{paid_share} THEN json_build_object('adjustments', json_build_array(json_build_array("
        f"'CO', '45', round({charge} * 0.3, 2)::text), json_build_array('PR', '2', "
        f"round({charge} * 0.1, 2)::text))) ELSE json_build_object('adjustments', "
        f"json_build_array(json_build_array('CO', '50', {charge}::text))) END "
        f"FROM {seq} WHERE g % 100 >= {WAITING}",
        # The ledger: kind, day offset from service, debit, credit, amount, and which claims.
        *(
            statement
            for kind, offset, debit, credit, amount, where in _ledger_kinds(charge, paid_share)
            for statement in _ledger(claims, kind, offset, debit, credit, amount, where, day)
        ),
    ]


def _ledger_kinds(charge: str, paid_share: str) -> tuple[tuple[str, int, str, str, str, str], ...]:
    """What the 835s and the patients did: 60% paid, 30% contractual, 10% to the patient, who
    pays it on every other claim 60 days after service."""
    return (
        ("charge", 0, "ar:insurance", "revenue:gross-charges", charge, "true"),
        (
            "insurance_payment",
            25,
            "cash",
            "ar:insurance",
            f"round({charge} * 0.6, 2)",
            paid_share,
        ),
        (
            "contractual_adjustment",
            25,
            "adjustment:contractual",
            "ar:insurance",
            f"round({charge} * 0.3, 2)",
            paid_share,
        ),
        (
            "transfer_to_patient",
            25,
            "ar:patient",
            "ar:insurance",
            f"{charge} - round({charge} * 0.6, 2) - round({charge} * 0.3, 2)",
            paid_share,
        ),
        (
            "patient_payment",
            60,
            "cash",
            "ar:patient",
            f"{charge} - round({charge} * 0.6, 2) - round({charge} * 0.3, 2)",
            f"{paid_share} AND g % 2 = 0",
        ),
    )


def _ledger(
    claims: int, kind: str, offset: int, debit: str, credit: str, amount: str, where: str, day: str
) -> tuple[str, str]:
    """Entries of ``kind`` (one per matching claim, ``offset`` days after its service, none in
    the future) and their two postings, debit then credit."""
    effective = f"{day} + {offset}"
    rows = f"FROM generate_series(1, {claims}) g"
    condition = f"WHERE {where} AND {effective} <= DATE '{TODAY.isoformat()}'"
    entries = (
        "INSERT INTO ledger_entries (entry_id, kind, effective, recorded_at, recorded_by, source, "
        f"memo) SELECT '{kind}-' || g, '{kind}', {effective}, {effective} + TIME '12:00', "
        f"'bench', '', '' {rows} {condition}"
    )
    postings = (
        "INSERT INTO ledger_postings (entry_id, position, account, amount, patient_account, "
        f"claim_id, line_number, payer_id, effective) SELECT '{kind}-' || g, side.position, "
        f"side.account, side.sign * ({amount}), 'P' || (g % {max(1, claims // 4)}), 'C' || g, 1, "
        f"'PY' || (g % {PAYERS}), {effective} {rows} CROSS JOIN (VALUES (1, '{debit}', 1), "
        f"(2, '{credit}', -1)) AS side(position, account, sign) {condition}"
    )
    return entries, postings


def _reachable() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=2):
            return True
    except OSError:
        return False


# The secondary indexes (not those behind a primary key or unique constraint) of the tables the
# build fills: dropped before the load and made again after it, each in one sorted pass, instead
# of updated one generated row at a time.
_SECONDARY_INDEXES = (
    "SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = current_schema() "
    "AND NOT EXISTS "
    "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) AND tablename IN ("
    "'patients', 'guarantors', 'encounters', 'service_lines', 'claims', 'claim_status_history', "
    "'remittances', 'claim_payments', 'ledger_entries', 'ledger_postings', 'claim_rollups', "
    "'first_adjustments', 'patient_since', 'claim_adjusted', 'patient_owing')"
)


def build(engine: Engine, claims: int) -> float:
    """Generate the practice, then its KPI rollups; seconds it took."""
    started = time.perf_counter()
    with engine.begin() as connection:
        # Generated rows are consistent by construction: skip the foreign-key triggers.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        connection.execute(text("SET LOCAL work_mem = '256MB'"))
        indexes = connection.execute(text(_SECONDARY_INDEXES)).all()
        for name, _definition in indexes:
            connection.execute(text(f'DROP INDEX "{name}"'))
        for statement in (*_REFERENCE, *_steps(claims)):
            connection.execute(text(statement))
        rollups.rebuild(connection)
        first_adjustments.rebuild(connection)
        patient_since.rebuild(connection)
        open_sums.rebuild(connection)
        ledger_days.rebuild(connection)
        for _name, definition in indexes:
            connection.execute(text(definition))
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return time.perf_counter() - started


def close_months(engine: Engine) -> float:
    """Close every month of the books before the benchmark's today, in order, as the
    practice's manager does each month end (each close keeps its month's net A/R and net
    revenue); seconds it took."""
    started = time.perf_counter()
    uow_factory = unit_of_work_factory(engine)
    now = datetime.combine(TODAY, time_of_day(12), tzinfo=UTC)
    month = Month.of(TODAY - timedelta(days=SPREAD_DAYS))
    with tempfile.TemporaryDirectory() as folder:
        while month < Month.of(TODAY):
            outcome = close_period(
                uow_factory, month, by="bench", now=now, inbox=Path(folder), archive=Path(folder)
            )
            if not outcome.closed:
                raise RuntimeError(f"{month} did not close: {outcome.findings}")
            month = month.following
    return time.perf_counter() - started


RUNS = 3  # timed runs of each step after its first, as a long-lived server answers them


def _line(timing: Timing, first: Timing) -> str:
    verdict = "meets" if timing.wall < TARGET_S else "MISSES"
    return (
        f"{timing.line()}  x{timing.wall / TARGET_S:6.2f} of the {TARGET_S:.0f} s target: "
        f"{verdict} (first run {first.wall:.2f} s)"
    )


def measure(uow_factory: Callable[[], UnitOfWork], claims: int) -> list[Timing]:
    """Time one A/R drill-down page, the A/R figure with the books (the summary), the first-pass
    KPIs summed over the per-claim rollups, the KPI report of 90 days and the dashboard (the
    books, and the report, trend and prevention loop of the year): each run once, then the
    median of ``RUNS`` more, as a server that has answered once answers again."""
    rules = shipped_rules()
    start = TODAY - timedelta(days=89)

    def books() -> PracticeSummary:
        with uow_factory() as uow:
            return practice_summary(uow, TODAY)

    def board() -> object:
        summary = books()
        return dashboard.figures(
            uow_factory, today=TODAY, home=None, rules=rules, patients_aged=summary.patient_aging
        )

    def report() -> object:
        with uow_factory() as uow:
            return kpi_report(uow, start=start, end=TODAY, table=rules.denials)

    def first_pass() -> object:
        with uow_factory() as uow:
            return first_pass_figures(uow, start=start, end=TODAY)

    def page() -> object:
        return receivables.claims_page(
            uow_factory, TODAY, ArFilter(part="insurance billed", bucket="91-120")
        )

    label = f"{claims:,} claims:"
    steps: list[tuple[str, Callable[[], object]]] = [
        ("A/R drill-down page", page),
        ("A/R figure and books (summary)", books),
        ("first-pass KPIs from the rollups (90 days)", first_pass),
        ("KPI report (90 days)", report),
        ("dashboard", board),
    ]
    timings = []
    for name, work in steps:
        first = timed(f"analytics {label} {name}", work)[0]
        runs = sorted((timed(first.label, work)[0] for _ in range(RUNS)), key=lambda t: t.wall)
        timing = runs[RUNS // 2]
        print(_line(timing, first), flush=True)
        timings.append(timing)
    return timings


def run_size(admin: Engine, claims: int) -> list[Timing]:
    name = f"claimdesk_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{name}")
    try:
        upgrade_to_head(engine)
        seconds = build(engine, claims)
        with engine.connect() as connection:
            print(f"analytics: built {claims:,} claims in {seconds:.1f} s ({_counts(connection)})")
        print(f"analytics: closed the months before {TODAY} in {close_months(engine):.1f} s")
        return measure(unit_of_work_factory(engine), claims)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _counts(connection: Connection) -> str:
    found = []
    for table in ("claims", "claim_payments", "ledger_entries", "ledger_postings"):
        rows = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
        found.append(f"{rows:,} {table.replace('_', ' ')}")
    return ", ".join(found)


def run() -> None:
    if not _reachable():
        print(f"analytics: skipped, PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}")
        return
    admin = make_engine(ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        for claims in SIZES:
            run_size(admin, claims)
    finally:
        admin.dispose()


if __name__ == "__main__":
    run()
