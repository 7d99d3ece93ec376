"""Everything a rule may look at for one claim: a pure, immutable scrub context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from claimdesk.domain.claims import Claim
from claimdesk.domain.coverage import Coverage
from claimdesk.domain.parties import Patient
from claimdesk.domain.payers import Payer
from claimdesk.domain.providers import Facility, Provider
from claimdesk.scrub.config import PayerRules
from claimdesk.scrub.reference import ReferenceData


@dataclass(frozen=True, slots=True)
class EligibilityResult:
    """The latest eligibility answer (271) for a coverage, reduced to what scrubbing needs."""

    coverage_id: str
    checked_at: datetime
    service_date: date  # the date of service the inquiry asked about
    active: bool  # coverage active on that date
    authorization_required: bool = False  # the payer said services need prior authorization
    reason: str = ""  # why inactive or rejected (e.g. an AAA reject reason), for the message
    # The procedure codes the payer said need prior authorization (271 EB13 with EB11 = Y).
    authorization_codes: frozenset[str] = frozenset()


# An already billed service: patient account, date of service, procedure code, rendering NPI.
BilledKey = tuple[str, date, str, str]


@dataclass(frozen=True, slots=True)
class BilledIndex:
    """The practice's billing history: which claims already billed each service.

    ``same_bill`` names, per claim, the other claims of its encounter: the original a
    replacement or void supersedes, the primary payer's claim of a secondary claim. They bill
    the same visit again on purpose, so none of them is a duplicate of the other.
    """

    claims_by_service: Mapping[BilledKey, frozenset[str]]
    same_bill: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def other_claims(self, key: BilledKey, claim_id: str) -> frozenset[str]:
        claims = self.claims_by_service.get(key)
        if not claims:
            return frozenset()
        return claims - {claim_id} - self.same_bill.get(claim_id, frozenset())

    @staticmethod
    def of(claims: list[Claim]) -> BilledIndex:
        index: dict[BilledKey, set[str]] = {}
        encounters: dict[str, set[str]] = {}
        for claim in claims:
            encounter = claim.encounter
            encounters.setdefault(encounter.encounter_id, set()).add(claim.claim_id)
            for line in encounter.lines:
                key = (
                    encounter.patient_account,
                    line.date_of_service,
                    line.procedure_code,
                    encounter.rendering_npi,
                )
                index.setdefault(key, set()).add(claim.claim_id)
        same_bill = {
            claim_id: frozenset(ids - {claim_id})
            for ids in encounters.values()
            if len(ids) > 1
            for claim_id in ids
        }
        return BilledIndex({key: frozenset(ids) for key, ids in index.items()}, same_bill)


EMPTY_HISTORY = BilledIndex({})


@dataclass(frozen=True, slots=True)
class ScrubContext:
    """One claim and everything around it; rules are pure functions of this.

    ``coverage`` and ``payer`` are the ones the claim bills; both are ``None`` for a self-pay
    claim. ``coverages`` are all of the patient's coverages, ordered by priority.
    """

    claim: Claim
    patient: Patient
    coverages: tuple[Coverage, ...]
    coverage: Coverage | None
    payer: Payer | None
    payers: Mapping[str, Payer]
    providers: Mapping[str, Provider]
    facility: Facility | None
    eligibility: EligibilityResult | None
    reference: ReferenceData
    history: BilledIndex
    payer_rules: PayerRules
    today: date
    # The payers ahead of the billed coverage have adjudicated the claim (a secondary claim
    # made from the primary's remittance), so billing this coverage now is in order.
    prior_payers_adjudicated: bool = False

    @property
    def claim_id(self) -> str:
        return self.claim.claim_id

    @property
    def date_of_service(self) -> date:
        return self.claim.encounter.date_of_service
