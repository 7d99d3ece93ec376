"""Issue 13 item 5 in the cycle: the front office estimates each visit at check-in, from the
synthetic practice's plan/tier directory and the day's 271, before the claim is billed; the
payer simulator prices the claim with its own code; ``estimate_accuracy`` sets the two side by
side. Here the figure is recounted from the stored estimates and the ledger's transfers to the
patient, never through ``analytics/``, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from claimdesk.bootstrap import composed
from claimdesk.config import Settings
from claimdesk.cycle.policy import shipped_staff_policy
from claimdesk.cycle.run import CycleOptions, run_cycle
from claimdesk.denials.table import shipped_table
from claimdesk.domain.ledger import Account
from claimdesk.services.database import units_of_work
from claimdesk.services.estimates import import_directory
from claimdesk.services.import_folder import import_folder
from claimdesk.services.kpis import kpi_report
from claimdesk.services.setup import set_up
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.store.tables.claims import ClaimRow, ClaimStatusRow
from claimdesk.store.tables.estimates import EstimateLineRow, EstimateRow
from claimdesk.store.tables.ledger import LedgerPostingRow
from claimdesk.store.tables.remittances import ClaimPaymentRow, RemittanceRow
from claimdesk.synth.plans import PLANS_FILE
from claimdesk.synth.practice import write_practice

REFERENCE_DATE = date(2026, 9, 30)
DAYS = 60
TOLERANCE = Decimal("5.00")  # docs/kpis.md: estimate_accuracy
PARTNERS = TradingPartners(
    submitter_id="RFMG001", contact_name="Billing office", phone="6145550100"
)


def _run(tmp_path: Path, database_url: str) -> tuple[Settings, date, date]:
    bundle = tmp_path / "bundle"
    write_practice(bundle, patients=90, encounters=160, seed=23, as_of=REFERENCE_DATE, days=DAYS)
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    now = datetime.combine(REFERENCE_DATE, time(18), tzinfo=UTC)
    imported = import_folder(settings, bundle, user="e2e", now=now)
    assert imported.report is not None, imported.errors[:3]
    with units_of_work(settings) as uow_factory:
        stored = import_directory(uow_factory, bundle / PLANS_FILE, now=now, by="e2e")
    assert stored > 0
    start = REFERENCE_DATE - timedelta(days=DAYS - 1)
    options = CycleOptions(
        days=DAYS, staff=shipped_staff_policy(), scrub=True, partners=PARTNERS, start=start
    )
    with composed(settings) as parts:
        report = run_cycle(parts, options)
    assert report.estimates_made > 0
    assert report.estimates_failed == 0
    return settings, report.start, report.end


def _newest_estimates(settings: Settings) -> dict[str, tuple[Decimal, datetime]]:
    newest: dict[str, tuple[Decimal, datetime]] = {}
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        for row in uow.read.execute(
            select(EstimateRow.claim_id, EstimateRow.patient, EstimateRow.created_at).order_by(
                EstimateRow.created_at, EstimateRow.id
            )
        ):
            newest[row.claim_id] = (Decimal(row.patient), row.created_at)
    return newest


def _moved_to_patient(settings: Settings) -> dict[str, Decimal]:
    """Per claim, what the ledger moved from the claim's insurance A/R to its patient A/R (and
    back, in reversals): the ``ar:patient`` postings of entries that also post to the same
    claim's ``ar:insurance``. Billing the share to a secondary payer moves it to another claim's
    insurance A/R, so it is not a transfer of this claim's own."""
    by_entry: dict[str, list[tuple[str, str | None, Decimal]]] = defaultdict(list)
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        for row in uow.read.execute(
            select(
                LedgerPostingRow.entry_id,
                LedgerPostingRow.account,
                LedgerPostingRow.claim_id,
                LedgerPostingRow.amount,
            ).where(
                LedgerPostingRow.account.in_((Account.INSURANCE_AR.value, Account.PATIENT_AR.value))
            )
        ):
            by_entry[row.entry_id].append((row.account, row.claim_id, Decimal(row.amount)))
    moved: dict[str, Decimal] = defaultdict(Decimal)
    for postings in by_entry.values():
        insured = {claim for account, claim, _a in postings if account == "ar:insurance"}
        for account, claim, amount in postings:
            if account == "ar:patient" and claim is not None and claim in insured:
                moved[claim] += amount
    return moved


