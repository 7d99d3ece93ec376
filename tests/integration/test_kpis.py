"""KPIs on a real practice: a synthetic practice imported, scrubbed and submitted, answered by
the payer simulator (999, 277CA, 835s) and posted; then the figures are checked against numbers
recomputed here from the raw rows, and ``explain`` must list exactly the claims counted."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from claimdesk.bundle.reader import read_bundle
from claimdesk.codes.reference import load_config, load_reference
from claimdesk.config import Settings
from claimdesk.denials.table import shipped_table
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.world import PayerWorld
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.acknowledgments import ingest_acknowledgment
from claimdesk.services.database import units_of_work
from claimdesk.services.import_folder import import_folder
from claimdesk.services.kpis import explain, first_pass_figures, kpi_report
from claimdesk.services.post_remittance import post_bytes
from claimdesk.services.setup import set_up
from claimdesk.services.submit import submit
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.store.tables.claims import ClaimRow, ClaimStatusRow
from claimdesk.store.tables.ledger import LedgerEntryRow, LedgerPostingRow
from claimdesk.store.tables.remittances import ClaimPaymentRow, RemittanceRow
from claimdesk.store.uow import UnitOfWork
from claimdesk.synth.practice import write_practice

# The synthetic practice's today in this file's bundles, and the days of visits before it.
REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365

NOW = datetime(REFERENCE_DATE.year, REFERENCE_DATE.month, REFERENCE_DATE.day, 18, tzinfo=UTC)
PARTNERS = TradingPartners(submitter_id="RFMG001", contact_name="Billing", phone="6145550100")
PAID_BY = REFERENCE_DATE + timedelta(days=60)
START, END = REFERENCE_DATE - timedelta(days=400), PAID_BY

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def practice(tmp_path: Path, database_url: str) -> Iterator[UowFactory]:
    """The practice after one submission and every answer to it, on the test's database."""
    bundle = tmp_path / "bundle"
    write_practice(
        bundle,
        patients=40,
        encounters=120,
        seed=7,
        defect_rate=0.08,
        as_of=REFERENCE_DATE,
        days=PERIOD_DAYS,
    )
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    imported = import_folder(settings, bundle, user="kpi-test", now=NOW)
    assert imported.report is not None, imported.errors
    read = read_bundle(bundle)
    assert read.bundle is not None, read.errors
    simulator = PayerSimulator(PayerWorld.from_bundle(read.bundle))
    later = datetime(PAID_BY.year, PAID_BY.month, PAID_BY.day, 9, tzinfo=UTC)
    with units_of_work(settings) as factory:
        submit(
            factory,
            settings.outbox,
            reference=load_reference(settings.home / "codes"),
            config=load_config(settings.home),
            partners=PARTNERS,
            now=NOW,
            by="kpi-test",
            policy=shipped_policy(),
        )
        for number, sent in enumerate(sorted(settings.outbox.iterdir())):
            receipt = simulator.receive_837(sent.read_text(), REFERENCE_DATE)
            for kind, acks in (("999", receipt.functional_acks), ("277", receipt.claim_acks)):
                for index, text in enumerate(acks):
                    ingest_acknowledgment(
                        factory,
                        text,
                        source=f"{kind}-{number}-{index}",
                        now=NOW,
                        policy=shipped_policy(),
                    )
        for index, remit in enumerate(simulator.remittances(PAID_BY)):
            posted = post_bytes(
                factory,
                remit.text.encode(),
                name=f"835-{index}",
                now=later,
                by="kpi-test",
                table=shipped_table(),
                policy=shipped_policy(),
            )
            assert posted.ok, posted.remittances
        yield factory


def _statuses(uow: UnitOfWork) -> dict[str, list[str]]:
    rows = uow.read.execute(
        select(ClaimStatusRow.claim_id, ClaimStatusRow.to_status).order_by(
            ClaimStatusRow.claim_id, ClaimStatusRow.seq
        )
    )
    found: dict[str, list[str]] = defaultdict(list)
    for claim_id, status in rows:
        found[claim_id].append(status)
    return found


def _first_payments(uow: UnitOfWork) -> dict[str, tuple[str, Decimal, Decimal]]:
    """claim -> (CLP02, denied, charge) of its first non-reversal posted payment."""
    rows = uow.read.execute(
        select(
            ClaimPaymentRow.claim_id,
            ClaimPaymentRow.clp_status,
            ClaimPaymentRow.denied,
            ClaimPaymentRow.charge,
        )
        .join(RemittanceRow, RemittanceRow.remittance_id == ClaimPaymentRow.remittance_id)
        .where(ClaimPaymentRow.status != "held", ClaimPaymentRow.clp_status != "22")
        .order_by(RemittanceRow.payment_date, ClaimPaymentRow.id)
    )
    first: dict[str, tuple[str, Decimal, Decimal]] = {}
    for claim_id, clp, denied, charge in rows:
        first.setdefault(claim_id, (clp, denied, charge))
    return first


def _account_sums(uow: UnitOfWork, start: date, end: date) -> dict[str, Decimal]:
    rows = uow.read.execute(
        select(LedgerPostingRow.account, LedgerPostingRow.amount)
        .join(LedgerEntryRow, LedgerEntryRow.entry_id == LedgerPostingRow.entry_id)
        .where(LedgerEntryRow.effective >= start, LedgerEntryRow.effective <= end)
    )
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for account, amount in rows:
        sums[account] += amount
    return sums


