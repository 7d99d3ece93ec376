"""Corrected, void and secondary claims reach an 837 that pyx12 accepts, on SQLite and
PostgreSQL: a replacement (CLM05-3 = 7) and a void (8) name the payer's claim number (REF*F8),
and the secondary claim carries the primary payer's adjudication (loops 2320 and 2430)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from remit_practice import (
    CO,
    NOW,
    Clp,
    claim_payment,
    file_of,
    paid_claim,
    remittance,
    save_correction,
    seed,
    svc,
)
from store_practice import CHILD_ACME
from tier1_practice import run_submit

from claimdesk.denials.table import shipped_table
from claimdesk.domain.claims import ClaimStatus, FrequencyCode
from claimdesk.domain.coverage import Priority
from claimdesk.domain.payers import Payer, PayerKind
from claimdesk.edi.x12.envelope import read_envelopes
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.post_remittance import RemitOutcome, post_bytes
from claimdesk.services.secondary import SECONDARY_SUFFIX
from claimdesk.services.tier2 import corrected_claim, void_claim
from claimdesk.store.uow import UnitOfWork
from unit.edi.pyx12_oracle import pyx12_errors

Factory = Callable[[], UnitOfWork]
# A commercial secondary: Medicare as secondary payer needs the MSP type (SBR05), which the
# practice must give; without it the 837 writer holds the claim.
BLUE = Payer("BLUE", "Blue Plan", PayerKind.COMMERCIAL, 90, 180)
SECONDARY_BLUE = dataclasses.replace(
    CHILD_ACME, coverage_id="COV8", payer_id="BLUE", member_id="B123", priority=Priority.SECONDARY
)


def segments(x12: str) -> list[list[str]]:
    return [s.split("*") for s in x12.replace("\n", "").split("~") if s]


def test_corrected_void_and_secondary_claims_are_submitted(
    uow_factory: Factory, tmp_path: Path
) -> None:
    seed(uow_factory, a_day_apart=True)
    with uow_factory() as uow:
        uow.payers.add(BLUE)
        uow.coverages.add(SECONDARY_BLUE)
        uow.commit()
    coded = claim_payment(
        "C2",
        svc("C2", 1, "99213", "150.00", "0.00", (CO, "4", "150.00")),
        svc("C2", 2, "90686", "40.00", "0.00", (CO, "4", "40.00")),
        status=Clp.DENIED,
    )
    # C3 is paid in full: no patient share, so no secondary claim.
    full = claim_payment(
        "C3",
        svc("C3", 1, "99213", "150.00", "92.50", (CO, "45", "57.50")),
        svc("C3", 2, "90686", "40.00", "20.00", (CO, "45", "20.00")),
    )
    era = file_of(remittance("T1", paid_claim("C1"), coded, full))
    posted = post_bytes(
        uow_factory,
        era,
        name="era.835",
        now=NOW,
        by="poster",
        table=shipped_table(),
        policy=shipped_policy(),
    )
    assert posted.remittances[0].outcome is RemitOutcome.POSTED, posted.remittances[0].reasons
    assert posted.remittances[0].secondary_claims == 1  # C1 left a patient share
    replacement = corrected_claim(uow_factory, "C2", by="tom", now=NOW)
    void = void_claim(uow_factory, "C3", reason="billed to the wrong payer", by="tom", now=NOW)
    secondary = "C1" + SECONDARY_SUFFIX

    report = run_submit(uow_factory, tmp_path)
    assert report.held == [], "\n".join(f"{h.claim_id} {h.rules}" for h in report.held)
    sent = {b.payer_id: b for b in report.batches}
    assert sorted(sent) == ["ACME", "BLUE"]
    # The corrected claim waits in the editor: it is not sent before the biller saves it.
    assert {c for b in report.batches for c in _claims_of(tmp_path / b.file_name)} == {
        void,
        secondary,
    }
    save_correction(uow_factory, replacement, {"modifiers": "25"})
    corrected = tmp_path / "corrected"
    assert _submitted(uow_factory, corrected) == {replacement}
    replacement_sent = next(corrected.glob("*.x12")).read_text()
    assert pyx12_errors(replacement_sent) == []
    assert [s[1:3] for s in segments(replacement_sent) if s[:2] == ["REF", "F8"]] == [
        ["F8", "PCN-C2"]
    ]
    clm = next(s for s in segments(replacement_sent) if s[0] == "CLM")
    assert clm[5].split(":")[2] == "7"
    assert any(s[0] == "SV1" and s[1].startswith("HC:99213:25") for s in segments(replacement_sent))
    for batch in report.batches:
        assert pyx12_errors((tmp_path / batch.file_name).read_text()) == [], batch.file_name

    acme = segments((tmp_path / sent["ACME"].file_name).read_text())
    frequencies = {s[1]: s[5].split(":")[2] for s in acme if s[0] == "CLM"}
    assert frequencies == {void: "8"}
    assert [s[2] for s in acme if s[:2] == ["REF", "F8"]] == ["PCN-C3"]

    blue = segments((tmp_path / sent["BLUE"].file_name).read_text())
    claim_at = next(n for n, s in enumerate(blue) if s[:2] == ["CLM", secondary])
    claim = blue[
        claim_at : next(
            (n for n, s in enumerate(blue) if n > claim_at and s[0] == "CLM"), len(blue)
        )
    ]
    # 2320: the primary (ACME) paid 92.50 with CO-45 and PR-2; 2430: each line's result.
    assert ["AMT", "D", "92.5"] in claim
    assert [s[1:3] for s in claim if s[0] == "SVD"] == [["ACME", "72.5"], ["ACME", "20"]]
    assert any(s[:2] == ["CAS", "PR"] and s[2:4] == ["2", "20"] for s in claim)
    assert [s[2] for s in claim if s[:2] == ["REF", "F8"]] == ["PCN-C1"]

    with uow_factory() as uow:
        for claim_id in (replacement, void, secondary):
            stored = uow.claims.get(claim_id)
            assert stored is not None
            assert stored.status is ClaimStatus.SUBMITTED, claim_id
        stored_void = uow.claims.get(void)
        assert stored_void is not None
        assert stored_void.frequency is FrequencyCode.VOID


def _submitted(uow_factory: Factory, folder: Path) -> set[str]:
    """The claims one submit run sends, read from the 837 files it writes into ``folder``."""
    folder.mkdir()
    report = run_submit(uow_factory, folder)
    return {c for b in report.batches for c in _claims_of(folder / b.file_name)}


def _claims_of(path: Path) -> list[str]:
    text = path.read_text()
    interchange = read_envelopes(text)
    assert not interchange.findings
    return [s[1] for s in segments(text) if s[0] == "CLM"]
