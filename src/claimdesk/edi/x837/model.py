"""What :func:`claimdesk.edi.x837.read.read_837` gives back: one typed record per 837 claim.

Every claim carries the levels above it (transaction header, billing provider, subscriber and,
for a dependent, patient), so a claim can be handled on its own. Levels shared by many claims are
the same objects. Open code sets (procedure codes, CARCs, taxonomy) stay strings; closed ones
become enums where the domain has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from claimdesk.domain.claims import FrequencyCode
from claimdesk.domain.coverage import Priority, Relationship
from claimdesk.domain.money import Money, total
from claimdesk.domain.parties import Address, Sex
from claimdesk.edi.x12.codes import ClaimFilingIndicator
from claimdesk.edi.x12.composites import (
    Adjustment,
    EntityName,
    Procedure,
    QualifiedAmount,
    Reference,
)
from claimdesk.edi.x12.envelope import Envelopes
from claimdesk.edi.x12.errors import X12Finding, has_errors
from claimdesk.edi.x12.hierarchy import Period

PROFESSIONAL = "005010X222A1"
INSTITUTIONAL = "005010X223A2"

# SBR01 payer responsibility sequence: the three the domain orders coverages by.
_PRIORITIES = {"P": Priority.PRIMARY, "S": Priority.SECONDARY, "T": Priority.TERTIARY}
_FREQUENCIES = {member.value: member for member in FrequencyCode}
_RELATIONSHIPS = {member.value: member for member in Relationship}


def _reference(references: tuple[Reference, ...], qualifier: str) -> str:
    return next((r.value for r in references if r.qualifier == qualifier), "")


def _amount(amounts: tuple[QualifiedAmount, ...], qualifier: str) -> Money | None:
    return next((a.amount for a in amounts if a.qualifier == qualifier), None)


def _period(dates: tuple[Period, ...], qualifier: str) -> Period | None:
    return next((d for d in dates if d.qualifier == qualifier), None)


@dataclass(frozen=True, slots=True)
class NamedParty:
    """An NM1 with the N3/N4, PRV, REF and DMG segments of its loop."""

    position: int  # of the NM1 in the interchange
    loop: str  # e.g. 2010AA, 2310B
    name: EntityName
    address: Address | None = None
    taxonomy: str = ""  # PRV03
    references: tuple[Reference, ...] = ()
    birth_date: date | None = None  # DMG02
    sex: Sex | None = None  # DMG03

    @property
    def npi(self) -> str:
        return self.name.id if self.name.id_qualifier == "XX" else ""

    def reference(self, qualifier: str) -> str:
        return _reference(self.references, qualifier)


@dataclass(frozen=True, slots=True)
class Header837:
    """One ST..SE: BHT and loops 1000A (submitter) and 1000B (receiver)."""

    control_number: str  # ST02
    implementation: str  # ST03 or GS08
    interchange_index: int
    reference: str  # BHT03
    created: date | None  # BHT04
    submitter: NamedParty | None
    submitter_contact: str  # 1000A PER02
    submitter_phone: str  # PER qualifier TE
    submitter_email: str  # PER qualifier EM
    receiver: NamedParty | None

    @property
    def institutional(self) -> bool:
        return self.implementation.startswith("005010X223")


@dataclass(frozen=True, slots=True)
class BillingLevel:
    """Loop 2000A: billing provider (2010AA) and pay-to address (2010AB)."""

    position: int  # of the HL
    hl_id: str
    provider: NamedParty | None
    pay_to: NamedParty | None
    taxonomy: str  # 2000A PRV03

    @property
    def tax_id(self) -> str:
        if self.provider is None:
            return ""
        return self.provider.reference("EI") or self.provider.reference("SY")


@dataclass(frozen=True, slots=True)
class SubscriberLevel:
    """Loop 2000B: SBR, the subscriber (2010BA) and the payer (2010BB)."""

    position: int
    hl_id: str
    responsibility: str  # SBR01: P, S, T, A..H, U
    relationship: str  # SBR02: 18 when the subscriber is the patient, else empty
    group_number: str  # SBR03
    group_name: str  # SBR04
    insurance_type: str  # SBR05, e.g. 47 for Medicare secondary
    filing_indicator: ClaimFilingIndicator | None  # SBR09
    subscriber: NamedParty | None
    payer: NamedParty | None

    @property
    def priority(self) -> Priority | None:
        return _PRIORITIES.get(self.responsibility)

    @property
    def member_id(self) -> str:
        return self.subscriber.name.id if self.subscriber is not None else ""


@dataclass(frozen=True, slots=True)
class PatientLevel:
    """Loop 2000C: the patient when it is not the subscriber."""

    position: int
    hl_id: str
    relationship_code: str  # PAT01
    patient: NamedParty | None

    @property
    def relationship(self) -> Relationship | None:
        """PAT01 as the domain's relationship, None for codes the domain does not model."""
        return _RELATIONSHIPS.get(self.relationship_code)


