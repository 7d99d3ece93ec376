"""End to end: a synthetic practice goes around the whole revenue cycle for 30 simulated days.

About 200 visits fall in the 30 days (the practice's 2,400 visits spread over a year). After the
cycle the books balance, every denial the 835s carried is a work item, and the Tier 3 KPIs equal
the figures recounted here from the raw rows and from the payers' own adjudications. The same
practice run without scrubbing sees more denials on first submission.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from claimdesk.bootstrap import composed
from claimdesk.config import Settings
from claimdesk.cycle.policy import shipped_staff_policy
from claimdesk.cycle.run import CycleOptions, CycleReport, run_cycle
from claimdesk.denials.table import shipped_table
from claimdesk.domain.ledger import Account, BalanceQuery
from claimdesk.services.database import units_of_work
from claimdesk.services.import_folder import import_folder
from claimdesk.services.kpis import explain, kpi_report
from claimdesk.services.setup import set_up
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.store.tables.claims import ClaimRow, ClaimStatusRow
from claimdesk.store.tables.ledger import LedgerPostingRow
from claimdesk.store.tables.remittances import ClaimPaymentRow, RemittanceRow
from claimdesk.store.tables.work_items import WorkItemRow
from claimdesk.synth.practice import write_practice

# The module's cycled practices are built once: its tests run on one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("e2e-cycle")

# The synthetic practice's today in this file's bundles, and the days of visits before it.
REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365

DAYS = 30
PATIENTS, ENCOUNTERS, SEED = 600, 2400, 41
PARTNERS = TradingPartners(
    submitter_id="RFMG001",
    contact_name="Billing office",
    phone="6145550100",
)
YEAR_START = REFERENCE_DATE - timedelta(days=PERIOD_DAYS)
ADJUDICATED = ("paid", "partially_paid", "denied")


def _run(folder: Path, *, scrub: bool) -> tuple[Settings, CycleReport]:
    bundle = folder / "bundle"
    write_practice(
        bundle,
        patients=PATIENTS,
        encounters=ENCOUNTERS,
        seed=SEED,
        as_of=REFERENCE_DATE,
        days=PERIOD_DAYS,
    )
    settings = Settings(home=folder / "home")
    set_up(settings)
    # The year's visits are on file by its last day; the cycle replays its first DAYS days.
    imported = import_folder(
        settings, bundle, user="e2e", now=datetime.combine(REFERENCE_DATE, time(18), tzinfo=UTC)
    )
    assert imported.report is not None, imported.errors[:3]
    options = CycleOptions(
        days=DAYS, staff=shipped_staff_policy(), scrub=scrub, partners=PARTNERS, start=YEAR_START
    )
    with composed(settings) as parts:
        report = run_cycle(parts, options)
    return settings, report


@pytest.fixture(scope="module")
def scrubbed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, CycleReport]:
    return _run(tmp_path_factory.mktemp("scrubbed"), scrub=True)


@pytest.fixture(scope="module")
def unscrubbed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, CycleReport]:
    return _run(tmp_path_factory.mktemp("unscrubbed"), scrub=False)


def test_the_cycle_billed_the_days_visits_and_money_came_back(
    scrubbed: tuple[Settings, CycleReport],
) -> None:
    settings, report = scrubbed
    assert report.end - report.start == timedelta(days=DAYS - 1)
    assert report.claims_submitted >= 50
    assert report.remittance_files > 0
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        cash = uow.ledger.balance(BalanceQuery(accounts=frozenset({Account.CASH})))
        # Claims of visits after the last day were never touched: still drafts (each claim's
        # draft row is as old as the import, which came at the year's end).
        later = uow.read.execute(
            select(func.count())
            .select_from(ClaimStatusRow)
            .where(
                ClaimStatusRow.at > datetime.combine(report.end, time(23, 59), tzinfo=UTC),
                ClaimStatusRow.to_status != "draft",
            )
        ).scalar_one()
    assert cash.is_positive()
    assert later == 0


def test_the_ledger_balances_and_every_balance_is_the_sum_of_its_entries(
    scrubbed: tuple[Settings, CycleReport],
) -> None:
    settings, _report = scrubbed
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        postings = uow.read.execute(
            select(
                LedgerPostingRow.entry_id,
                LedgerPostingRow.account,
                LedgerPostingRow.claim_id,
                LedgerPostingRow.amount,
            )
        ).all()
        by_claim = uow.ledger.balances_by_claim()
        insurance = uow.ledger.balance(BalanceQuery(accounts=frozenset({Account.INSURANCE_AR})))
    assert postings
    assert sum((p.amount for p in postings), Decimal(0)) == 0  # trial balance
    per_entry: dict[str, Decimal] = defaultdict(Decimal)
    receivables: dict[str, Decimal] = defaultdict(Decimal)
    for p in postings:
        per_entry[p.entry_id] += p.amount
        if p.claim_id is not None and p.account in (
            Account.INSURANCE_AR.value,
            Account.PATIENT_AR.value,
        ):
            receivables[p.claim_id] += p.amount
    assert all(v == 0 for v in per_entry.values())  # every entry is double entry
    assert {k: v.amount for k, v in by_claim.items() if v.amount} == {
        k: v for k, v in receivables.items() if v
    }
    assert insurance.amount == sum(
        (p.amount for p in postings if p.account == Account.INSURANCE_AR.value), Decimal(0)
    )


def _denials_and_work(settings: Settings) -> tuple[set[str], set[str]]:
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        denied = {
            row.claim_id
            for row in uow.read.execute(
                select(ClaimPaymentRow.claim_id).where(
                    ClaimPaymentRow.status == "posted",
                    (ClaimPaymentRow.denied > Decimal(0)) | (ClaimPaymentRow.clp_status == "4"),
                )
            )
        }
        worked = {
            row.claim_id
            for row in uow.read.execute(
                select(WorkItemRow.claim_id).where(WorkItemRow.problem_key.like("denial:%"))
            )
        }
    return denied, worked


def test_every_denial_produced_a_work_item(
    scrubbed: tuple[Settings, CycleReport], unscrubbed: tuple[Settings, CycleReport]
) -> None:
    denied_on, worked_on = _denials_and_work(scrubbed[0])
    denied_off, worked_off = _denials_and_work(unscrubbed[0])
    assert denied_off  # without scrubbing the 30 days bring posted denials
    assert denied_on <= worked_on
    assert denied_off <= worked_off


def _first_adjudications(settings: Settings) -> dict[str, tuple[date, str, Decimal]]:
    """Each original claim's first posted, non-reversal payment: (day, CLP02, denied)."""
    first: dict[str, tuple[date, str, Decimal]] = {}
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        rows = uow.read.execute(
            select(
                ClaimPaymentRow.claim_id,
                ClaimPaymentRow.clp_status,
                ClaimPaymentRow.denied,
                RemittanceRow.payment_date,
                RemittanceRow.posted_at,
            )
            .join(RemittanceRow, RemittanceRow.remittance_id == ClaimPaymentRow.remittance_id)
            .join(ClaimRow, ClaimRow.claim_id == ClaimPaymentRow.claim_id)
            .where(
                ClaimPaymentRow.status != "held",
                ClaimPaymentRow.clp_status != "22",
                ClaimRow.frequency == "1",
            )
            .order_by(ClaimPaymentRow.id)
        )
        for row in rows:
            day = row.payment_date or row.posted_at.date()
            first.setdefault(row.claim_id, (day, row.clp_status, row.denied))
    return first


