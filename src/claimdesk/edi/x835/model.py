"""The 835 as typed records: what :mod:`claimdesk.edi.x835.read` gives back and
:mod:`claimdesk.edi.x835.write` takes, so ``read_835(write_835(rs))`` gives ``rs`` back.

Loops follow the implementation guide (005010X221A1): header (BPR, TRN, REF, DTM), 1000A payer
(N1*PR), 1000B payee (N1*PE), 2100 claim payment (CLP), 2110 service payment (SVC) and the
summary PLB.

Where a record was read from is metadata, not content: the segment ``position`` of a claim, line
or PLB and the ST02, implementation, interchange and findings of a remittance default to nothing
and take no part in equality, so a record built to be written equals the one read back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeAlias

from claimdesk.domain.money import Money, total
from claimdesk.edi.x12.codes import (
    ClaimFilingIndicator,
    ClaimStatus,
    CreditDebit,
    HandlingCode,
    PaymentMethod,
    ProviderAdjustmentReason,
)
from claimdesk.edi.x12.composites import (
    Adjustment,
    EntityName,
    Procedure,
    QualifiedAmount,
    QualifiedDate,
    QualifiedQuantity,
    Reference,
    Trace,
)
from claimdesk.edi.x12.envelope import Envelopes
from claimdesk.edi.x12.errors import X12Finding, has_errors

IMPLEMENTATION = "005010X221A1"


@dataclass(frozen=True, slots=True)
class Remark:
    """LQ: ``qualifier`` HE is a RARC, RX an NCPDP reject/payment code."""

    qualifier: str
    code: str


@dataclass(frozen=True, slots=True)
class Contact:
    """PER: who to call at the payer; 1000A needs one with PER01 BL (technical contact)."""

    function: str  # PER01: BL technical, CX business, IC web site
    name: str = ""  # PER02
    qualifier: str = ""  # PER03: TE telephone, EM e-mail, UR web address
    number: str = ""  # PER04


@dataclass(frozen=True, slots=True)
class Party:
    """N1 loop 1000A (payer, N101 = PR) or 1000B (payee, N101 = PE)."""

    entity: str
    name: str
    id_qualifier: str = ""  # N103: XV plan id, XX NPI, FI TIN
    id: str = ""
    address_lines: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    postal_code: str = ""
    references: tuple[Reference, ...] = ()
    contacts: tuple[Contact, ...] = ()

    def reference(self, qualifier: str) -> str | None:
        return next((r.value for r in self.references if r.qualifier == qualifier), None)

    @property
    def npi(self) -> str | None:
        return self.id if self.id_qualifier == "XX" else None

    @property
    def tax_id(self) -> str | None:
        if self.id_qualifier == "FI":
            return self.id
        return self.reference("TJ")


@dataclass(frozen=True, slots=True)
class BankAccount:
    """One side of an EFT in the BPR: the depository (DFI) and the account at it."""

    routing_number: str  # BPR07 / BPR13: ABA routing number
    account_number: str  # BPR09 / BPR15
    routing_qualifier: str = "01"  # BPR06 / BPR12: 01 ABA transit routing number
    account_qualifier: str = "DA"  # BPR08 / BPR14: DA demand deposit


@dataclass(frozen=True, slots=True)
class Payment:
    """BPR: the money movement."""

    handling: HandlingCode | None  # BPR01
    amount: Money  # BPR02
    credit_debit: CreditDebit | None  # BPR03
    method: PaymentMethod | None  # BPR04
    format: str  # BPR05: CCP, CTX
    effective_date: date | None  # BPR16: check issue or EFT effective date
    payer_account: BankAccount | None = None  # BPR06..BPR09, for an EFT
    originator: str = ""  # BPR10: the payer's company id, as TRN03
    payee_account: BankAccount | None = None  # BPR12..BPR15, for an EFT


@dataclass(frozen=True, slots=True)
class InpatientAdjudication:
    """MIA: inpatient adjudication information."""

    covered_days: Decimal | None  # MIA01
    drg_amount: Money | None  # MIA04
    remark_codes: tuple[str, ...]  # MIA05, MIA20..MIA23


@dataclass(frozen=True, slots=True)
class OutpatientAdjudication:
    """MOA: outpatient adjudication information."""

    reimbursement_rate: Decimal | None  # MOA01
    payable_amount: Money | None  # MOA02: HCPCS payable amount
    remark_codes: tuple[str, ...]  # MOA03..MOA07


def _dated(dates: tuple[QualifiedDate, ...], qualifier: str) -> date | None:
    return next((d.value for d in dates if d.qualifier == qualifier), None)


@dataclass(frozen=True, slots=True)
class ServicePayment:
    """Loop 2110: one service line."""

    procedure: Procedure  # SVC01
    charge: Money  # SVC02
    paid: Money  # SVC03
    revenue_code: str = ""  # SVC04
    units: Decimal | None = None  # SVC05; absent means 1
    original_procedure: Procedure | None = None  # SVC06, when the payer changed the procedure
    original_units: Decimal | None = None  # SVC07
    dates: tuple[QualifiedDate, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    references: tuple[Reference, ...] = ()
    amounts: tuple[QualifiedAmount, ...] = ()
    quantities: tuple[QualifiedQuantity, ...] = ()
    remarks: tuple[Remark, ...] = ()
    position: int = field(default=0, compare=False)  # of the SVC in the interchange read

    @property
    def service_date(self) -> date | None:
        return _dated(self.dates, "472") or _dated(self.dates, "150")

    @property
    def control_number(self) -> str | None:
        """REF*6R: the line item control number the provider sent in the 837."""
        return next((r.value for r in self.references if r.qualifier == "6R"), None)

    @property
    def allowed(self) -> Money | None:
        """AMT*B6: the allowed amount."""
        return next((a.amount for a in self.amounts if a.qualifier == "B6"), None)

    @property
    def adjustment_total(self) -> Money:
        return total(a.amount for a in self.adjustments)


@dataclass(frozen=True, slots=True)
class ClaimPayment:
    """Loop 2100: one claim's adjudication."""

    patient_control_number: str  # CLP01
    status: ClaimStatus | None  # CLP02; None when the code is not valid
    charge: Money  # CLP03
    paid: Money  # CLP04
    patient_responsibility: Money | None  # CLP05
    filing_indicator: ClaimFilingIndicator | None  # CLP06
    payer_claim_control_number: str  # CLP07
    facility_code: str = ""  # CLP08: place of service or bill type facility code
    frequency: str = ""  # CLP09: claim frequency type code
    drg_code: str = ""  # CLP11
    adjustments: tuple[Adjustment, ...] = ()
    names: tuple[EntityName, ...] = ()
    inpatient: InpatientAdjudication | None = None
    outpatient: OutpatientAdjudication | None = None
    references: tuple[Reference, ...] = ()
    dates: tuple[QualifiedDate, ...] = ()
    amounts: tuple[QualifiedAmount, ...] = ()
    quantities: tuple[QualifiedQuantity, ...] = ()
    service_lines: tuple[ServicePayment, ...] = ()
    position: int = field(default=0, compare=False)  # of the CLP in the interchange read

    def name(self, entity: str) -> EntityName | None:
        return next((n for n in self.names if n.entity == entity), None)

    @property
    def patient(self) -> EntityName | None:
        return self.name("QC")

    @property
    def insured(self) -> EntityName | None:
        return self.name("IL")

    @property
    def corrected_insured(self) -> EntityName | None:
        return self.name("74")

    @property
    def rendering_provider(self) -> EntityName | None:
        return self.name("82")

    @property
    def crossover_carrier(self) -> EntityName | None:
        return self.name("TT")

    @property
    def is_crossed_over(self) -> bool:
        """NM1*TT: the payer forwarded the claim to the next payer; do not bill it ourselves."""
        return self.crossover_carrier is not None

    @property
    def is_reversal(self) -> bool:
        return self.status is ClaimStatus.REVERSAL

    @property
    def statement_from(self) -> date | None:
        return _dated(self.dates, "232")

    @property
    def statement_to(self) -> date | None:
        return _dated(self.dates, "233")

    @property
    def received_date(self) -> date | None:
        return _dated(self.dates, "050")

    @property
    def adjustment_total(self) -> Money:
        """Claim-level and line-level CAS amounts together."""
        return total(a.amount for a in self.adjustments) + total(
            line.adjustment_total for line in self.service_lines
        )


