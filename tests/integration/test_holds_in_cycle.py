"""Issue 13's net collection: the simulated Tier 1 biller corrects held claims in the claim
editor from the chart (the synthetic practice's answer key, ``cycle/chart.py``) instead of
letting them be written off as uncorrectable.

Read on the shared 180-day practice (``cycled_practice``), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from cycle_practice import CycledHome

from claimdesk.bootstrap import composed
from claimdesk.cycle.chart import read_chart
from claimdesk.domain.claims import ClaimStatus

EDITED = "scrub: clean after edit"


def test_held_claims_with_a_charted_correction_are_released_by_tier1(
    cycled_practice: CycledHome,
) -> None:
    home = cycled_practice
    chart = read_chart(home.settings.home.parent / "bundle")
    with composed(home.settings) as parts, parts.uow_factory() as uow:
        held_ever = [
            claim
            for status in ClaimStatus
            for claim in uow.claims.with_status(status)
            if any(change.to_status is ClaimStatus.HELD for change in claim.history)
        ]
        charted = [
            claim
            for claim in held_ever
            if chart.corrections(
                claim.encounter.encounter_id,
                claim.encounter.patient_account,
                claim.coverage_id,
            )
            # A secondary claim shares its visit with the primary: its billed fields change
            # only through a corrected claim, which the editor says (test_claim_editor).
            and not uow.claims.for_encounter(claim.encounter.encounter_id)[1:]
        ]
        released = {
            claim.claim_id
            for claim in charted
            if any(change.reason == EDITED and change.by == home.tier1 for change in claim.history)
        }
        still_held = [c.claim_id for c in charted if c.status is ClaimStatus.HELD]
        written_off = [c.claim_id for c in charted if c.status is ClaimStatus.WRITTEN_OFF]
    assert len(charted) >= 10, "the practice has planted defects with corrections"
    # Each correctable held claim left the hold through Tier 1's edit; none was written off.
    assert released == {c.claim_id for c in charted}, (still_held, written_off)
    assert written_off == []
