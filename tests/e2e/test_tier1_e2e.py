"""End to end: a synthetic practice with planted defects is imported and submitted; every defect
is held with the rule that names it, and the clean claims leave in 837Ps that pyx12 accepts."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

from claimdesk.codes.reference import load_config, load_reference
from claimdesk.config import Settings
from claimdesk.domain.claims import ClaimStatus
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.database import units_of_work
from claimdesk.services.import_folder import import_folder
from claimdesk.services.setup import set_up
from claimdesk.services.submit import HOLD_KEY, submit
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.synth.defects import DefectKind
from claimdesk.synth.practice import write_practice

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "edi"))
from pyx12_oracle import pyx12_errors

# The synthetic practice's today in this file's bundles, and the days of visits before it.
REFERENCE_DATE = date(2026, 9, 30)
PERIOD_DAYS = 365

# The rule each planted defect must trip (the answer key's kinds).
EXPECTED_RULE = {
    DefectKind.MISSING_MEMBER_ID: "REG006",
    DefectKind.MISSING_ADDRESS_LINE: "REG003",
    DefectKind.DEPENDENT_AS_SELF: "REG008",
    DefectKind.EXPIRED_COVERAGE: "COV007",
    DefectKind.INVALID_DIAGNOSIS: "COD001",
    DefectKind.NON_BILLABLE_DIAGNOSIS: "COD002",
    DefectKind.BAD_REFERRING_NPI: "PRV003",
    DefectKind.WEAK_POINTER: "COD008",
    DefectKind.MISSING_MODIFIER_25: "COD014",
    DefectKind.MISSING_NDC: "PAY004",
}
TIMELY_FILING_EXPIRED = "DAT002"
NOW = datetime(REFERENCE_DATE.year, REFERENCE_DATE.month, REFERENCE_DATE.day, 18, tzinfo=UTC)
PARTNERS = TradingPartners(submitter_id="RFMG001", contact_name="Billing", phone="6145550100")


def test_defects_are_held_with_their_rules_and_clean_claims_pass_pyx12(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    summary = write_practice(
        bundle,
        patients=80,
        encounters=200,
        seed=11,
        defect_rate=0.1,
        as_of=REFERENCE_DATE,
        days=PERIOD_DAYS,
    )
    assert all(summary.defects[kind.value] > 0 for kind in DefectKind)
    settings = Settings(home=tmp_path / "home")
    set_up(settings)
    imported = import_folder(settings, bundle, user="e2e", now=NOW)
    assert imported.report is not None, imported.errors

    with units_of_work(settings) as uow_factory:
        report = submit(
            uow_factory,
            settings.outbox,
            reference=load_reference(settings.home / "codes"),
            config=load_config(settings.home),
            partners=PARTNERS,
            now=NOW,
            by="e2e",
            policy=shipped_policy(),
        )
        with uow_factory() as uow:
            encounters_of = {
                account: [e.encounter_id for e in uow.encounters.for_patient(account)]
                for account in {p.account for p in uow.patients.list()}
            }
            statuses = {
                c.claim_id: c.status for s in ClaimStatus for c in uow.claims.with_status(s)
            }
            hold_items = {
                claim_id: uow.work_items.active_for(claim_id, HOLD_KEY) for claim_id in statuses
            }

    held = {h.claim_id: set(h.rules) for h in report.held}
    defect_claims: set[str] = set()
    with (bundle / "defects.csv").open(newline="") as stream:
        for row in csv.DictReader(stream):
            kind = DefectKind(row["kind"])
            encounters = (
                [row["encounter_id"]]
                if row["encounter_id"]
                else encounters_of[row["patient_account"]]
            )
            for encounter_id in encounters:
                claim_id = f"C{encounter_id}"
                defect_claims.add(claim_id)
                assert EXPECTED_RULE[kind] in held.get(claim_id, set()), (
                    kind,
                    claim_id,
                    held.get(claim_id),
                )
                assert statuses[claim_id] is ClaimStatus.HELD
                item = hold_items[claim_id]
                assert item is not None
                assert EXPECTED_RULE[kind] in item.summary

    # A claim with no planted defect is held only because its filing window has passed.
    for claim_id, rules in held.items():
        if claim_id not in defect_claims:
            assert rules == {TIMELY_FILING_EXPIRED}, (claim_id, rules)
    assert len(held) == Counter(statuses.values())[ClaimStatus.HELD]

    submitted = {c for c, s in statuses.items() if s is ClaimStatus.SUBMITTED}
    assert submitted
    assert submitted.isdisjoint(held)
    assert report.submitted == len(submitted)
    assert {c for c, s in statuses.items() if s is ClaimStatus.READY} == set(report.self_pay_ready)
    assert set(statuses) == submitted | set(held) | set(report.self_pay_ready)

    sent_claims: set[str] = set()
    for batch in report.batches:
        x12 = (settings.outbox / batch.file_name).read_text()
        assert pyx12_errors(x12) == [], batch.file_name
        claims_in_file = {
            segment.split("*")[1] for segment in x12.split("~") if segment.startswith("CLM*")
        }
        assert len(claims_in_file) == batch.submitted
        sent_claims |= claims_in_file
        assert batch.clean_claim_rate is not None
    assert sent_claims == submitted
