"""Scrub contexts from the store: each claim with everything around it, as the rules need it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.coverage import Coverage
from claimdesk.scrub.config import ScrubConfig
from claimdesk.scrub.context import BilledIndex, ScrubContext
from claimdesk.scrub.reference import ReferenceData
from claimdesk.services.eligibility import results_for_claims
from claimdesk.store.uow import UnitOfWork

# Every claim that still stands counts as billed for the duplicate rule; a void does not.
_BILLED = tuple(s for s in ClaimStatus if s is not ClaimStatus.VOIDED)


def billing_history(uow: UnitOfWork) -> BilledIndex:
    return BilledIndex.of([c for status in _BILLED for c in uow.claims.with_status(status)])


def store_contexts(
    uow: UnitOfWork,
    claims: Sequence[Claim],
    reference: ReferenceData,
    config: ScrubConfig,
    *,
    today: date,
) -> list[ScrubContext]:
    """A context per claim, each with its latest eligibility answer (see ``results_for_claims``).

    A claim without a coverage is a self-pay claim: no coverage and no payer in its context.
    """
    payers = {p.payer_id: p for p in uow.payers.list()}
    providers = {p.npi: p for p in uow.providers.list()}
    facilities = {f.facility_id: f for f in uow.facilities.list()}
    history = billing_history(uow)
    coverages: dict[str, tuple[Coverage, ...]] = {}
    for claim in claims:
        account = claim.encounter.patient_account
        if account not in coverages:
            coverages[account] = tuple(uow.coverages.for_patient(account))
    checks = uow.eligibility.checks_of([c.coverage_id for c in claims if c.coverage_id])
    eligibility = results_for_claims(claims, checks)
    secondary = uow.claims.secondaries_among([c.claim_id for c in claims])
    contexts: list[ScrubContext] = []
    for claim in claims:
        encounter = claim.encounter
        patient = uow.patients.get(encounter.patient_account)
        if patient is None:
            raise LookupError(
                f"claim {claim.claim_id}: patient {encounter.patient_account} missing"
            )
        registered = coverages[encounter.patient_account]
        coverage = next((c for c in registered if c.coverage_id == claim.coverage_id), None)
        payer = payers.get(claim.payer_id) if coverage is not None else None
        contexts.append(
            ScrubContext(
                claim=claim,
                patient=patient,
                coverages=registered,
                coverage=coverage,
                payer=payer,
                payers=payers,
                providers=providers,
                facility=facilities.get(encounter.facility_id),
                eligibility=eligibility.get(claim.claim_id),
                reference=reference,
                history=history,
                payer_rules=config.rules_for(payer),
                today=today,
                prior_payers_adjudicated=claim.claim_id in secondary,
            )
        )
    return contexts