def _first_adjudication(settings: Settings) -> dict[str, date]:
    """Each original claim's first posted answer that is not a reversal: its day."""
    first: dict[str, date] = {}
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        for row in uow.read.execute(
            select(ClaimPaymentRow.claim_id, RemittanceRow.payment_date, RemittanceRow.posted_at)
            .join(RemittanceRow, RemittanceRow.remittance_id == ClaimPaymentRow.remittance_id)
            .join(ClaimRow, ClaimRow.claim_id == ClaimPaymentRow.claim_id)
            .where(
                ClaimPaymentRow.status != "held",
                ClaimPaymentRow.clp_status != "22",
                ClaimRow.frequency == "1",
            )
            .order_by(ClaimPaymentRow.id)
        ):
            first.setdefault(row.claim_id, row.payment_date or row.posted_at.date())
    return first


def _billed(settings: Settings) -> dict[str, datetime]:
    """Claims to a coverage and when the scrubber first held or sent them."""
    entered: dict[str, datetime] = {}
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        for row in uow.read.execute(
            select(ClaimStatusRow.claim_id, ClaimStatusRow.at)
            .join(ClaimRow, ClaimRow.claim_id == ClaimStatusRow.claim_id)
            .where(
                ClaimRow.coverage_id.is_not(None),
                ClaimRow.frequency == "1",
                ClaimStatusRow.to_status.in_(("held", "submitted")),
            )
            .order_by(ClaimStatusRow.claim_id, ClaimStatusRow.seq)
        ):
            entered.setdefault(row.claim_id, row.at)
    return entered


def test_the_front_office_estimates_each_visit_before_billing_and_the_kpi_recounts(
    tmp_path: Path, database_url: str
) -> None:
    settings, start, end = _run(tmp_path, database_url)
    estimates = _newest_estimates(settings)
    billed = {c: at for c, at in _billed(settings).items() if not c.endswith("-S")}

    # Every primary claim the cycle billed was estimated at check-in, before it was billed.
    assert billed
    assert set(billed) <= set(estimates)
    assert all(estimates[c][1] <= at for c, at in billed.items())
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        benefits = {b for (b,) in uow.read.execute(select(EstimateLineRow.benefit))}
        sources = [s for (s,) in uow.read.execute(select(EstimateRow.sources))]
    # The directory gave the plan's design; the kinds of benefit the plans price by appear.
    assert any(s["copay"] == "directory" for s in sources)
    assert any(b.startswith("preventive: no cost sharing") for b in benefits)
    assert any(b.startswith("office_visit: copay") for b in benefits)
    assert any("deductible, then" in b for b in benefits)

    # The KPI, recounted: estimated claims first adjudicated in the period, against what the
    # ledger moved to the patient.
    moved = _moved_to_patient(settings)
    population = {
        c for c, day in _first_adjudication(settings).items() if start <= day <= end
    } & set(estimates)
    close = {c for c in population if abs(estimates[c][0] - moved.get(c, Decimal(0))) <= TOLERANCE}
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        kpi = kpi_report(uow, start=start, end=end, table=shipped_table()).get("estimate_accuracy")
    assert len(population) >= 30
    assert {a.claim_id for a in kpi.denominator or ()} == population
    assert {a.claim_id for a in kpi.numerator} == close
    assert kpi.value == Decimal(len(close)) / Decimal(len(population))
    print(f"estimate accuracy: {kpi.value:.1%} ({len(close)}/{len(population)})")