@dataclass(frozen=True, slots=True)
class HealthCode:
    """One HI composite: qualifier (ABK, ABF, ABJ, BK, ...) and code, without the dot."""

    qualifier: str
    code: str


@dataclass(frozen=True, slots=True)
class InstitutionalInfo:
    """CL1 (837I): admission type, source and patient status codes."""

    admission_type: str
    admission_source: str
    patient_status: str


@dataclass(frozen=True, slots=True)
class LineAdjudication837:
    """Loop 2430: a prior payer's adjudication of one service line."""

    position: int  # of the SVD
    payer_id: str  # SVD01, equals the 2330B NM109 of that payer
    paid: Money | None  # SVD02
    procedure: Procedure | None  # SVD03
    revenue_code: str  # SVD04
    paid_units: Decimal | None  # SVD05
    bundled_line: str  # SVD06
    adjustments: tuple[Adjustment, ...] = ()
    adjudicated_on: date | None = None  # DTP*573
    amounts: tuple[QualifiedAmount, ...] = ()

    @property
    def patient_responsibility(self) -> Money | None:
        return _amount(self.amounts, "EAF")


@dataclass(frozen=True, slots=True)
class DrugIdentification837:
    """Loop 2410: the drug given on the line (LIN), its quantity (CTP) and one REF."""

    position: int  # of the LIN
    qualifier: str  # LIN02: N4, the NDC in 5-4-2 form
    ndc: str  # LIN03
    quantity: Decimal | None  # CTP04
    unit: str  # CTP05-1: UN, ML, GR, F2 or ME
    reference: Reference | None = None  # REF*XZ prescription number or REF*VY link sequence


@dataclass(frozen=True, slots=True)
class ServiceLine837:
    """Loop 2400: LX with SV1 (837P) or SV2 (837I)."""

    position: int  # of the LX
    number: int | None  # LX01
    procedure: Procedure | None  # SV101 / SV202
    revenue_code: str  # SV201 (837I)
    charge: Money | None  # SV102 / SV203
    unit_basis: str  # SV103 / SV204: UN units, MJ minutes, DA days
    units: Decimal | None  # SV104 / SV205
    place_of_service: str  # SV105, empty when it is the claim's
    diagnosis_pointers: tuple[int, ...]  # SV107
    dates: tuple[Period, ...] = ()
    references: tuple[Reference, ...] = ()
    amounts: tuple[QualifiedAmount, ...] = ()
    providers: tuple[NamedParty, ...] = ()  # 2420
    adjudications: tuple[LineAdjudication837, ...] = ()  # 2430
    drug: DrugIdentification837 | None = None  # 2410

    @property
    def service_period(self) -> Period | None:
        return _period(self.dates, "472")

    @property
    def control_number(self) -> str:
        """REF*6R: the provider's line item control number."""
        return _reference(self.references, "6R")


@dataclass(frozen=True, slots=True)
class OtherPayer:
    """Loops 2320/2330A/2330B: another payer of this claim and what it did."""

    position: int  # of the SBR
    responsibility: str  # SBR01
    relationship_code: str  # SBR02: patient's relationship to the other subscriber
    group_number: str  # SBR03
    filing_indicator: ClaimFilingIndicator | None  # SBR09
    adjustments: tuple[Adjustment, ...]  # 2320 CAS
    amounts: tuple[QualifiedAmount, ...]  # 2320 AMT: D paid, EAF patient responsibility
    subscriber: NamedParty | None  # 2330A
    payer: NamedParty | None  # 2330B
    adjudicated_on: date | None  # 2330B DTP*573

    @property
    def priority(self) -> Priority | None:
        return _PRIORITIES.get(self.responsibility)

    @property
    def relationship(self) -> Relationship | None:
        return _RELATIONSHIPS.get(self.relationship_code)

    @property
    def payer_id(self) -> str:
        return self.payer.name.id if self.payer is not None else ""

    @property
    def paid(self) -> Money | None:
        """AMT*D: what this payer paid on the claim."""
        return _amount(self.amounts, "D")

    @property
    def patient_responsibility(self) -> Money | None:
        return _amount(self.amounts, "EAF")

    @property
    def payer_claim_number(self) -> str:
        """2330B REF*F8: this payer's claim control number."""
        return self.payer.reference("F8") if self.payer is not None else ""