def _scrub_decisions(settings: Settings) -> dict[str, list[tuple[datetime, str]]]:
    history: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        for row in uow.read.execute(
            select(ClaimStatusRow.claim_id, ClaimStatusRow.at, ClaimStatusRow.to_status)
            .join(ClaimRow, ClaimRow.claim_id == ClaimStatusRow.claim_id)
            .where(ClaimRow.frequency == "1")
            .order_by(ClaimStatusRow.claim_id, ClaimStatusRow.seq)
        ):
            history[row.claim_id].append((row.at, row.to_status))
    return history


def test_the_kpis_equal_an_independent_recount(scrubbed: tuple[Settings, CycleReport]) -> None:
    settings, report = scrubbed
    start, end, table = report.start, report.end, shipped_table()
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        kpis = kpi_report(uow, start=start, end=end, table=table)
        # The claims behind each figure, listed as ``kpi --explain`` lists them.
        denial = explain(uow, "initial_denial_rate", start=start, end=end, table=table)
        clean = explain(uow, "clean_claim_rate", start=start, end=end, table=table)

    first = {
        claim_id: found
        for claim_id, found in _first_adjudications(settings).items()
        if report.start <= found[0] <= report.end
    }
    denied = {c for c, (_d, clp, amount) in first.items() if clp == "4" or amount > 0}
    assert first
    assert {a.claim_id for a in denial.denominator or ()} == set(first)
    assert {a.claim_id for a in denial.numerator} == denied
    assert kpis.get("initial_denial_rate").value == Decimal(len(denied)) / Decimal(len(first))
    # The payers' side agrees: what claimdesk posted as first-pass denials is what the payers
    # denied on first submission.
    assert set(first) <= report.first_pass_claims
    assert denied == report.first_pass_denied & set(first)

    billed: set[str] = set()
    untouched: set[str] = set()
    for claim_id, events in _scrub_decisions(settings).items():
        entered = next((at for at, s in events if s in ("held", "submitted")), None)
        if entered is None or not report.start <= entered.date() <= report.end:
            continue
        billed.add(claim_id)
        before: list[str] = []
        for _at, status in events:
            if status in ADJUDICATED:
                break
            before.append(status)
        if "held" not in before and "rejected" not in before:
            untouched.add(claim_id)
    assert billed
    assert {a.claim_id for a in clean.denominator or ()} == billed
    assert {a.claim_id for a in clean.numerator} == untouched
    assert kpis.get("clean_claim_rate").value == Decimal(len(untouched)) / Decimal(len(billed))


