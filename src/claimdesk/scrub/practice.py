"""Scrub contexts for a whole practice bundle: one claim per encounter, as an import makes them.

Each encounter is billed to the patient's primary coverage active on the date of service (the
latest effective date wins an overlap), else it is a self-pay claim: the same choice the bundle
import makes (``claimdesk.services.charges``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

from claimdesk.bundle.model import PracticeBundle
from claimdesk.domain.claims import Claim
from claimdesk.domain.coverage import Coverage, Priority
from claimdesk.domain.encounters import Encounter
from claimdesk.scrub.config import ScrubConfig
from claimdesk.scrub.context import BilledIndex, EligibilityResult, ScrubContext
from claimdesk.scrub.reference import ReferenceData

CREATED_BY = "scrub"


def _primary_on(coverages: tuple[Coverage, ...], day: date) -> Coverage | None:
    active = [c for c in coverages if c.priority is Priority.PRIMARY and c.active_on(day)]
    return max(active, key=lambda c: (c.effective, c.coverage_id), default=None)


def _claim(encounter: Encounter, coverage: Coverage | None, payer_id: str) -> Claim:
    return Claim(
        claim_id=f"C{encounter.encounter_id}",
        encounter=encounter,
        coverage_id=coverage.coverage_id if coverage is not None else "",
        payer_id=payer_id,
        created_at=datetime.combine(encounter.date_of_service, time(), UTC),
        created_by=CREATED_BY,
    )


def practice_contexts(
    bundle: PracticeBundle,
    reference: ReferenceData,
    config: ScrubConfig,
    *,
    today: date | None = None,
    eligibility: Mapping[str, EligibilityResult] | None = None,
) -> list[ScrubContext]:
    """A context per encounter; ``today=None`` scrubs each claim the day after its visit.

    ``eligibility`` maps a coverage id to its latest eligibility result.
    """
    patients = {p.account: p for p in bundle.patients}
    payers = {p.payer_id: p for p in bundle.payers}
    providers = {p.npi: p for p in bundle.providers}
    facilities = {f.facility_id: f for f in bundle.facilities}
    by_patient: dict[str, list[Coverage]] = {}
    for registered in bundle.coverages:
        by_patient.setdefault(registered.patient_account, []).append(registered)
    ordered = {
        account: tuple(sorted(items, key=lambda c: (c.priority, c.effective, c.coverage_id)))
        for account, items in by_patient.items()
    }
    results = eligibility or {}
    claims: list[tuple[Claim, Coverage | None]] = []
    for encounter in bundle.encounters:
        coverages = ordered.get(encounter.patient_account, ())
        billed = _primary_on(coverages, encounter.date_of_service)
        payer_id = billed.payer_id if billed is not None else ""
        claims.append((_claim(encounter, billed, payer_id), billed))
    history = BilledIndex.of([claim for claim, _ in claims])
    contexts: list[ScrubContext] = []
    for claim, coverage in claims:
        encounter = claim.encounter
        payer = payers.get(claim.payer_id) if coverage is not None else None
        contexts.append(
            ScrubContext(
                claim=claim,
                patient=patients[encounter.patient_account],
                coverages=ordered.get(encounter.patient_account, ()),
                coverage=coverage,
                payer=payer,
                payers=payers,
                providers=providers,
                facility=facilities.get(encounter.facility_id),
                eligibility=results.get(coverage.coverage_id) if coverage is not None else None,
                reference=reference,
                history=history,
                payer_rules=config.rules_for(payer),
                today=today or encounter.date_of_service + timedelta(days=1),
            )
        )
    return contexts
