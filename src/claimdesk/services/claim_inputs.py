"""The 837 (and 276) view of a stored claim: the claim with every object the writers need.

``submit`` builds it from a scrub context and the claim-status chase from the store; both go
through :func:`build_claim_input`, so an 837 and the 276 asking about it describe the claim alike. A
secondary claim carries the primary payer's adjudication (loops 2320/2430).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from claimdesk.domain.claims import Claim
from claimdesk.domain.coverage import Coverage, Priority
from claimdesk.domain.parties import Patient
from claimdesk.domain.payers import Payer, PayerKind
from claimdesk.domain.providers import Facility, Provider
from claimdesk.edi.x12.writer import X12WriteError
from claimdesk.edi.x837.claim_input import ClaimInput, PayTo, PrimaryAdjudication
from claimdesk.services.secondary import primary_adjudication
from claimdesk.services.trading_partners import TradingPartners
from claimdesk.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class ClaimParties:
    """Who and what a claim names, as loaded for it."""

    patient: Patient
    coverage: Coverage
    payer: Payer
    providers: Mapping[str, Provider]
    facility: Facility | None


EMPLOYMENT = "EM"  # CLM11-1


def build_claim_input(
    claim: Claim,
    parties: ClaimParties,
    partners: TradingPartners,
    primary: PrimaryAdjudication | None = None,
) -> ClaimInput:
    """The claim's writer input; raises :class:`X12WriteError` when something it names is
    missing or does not fit (the error names the claim, the field and the reason)."""
    encounter = claim.encounter
    on_file = parties.providers.get(encounter.billing_npi)
    if on_file is None:
        raise X12WriteError(
            f"claim {claim.claim_id}", "billing provider", f"{encounter.billing_npi} is not on file"
        )
    billing = partners.billing_provider(on_file)
    # 2010AB only when payments go somewhere other than the billing address.
    pay_to = partners.pay_to if partners.pay_to not in (None, billing.address) else None
    return ClaimInput(
        claim=claim,
        patient=parties.patient,
        coverage=parties.coverage,
        payer=parties.payer,
        billing_provider=billing,
        submitter=partners.submitter_for(billing),
        receiver=partners.receiver_for(parties.payer),
        rendering=parties.providers.get(encounter.rendering_npi),
        # A referring provider not on file has no name to send (2310A NM103).
        referring=parties.providers.get(encounter.referring_npi)
        if encounter.referring_npi
        else None,
        facility=parties.facility,
        # The billed payer's own authorization number, when it is not the visit's.
        prior_authorization=claim.prior_authorization,
        primary=primary,
        pay_to=PayTo(pay_to) if pay_to is not None else None,
        # A workers' compensation carrier pays for a condition related to employment only.
        related_causes=(EMPLOYMENT,) if parties.payer.kind is PayerKind.WORKERS_COMP else (),
    )


def primary_adjudications(
    uow: UnitOfWork, claims: Sequence[Claim], coverages: Mapping[str, Coverage]
) -> dict[str, PrimaryAdjudication]:
    """The primary payer's result for each secondary claim among ``claims`` (by claim id);
    ``coverages`` holds the claims' coverages by id."""
    later = [
        c.claim_id
        for c in claims
        if c.coverage_id in coverages and coverages[c.coverage_id].priority is not Priority.PRIMARY
    ]
    return {
        claim_id: primary_adjudication(uow, claim_id)
        for claim_id in sorted(uow.claims.secondaries_among(later))
    }


def stored_claim_inputs(
    uow: UnitOfWork, claims: Sequence[Claim], partners: TradingPartners
) -> tuple[dict[str, ClaimInput], dict[str, str]]:
    """Writer inputs for stored claims, by claim id, and why the others have none."""
    payers = {p.payer_id: p for p in uow.payers.list()}
    providers = {p.npi: p for p in uow.providers.list()}
    facilities = {f.facility_id: f for f in uow.facilities.list()}
    coverages = {
        c.coverage_id: c
        for c in (
            uow.coverages.get(i) for i in sorted({c.coverage_id for c in claims if c.coverage_id})
        )
        if c is not None
    }
    primaries = primary_adjudications(uow, claims, coverages)
    inputs: dict[str, ClaimInput] = {}
    refused: dict[str, str] = {}
    for claim in claims:
        encounter = claim.encounter
        patient = uow.patients.get(encounter.patient_account)
        coverage = coverages.get(claim.coverage_id or "")
        payer = payers.get(claim.payer_id)
        if patient is None or coverage is None or payer is None:
            refused[claim.claim_id] = (
                f"claim {claim.claim_id}: its patient, coverage or payer is not on file"
            )
            continue
        parties = ClaimParties(
            patient, coverage, payer, providers, facilities.get(encounter.facility_id)
        )
        try:
            inputs[claim.claim_id] = build_claim_input(
                claim, parties, partners, primaries.get(claim.claim_id)
            )
        except X12WriteError as exc:
            refused[claim.claim_id] = str(exc)
    return inputs, refused