def test_kpis_equal_figures_recomputed_from_raw_rows(practice: UowFactory) -> None:
    with practice() as uow:
        report = kpi_report(uow, start=START, end=END, table=shipped_table())
        statuses = _statuses(uow)
        originals = set(
            uow.read.execute(select(ClaimRow.claim_id).where(ClaimRow.frequency == "1"))
            .scalars()
            .all()
        )
        first = _first_payments(uow)
        sums = _account_sums(uow, START, END)
        explained = explain(uow, "initial_denial_rate", start=START, end=END, table=shipped_table())
        clean_explained = explain(
            uow, "clean_claim_rate", start=START, end=END, table=shipped_table()
        )

    # Clean claim rate: scrubbed claims (held or sent) never held nor rejected before
    # adjudication.
    submitted = {c for c in originals if {"held", "submitted"} & set(statuses[c])}

    def touched(history: list[str]) -> bool:
        for status in history:
            if status in ("paid", "partially_paid", "denied"):
                return False
            if status in ("held", "rejected"):
                return True
        return False

    clean = {c for c in submitted if not touched(statuses[c])}
    assert 0 < len(clean) < len(submitted), "the practice should have both clean and touched claims"
    assert report.get("clean_claim_rate").value == Decimal(len(clean)) / Decimal(len(submitted))
    assert {r.claim_id for r in clean_explained.numerator} == clean
    assert {r.claim_id for r in clean_explained.denominator or ()} == submitted

    # Initial denial rate: first adjudications with money denied or CLP02 = 4.
    adjudicated = {c for c in first if c in originals}
    denied = {c for c in adjudicated if first[c][0] == "4" or first[c][1] > 0}
    assert denied, "the simulator should deny some claims"
    kpi = report.get("initial_denial_rate")
    assert kpi.value == Decimal(len(denied)) / Decimal(len(adjudicated))
    assert {r.claim_id for r in explained.numerator} == denied
    assert {r.claim_id for r in explained.denominator or ()} == adjudicated
    denied_dollars = sum((first[c][1] for c in adjudicated), Decimal(0))
    charged = sum((first[c][2] for c in adjudicated), Decimal(0))
    assert report.get("initial_denial_rate_dollars").value == denied_dollars / charged
    # The Pareto splits exactly the dollars denied on first pass.
    assert report.get("denials").value.amount == denied_dollars  # type: ignore[union-attr]

    # Net collection rate straight from the accounts.
    expected = sums["cash"] / (-sums["revenue:gross-charges"] - sums["adjustment:contractual"])
    assert report.get("net_collection_rate").value == expected

    # A/R aging totals the receivables on the books at the end.
    receivable = sums["ar:insurance"] + sums["ar:patient"]
    assert report.get("ar_aging").value.amount == receivable  # type: ignore[union-attr]


def test_a_payer_scope_counts_only_that_payers_claims(practice: UowFactory) -> None:
    def adjudicated(uow: UnitOfWork, payer: str | None = None) -> tuple[str, ...]:
        found = explain(
            uow,
            "initial_denial_rate",
            start=START,
            end=END,
            payer_id=payer,
            table=shipped_table(),
        )
        return tuple(r.claim_id for r in found.denominator or ())

    with practice() as uow:
        whole = adjudicated(uow)
        claims_of: dict[str, str] = {
            row.claim_id: row.payer_id
            for row in uow.read.execute(select(ClaimRow.claim_id, ClaimRow.payer_id))
        }
        payers = sorted({claims_of[claim] for claim in whole})
        assert len(payers) > 1
        scoped = {p: adjudicated(uow, p) for p in payers}
        counted = {
            p: kpi_report(uow, start=START, end=END, payer_id=p, table=shipped_table())
            .get("initial_denial_rate")
            .denominator_summary()
            for p in payers
        }
    for payer, rows in scoped.items():
        assert rows
        assert {claims_of[claim] for claim in rows} == {payer}
        side = counted[payer]
        assert side is not None
        assert side.claims == len(rows)
    assert sum(len(rows) for rows in scoped.values()) == len(whole)


def test_first_pass_kpis_and_days_to_pay_summed_over_the_rollups_equal_the_report(
    practice: UowFactory,
) -> None:
    """The database's sums over the per-claim rollups give every first-pass figure the report
    computes from the claims' rows: value, display, claims and amount of each side, reason."""
    names = (
        "clean_claim_rate",
        "first_pass_resolution_rate",
        "initial_denial_rate",
        "initial_denial_rate_dollars",
        "days_to_pay",
    )
    with practice() as uow:
        payers = sorted(set(uow.read.execute(select(ClaimRow.payer_id)).scalars()))
        scopes = [None, *payers]
        periods = [
            (START, END),
            (START, START),
            (END + timedelta(days=1), END + timedelta(days=30)),
        ]
        for payer in scopes:
            for start, end in periods:
                report = kpi_report(
                    uow, start=start, end=end, payer_id=payer, table=shipped_table()
                )
                summed = first_pass_figures(uow, start=start, end=end, payer_id=payer)
                assert [k.as_dict() for k in summed] == [
                    report.get(name).as_dict() for name in names
                ], (payer, start, end)