@dataclass(frozen=True, slots=True)
class ProviderAdjustmentItem:
    """One PLB adjustment: reason (PLB03-1), reference (PLB03-2, e.g. WO:12345) and amount."""

    reason_code: str
    reference: str
    amount: Money

    @property
    def reason(self) -> ProviderAdjustmentReason | None:
        return _PLB_REASONS.get(self.reason_code)


_PLB_REASONS = {member.value: member for member in ProviderAdjustmentReason}


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """PLB: provider-level adjustments; a positive amount reduces the payment."""

    provider_id: str  # PLB01
    fiscal_period_date: date | None  # PLB02
    items: tuple[ProviderAdjustmentItem, ...]  # PLB03..PLB14: at most six in one segment
    position: int = field(default=0, compare=False)  # of the PLB in the interchange read


@dataclass(frozen=True, slots=True)
class Remittance:
    """One 835 transaction set (ST..SE)."""

    payment: Payment | None
    trace: Trace | None
    payer: Party | None
    payee: Party | None
    production_date: date | None  # DTM*405
    references: tuple[Reference, ...]  # header REF (EV receiver id, F2 version)
    claims: tuple[ClaimPayment, ...]
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    # What reading found out; the writer numbers ST02 itself from its envelope.
    control_number: str = field(default="", compare=False)  # ST02
    implementation: str = field(default=IMPLEMENTATION, compare=False)
    interchange_index: int = field(default=0, compare=False)
    findings: tuple[X12Finding, ...] = field(default=(), compare=False)

    @property
    def provider_adjustment_total(self) -> Money:
        return total(item.amount for plb in self.provider_adjustments for item in plb.items)

    @property
    def has_errors(self) -> bool:
        """True when a finding is an error: such a remittance must not be posted as read."""
        return has_errors(self.findings)


