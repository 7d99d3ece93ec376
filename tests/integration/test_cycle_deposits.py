"""The payer simulator pays and its bank reports the deposits in BAI2 with deliberate, seeded
mismatches; the simulated staff import the files and reconcile each day. Reconciliation finds
exactly those mismatches, opens one Tier 2 item for each, and matches all the rest (issue 15)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from claimdesk.bootstrap import composed
from claimdesk.config import Settings
from claimdesk.cycle.policy import shipped_staff_policy
from claimdesk.cycle.run import CycleOptions, run_cycle
from claimdesk.payer_sim.bank import MISMATCHES
from claimdesk.posting.reassociation import PROBLEM_PREFIX, Verdict
from claimdesk.services.database import units_of_work
from claimdesk.services.deposits import reassociation_in
from claimdesk.services.import_folder import import_folder
from claimdesk.services.setup import set_up
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.synth.practice import write_practice

REFERENCE_DATE = date(2026, 9, 30)
DAYS = 75
PARTNERS = TradingPartners(
    submitter_id="RFMG001", contact_name="Billing office", phone="6145550100"
)
VERDICT_OF = {
    "missing": Verdict.ERA_WITHOUT_EFT,
    "amount_off": Verdict.AMOUNT_MISMATCH,
    "no_era": Verdict.EFT_WITHOUT_ERA,
    "split": Verdict.SPLIT,
}


def test_the_simulated_bank_reconciles_with_exactly_its_mismatches(
    tmp_path: Path, database_url: str
) -> None:
    bundle = tmp_path / "bundle"
    write_practice(bundle, patients=90, encounters=220, seed=23, as_of=REFERENCE_DATE, days=DAYS)
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    set_up(settings)
    now = datetime.combine(REFERENCE_DATE, time(18), tzinfo=UTC)
    assert import_folder(settings, bundle, user="e2e", now=now).report is not None
    options = CycleOptions(
        days=DAYS,
        staff=shipped_staff_policy(),
        partners=PARTNERS,
        start=REFERENCE_DATE - timedelta(days=DAYS - 1),
    )
    with composed(settings) as parts:
        report = run_cycle(parts, options)
    assert [kind for kind, _trace in report.bank_mismatches] == list(MISMATCHES)
    assert list((settings.archive / "bank").glob("bank_*.bai"))
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        found = reassociation_in(uow, report.end)
        items = uow.work_items.without_claim_prefixed(PROBLEM_PREFIX)
    expected = {(VERDICT_OF[kind], trace) for kind, trace in report.bank_mismatches}
    assert {(g.verdict, g.trace) for g in found.exceptions} == expected
    assert len(found.of(Verdict.MATCHED)) > 10
    # One item per exception, opened once.
    assert sorted(i.problem_key for i in items) == sorted(g.problem_key for g in found.exceptions)
