"""Everything one 837 claim needs, gathered from the domain into one immutable record.

The domain keeps references by id (a claim names its coverage and payer by id); a writer needs
the objects themselves, plus a few facts that live outside the claim: who submits the file and to
whom, and for a secondary claim what the primary payer did with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from claimdesk.domain.claims import Claim
from claimdesk.domain.coverage import Coverage, Priority, Relationship
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address, Patient
from claimdesk.domain.payers import Payer
from claimdesk.domain.providers import Facility, Provider
from claimdesk.edi.x12.writer import X12WriteError


class AdjustmentGroup(StrEnum):
    """CAS01 claim adjustment group code."""

    CONTRACTUAL = "CO"
    CORRECTION = "CR"
    OTHER = "OA"
    PAYER_INITIATED = "PI"
    PATIENT = "PR"


@dataclass(frozen=True, slots=True)
class Submitter:
    """Loop 1000A: who sends the file (NM109 is the submitter's ETIN at the receiver)."""

    name: str
    identifier: str
    contact_name: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Receiver:
    """Loop 1000B: the clearinghouse or payer that receives the file."""

    name: str
    identifier: str


@dataclass(frozen=True, slots=True)
class PayTo:
    """Loop 2010AB: where payment goes when it is not the billing provider's address."""

    address: Address


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet: group code, CARC, amount (and optional quantity)."""

    group: AdjustmentGroup
    reason: str
    amount: Money
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class LineAdjudication:
    """Loop 2430: what the prior payer did with one of our service lines.

    ``line_number`` is the domain service line number. The procedure, modifiers and units
    default to the line as billed when the payer adjudicated it unchanged.
    """

    line_number: int
    paid: Money
    adjustments: tuple[Adjustment, ...] = ()
    paid_units: Decimal | None = None
    procedure_code: str = ""
    modifiers: tuple[str, ...] | None = None
    patient_responsibility: Money | None = None


@dataclass(frozen=True, slots=True)
class PrimaryAdjudication:
    """Loops 2320/2330A/2330B (and 2430 per line): the prior payer's result on this claim."""

    payer: Payer
    coverage: Coverage
    paid: Money
    adjudicated_on: date
    claim_adjustments: tuple[Adjustment, ...] = ()
    lines: tuple[LineAdjudication, ...] = ()
    patient_responsibility: Money | None = None
    payer_claim_number: str = ""


@dataclass(frozen=True, slots=True)
class InstitutionalClaim:
    """What an 837I needs beyond a professional claim (UB-04 fields).

    ``facility_type_code`` is the first two digits of the type of bill (CLM05-1, e.g. ``13``
    hospital outpatient, ``11`` hospital inpatient); the claim frequency supplies the third.
    ``revenue_codes`` maps each domain service line number to its revenue code (SV201).
    ``attending`` defaults to the claim's rendering provider.
    """

    facility_type_code: str
    revenue_codes: Mapping[int, str]
    patient_status_code: str = "01"
    admission_type_code: str = ""
    admission_source_code: str = ""
    admitted_at: datetime | None = None
    statement_from: date | None = None
    statement_through: date | None = None
    admitting_diagnosis: str = ""
    attending: Provider | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "revenue_codes", MappingProxyType(dict(self.revenue_codes)))


@dataclass(frozen=True, slots=True)
class ClaimInput:
    """One claim with every object its 837 needs.

    ``prior_authorization`` overrides the encounter's when set. ``medicare_secondary_type`` is
    SBR05 (e.g. ``47``), required when Medicare is billed but is not the primary payer. The
    CLM06-09 flags default to what a practice with signatures on file sends.
    """

    claim: Claim
    patient: Patient
    coverage: Coverage
    payer: Payer
    billing_provider: Provider
    submitter: Submitter
    receiver: Receiver
    rendering: Provider | None = None
    referring: Provider | None = None
    facility: Facility | None = None
    pay_to: PayTo | None = None
    prior_authorization: str = ""
    primary: PrimaryAdjudication | None = None
    institutional: InstitutionalClaim | None = None
    medicare_secondary_type: str = ""
    provider_signature_on_file: bool = True  # CLM06
    assignment: str = "A"  # CLM07: A assigned, B lab services only, C not assigned
    benefits_assigned: bool = True  # CLM08
    release_of_information: str = "Y"  # CLM09: Y signed, I informed consent
    # CLM11 related causes: EM employment, AA auto accident, OA other accident (CMS-1500 10a-c).
    related_causes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        record = f"claim {self.claim.claim_id}"
        checks = (
            (self.coverage.coverage_id == self.claim.coverage_id, "coverage", "is not the claim's"),
            (self.payer.payer_id == self.claim.payer_id, "payer", "is not the claim's payer"),
            (
                self.coverage.payer_id == self.payer.payer_id,
                "coverage payer",
                "differs from the payer billed",
            ),
            (
                self.coverage.patient_account == self.patient.account,
                "coverage",
                "belongs to another patient",
            ),
            (
                self.claim.encounter.patient_account == self.patient.account,
                "encounter",
                "belongs to another patient",
            ),
            (
                self.primary is None or self.coverage.priority is not Priority.PRIMARY,
                "primary adjudication",
                "given for a claim to the primary payer",
            ),
        )
        for ok, what, reason in checks:
            if not ok:
                raise X12WriteError(record, what, reason)

    @property
    def record(self) -> str:
        """How errors name this claim."""
        return f"claim {self.claim.claim_id}"

    @property
    def authorization(self) -> str:
        return self.prior_authorization or self.claim.encounter.prior_authorization

    @property
    def patient_is_subscriber(self) -> bool:
        return self.coverage.relationship is Relationship.SELF