@dataclass(frozen=True, slots=True)
class RemittanceFile:
    """Every 835 in a file, with the envelope findings and those of each transaction."""

    remittances: tuple[Remittance, ...]
    findings: tuple[X12Finding, ...]
    envelopes: Envelopes


@dataclass(frozen=True, slots=True)
class RemittanceHeader:
    """What one 835 says before its claims; :func:`iter_835` yields it ahead of them."""

    control_number: str  # ST02
    implementation: str
    interchange_index: int
    payment: Payment | None
    trace: Trace | None
    payer: Party | None
    payee: Party | None
    production_date: date | None  # DTM*405
    references: tuple[Reference, ...]


@dataclass(frozen=True, slots=True)
class RemittanceTrailer:
    """The end of one streamed 835: its PLB adjustments and every finding of the transaction
    (balancing included), the same as :attr:`Remittance.findings`."""

    control_number: str  # ST02
    interchange_index: int
    claim_count: int
    provider_adjustments: tuple[ProviderAdjustment, ...]
    findings: tuple[X12Finding, ...]


@dataclass(frozen=True, slots=True)
class StreamFindings:
    """Yielded last by :func:`iter_835`: what was found outside the 835 transactions (tokenizer,
    envelopes, other transaction sets), as :attr:`RemittanceFile.findings` has them."""

    findings: tuple[X12Finding, ...]


RemittanceRecord: TypeAlias = RemittanceHeader | ClaimPayment | RemittanceTrailer | StreamFindings