def test_scrubbing_lowers_the_initial_denial_rate(
    scrubbed: tuple[Settings, CycleReport], unscrubbed: tuple[Settings, CycleReport]
) -> None:
    on, off = scrubbed[1], unscrubbed[1]
    assert on.initial_denial_rate is not None
    assert off.initial_denial_rate is not None
    print(
        f"initial denial rate: scrubbing on {on.initial_denial_rate:.1%} "
        f"({on.denied_first_pass}/{on.adjudicated_first_pass}), off "
        f"{off.initial_denial_rate:.1%} ({off.denied_first_pass}/{off.adjudicated_first_pass})"
    )
    assert on.initial_denial_rate < off.initial_denial_rate
    # Scrubbing holds claims before they go out, and Tier 1 corrects them in the claim editor;
    # without scrubbing nothing is held, so nothing is corrected.
    assert on.staff_actions.get("tier1 hold corrected", 0) > 0
    assert off.staff_actions.get("tier1 hold corrected", 0) == 0


def test_the_simulated_staff_leave_an_audit_trail(
    scrubbed: tuple[Settings, CycleReport],
) -> None:
    settings, report = scrubbed
    people = {p.user_id for p in shipped_staff_policy().people}
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        records = [r.record for r in uow.audit.records()]
    work = [r for r in records if r.action in {"take_item", "close_item", "snooze_item"}]
    assert {r.user_id for r in work} == people  # every simulated person, and only they
    assert all(r.outcome == "ok" for r in work)
    closes = sum(n for action, n in report.staff_actions.items() if " close " in action)
    waits = sum(n for action, n in report.staff_actions.items() if action.endswith(" wait"))
    assert sum(r.action == "close_item" for r in work) == closes
    assert sum(r.action == "snooze_item" for r in work) == waits
    assert sum(r.action == "take_item" for r in work) >= closes + waits
    # The cycle's own batch work runs as its system user: each weekday's jobs, each audited.
    jobs = [r for r in records if r.action == "run_job"]
    assert {r.user_id for r in jobs} == {"cycle"}
    per_job = {t: sum(r.target == t for r in jobs) for t in {r.target for r in jobs}}
    assert per_job == {
        "job eligibility": DAYS,
        "job submit": DAYS,
        "job chase": DAYS,
        "job ingest": 2 * DAYS,
        "job deposits": DAYS,  # the bank's file imported and reconciled (issue 15)
        # Patient statements, weekly (issue 16, docs/statements.md "In the simulated cycle").
        "job statements": DAYS // shipped_staff_policy().patients.statement_every_days,
    }
    assert all(r.outcome == "ok" for r in jobs)
    tier2 = [r for r in records if r.action in {"appeal", "request_write_off", "follow_up"}]
    assert tier2
    assert {r.user_id for r in tier2} <= people