@dataclass(frozen=True, slots=True)
class Claim837:
    """Loop 2300 with the levels above it."""

    position: int  # of the CLM in the interchange
    header: Header837
    billing: BillingLevel
    subscriber: SubscriberLevel
    patient: PatientLevel | None
    claim_id: str  # CLM01
    total_charge: Money | None  # CLM02
    facility_code: str  # CLM05-1: place of service (837P) or facility type (837I)
    facility_qualifier: str  # CLM05-2: B place of service, A uniform billing
    frequency_code: str  # CLM05-3
    provider_signature: bool | None  # CLM06
    assignment: str  # CLM07
    benefits_assigned: bool | None  # CLM08
    release_of_information: str  # CLM09
    dates: tuple[Period, ...]
    admission_time: time | None  # DTP*435 in DT format (837I): local time, no zone
    institutional: InstitutionalInfo | None  # CL1
    references: tuple[Reference, ...]
    amounts: tuple[QualifiedAmount, ...]
    health_codes: tuple[HealthCode, ...]  # every HI composite, in order
    providers: tuple[NamedParty, ...]  # 2310 loops
    other_payers: tuple[OtherPayer, ...]
    lines: tuple[ServiceLine837, ...]

    @property
    def institutional_claim(self) -> bool:
        return self.header.institutional

    @property
    def frequency(self) -> FrequencyCode | None:
        return _FREQUENCIES.get(self.frequency_code)

    @property
    def diagnoses(self) -> tuple[str, ...]:
        """Principal then other diagnoses (ABK/ABF, or BK/BF in ICD-9), without dots."""
        principal = [c.code for c in self.health_codes if c.qualifier in ("ABK", "BK")]
        others = [c.code for c in self.health_codes if c.qualifier in ("ABF", "BF")]
        return tuple(principal + others)

    @property
    def admitting_diagnosis(self) -> str:
        return next((c.code for c in self.health_codes if c.qualifier in ("ABJ", "BJ")), "")

    @property
    def original_payer_claim_number(self) -> str:
        """REF*F8: the payer's number of the claim a replacement or void refers to."""
        return _reference(self.references, "F8")

    @property
    def prior_authorization(self) -> str:
        return _reference(self.references, "G1")

    @property
    def admission_date(self) -> date | None:
        """DTP*435 (837I)."""
        period = _period(self.dates, "435")
        return period.start if period is not None else None

    @property
    def statement_period(self) -> Period | None:
        return _period(self.dates, "434")

    def provider(self, entity: str) -> NamedParty | None:
        """The 2310 provider with NM101 ``entity`` (82 rendering, DN referring, ...)."""
        return next((p for p in self.providers if p.name.entity == entity), None)

    @property
    def rendering(self) -> NamedParty | None:
        return self.provider("82")

    @property
    def referring(self) -> NamedParty | None:
        return self.provider("DN")

    @property
    def attending(self) -> NamedParty | None:
        return self.provider("71")

    @property
    def service_facility(self) -> NamedParty | None:
        return self.provider("77")

    @property
    def line_charge_total(self) -> Money:
        return total(line.charge for line in self.lines if line.charge is not None)


@dataclass(frozen=True, slots=True)
class Claims837:
    """Every claim of every 837 transaction set in a file, and what is wrong with the file."""

    claims: tuple[Claim837, ...]
    headers: tuple[Header837, ...]
    findings: tuple[X12Finding, ...]
    envelopes: Envelopes

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)

    def by_id(self, claim_id: str) -> tuple[Claim837, ...]:
        return tuple(c for c in self.claims if c.claim_id == claim_id)
