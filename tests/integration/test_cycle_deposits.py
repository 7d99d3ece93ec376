"""The payer simulator pays and its bank reports the deposits in BAI2 with deliberate, seeded
mismatches; the simulated staff import the files and reconcile each day. Reconciliation finds
exactly those mismatches, opens one Tier 2 item for each, and matches all the rest (issue 15)."""

from __future__ import annotations

from cycle_practice import CycledHome

from claimdesk.payer_sim.bank import MISMATCHES
from claimdesk.posting.reassociation import PROBLEM_PREFIX, Verdict
from claimdesk.services.database import units_of_work
from claimdesk.services.deposits import reassociation_in

VERDICT_OF = {
    "missing": Verdict.ERA_WITHOUT_EFT,
    "amount_off": Verdict.AMOUNT_MISMATCH,
    "no_era": Verdict.EFT_WITHOUT_ERA,
    "split": Verdict.SPLIT,
}


def test_the_simulated_bank_reconciles_with_exactly_its_mismatches(
    cycled_practice: CycledHome,
) -> None:
    # The shared practice's 180 days: the bank's files imported and reconciled each day.
    settings = cycled_practice.settings
    assert [kind for kind, _trace in cycled_practice.bank_mismatches] == list(MISMATCHES)
    assert list((settings.archive / "bank").glob("bank_*.bai"))
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        found = reassociation_in(uow, cycled_practice.end)
        items = uow.work_items.without_claim_prefixed(PROBLEM_PREFIX)
    expected = {(VERDICT_OF[kind], trace) for kind, trace in cycled_practice.bank_mismatches}
    assert {(g.verdict, g.trace) for g in found.exceptions} == expected
    assert len(found.of(Verdict.MATCHED)) > 10
    # One item per exception, opened once.
    assert sorted(i.problem_key for i in items) == sorted(g.problem_key for g in found.exceptions)
