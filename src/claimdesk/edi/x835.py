"""Read the 835 health care claim payment/advice (005010X221A1) into typed records.

Loops follow the implementation guide: header (BPR, TRN, REF, DTM), 1000A payer (N1*PR),
1000B payee (N1*PE), 2000 header number (LX), 2100 claim payment (CLP), 2110 service payment
(SVC) and the summary PLB. The three balancing rules of the guide are checked with no tolerance
and reported as findings:

* service line: SVC02 - sum(line CAS amounts) = SVC03
* claim: CLP03 - sum(claim CAS + line CAS amounts) = CLP04
* transaction: sum(CLP04) - sum(PLB amounts) = BPR02
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from claimdesk.domain.money import Money, total
from claimdesk.edi.codes import (
    AdjustmentGroup,
    ClaimFilingIndicator,
    ClaimStatus,
    CreditDebit,
    ElementSyntaxError,
    HandlingCode,
    PaymentMethod,
    ProviderAdjustmentReason,
    SegmentSyntaxError,
    TransactionSetError,
)
from claimdesk.edi.envelope import Envelopes, TransactionSet, read_envelopes
from claimdesk.edi.errors import Severity, X12Finding, has_errors
from claimdesk.edi.reading import ElementReader
from claimdesk.edi.tokenizer import Segment, bulk_allocation

IMPLEMENTATION = "005010X221A1"

# CAS02..CAS19: up to six reason/amount/quantity triplets per CAS segment.
_CAS_TRIPLETS = tuple(range(2, 20, 3))
# PLB03..PLB14: up to six adjustment identifier/amount pairs per PLB segment.
_PLB_PAIRS = tuple(range(3, 15, 2))
# Every segment the 835 may contain; anything else is reported as not in the transaction set.
_KNOWN = frozenset(
    {
        *("ST", "BPR", "TRN", "CUR", "REF", "DTM", "N1", "N2", "N3", "N4", "PER", "RDM", "LX"),
        *("TS3", "TS2", "CLP", "CAS", "NM1", "MIA", "MOA", "AMT", "QTY", "SVC", "LQ", "PLB", "SE"),
    }
)


@dataclass(frozen=True, slots=True)
class Reference:
    qualifier: str  # REF01
    value: str  # REF02


@dataclass(frozen=True, slots=True)
class QualifiedDate:
    qualifier: str  # DTM01, e.g. 232 statement from, 472 service date
    value: date


@dataclass(frozen=True, slots=True)
class QualifiedAmount:
    qualifier: str  # AMT01, e.g. AU coverage amount, B6 allowed
    amount: Money


@dataclass(frozen=True, slots=True)
class QualifiedQuantity:
    qualifier: str  # QTY01
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS reason/amount/quantity triplet; ``reason`` is a CARC (an open code set)."""

    group: AdjustmentGroup
    reason: str
    amount: Money
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Remark:
    """LQ: ``qualifier`` HE is a RARC, RX an NCPDP reject/payment code."""

    qualifier: str
    code: str


@dataclass(frozen=True, slots=True)
class Procedure:
    """A composite procedure id (SVC01/SVC06): qualifier (HC, AD, NU, ...), code and modifiers."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class EntityName:
    """NM1: a person or organization named on a claim."""

    entity: str  # NM101: QC patient, IL insured, 74 corrected insured, 82 rendering, TT crossover
    entity_type: str  # NM102: 1 person, 2 non-person
    last_or_organization: str
    first: str = ""
    middle: str = ""
    suffix: str = ""
    id_qualifier: str = ""  # NM108
    id: str = ""  # NM109


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
class Payment:
    """BPR: the money movement."""

    handling: HandlingCode | None  # BPR01
    amount: Money  # BPR02
    credit_debit: CreditDebit | None  # BPR03
    method: PaymentMethod | None  # BPR04
    format: str  # BPR05: CCP, CTX
    effective_date: date | None  # BPR16: check issue or EFT effective date


@dataclass(frozen=True, slots=True)
class Trace:
    """TRN: TRN02 is the check or EFT trace number that identifies the payment."""

    type_code: str
    number: str
    originator: str  # TRN03: payer's company id
    originator_supplemental: str = ""  # TRN04


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

    position: int  # of the SVC in the interchange
    procedure: Procedure  # SVC01
    charge: Money  # SVC02
    paid: Money  # SVC03
    revenue_code: str  # SVC04
    units: Decimal | None  # SVC05; absent means 1
    original_procedure: Procedure | None  # SVC06, when the payer changed the procedure
    original_units: Decimal | None  # SVC07
    dates: tuple[QualifiedDate, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    references: tuple[Reference, ...] = ()
    amounts: tuple[QualifiedAmount, ...] = ()
    quantities: tuple[QualifiedQuantity, ...] = ()
    remarks: tuple[Remark, ...] = ()

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

    position: int  # of the CLP in the interchange
    patient_control_number: str  # CLP01
    status: ClaimStatus | None  # CLP02; None when the code is not valid
    charge: Money  # CLP03
    paid: Money  # CLP04
    patient_responsibility: Money | None  # CLP05
    filing_indicator: ClaimFilingIndicator | None  # CLP06
    payer_claim_control_number: str  # CLP07
    facility_code: str  # CLP08: place of service or bill type facility code
    frequency: str  # CLP09: claim frequency type code
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

    position: int
    provider_id: str  # PLB01
    fiscal_period_date: date | None  # PLB02
    items: tuple[ProviderAdjustmentItem, ...]


@dataclass(frozen=True, slots=True)
class Remittance:
    """One 835 transaction set (ST..SE)."""

    control_number: str  # ST02
    implementation: str
    interchange_index: int
    payment: Payment | None
    trace: Trace | None
    payer: Party | None
    payee: Party | None
    production_date: date | None  # DTM*405
    references: tuple[Reference, ...]
    claims: tuple[ClaimPayment, ...]
    provider_adjustments: tuple[ProviderAdjustment, ...]
    findings: tuple[X12Finding, ...]

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


def read_835(text: str) -> RemittanceFile:
    """Read every 835 transaction set in ``text``; raises X12Error only on non-X12 input."""
    envelopes = read_envelopes(text)
    with bulk_allocation():
        return _read_all(envelopes)


def _read_all(envelopes: Envelopes) -> RemittanceFile:
    findings = list(envelopes.findings)
    remittances: list[Remittance] = []
    for transaction in envelopes.transaction_sets:
        if transaction.transaction_set_id != "835":
            findings.append(
                X12Finding(
                    "835.not_835",
                    f"transaction set {transaction.transaction_set_id[:6]!r} is not an 835",
                    transaction.location(transaction.segments[0], element_position=1),
                    TransactionSetError.NOT_SUPPORTED,
                    Severity.WARNING,
                )
            )
            continue
        remittance = read_835_transaction(transaction)
        remittances.append(remittance)
        findings.extend(remittance.findings)
    return RemittanceFile(tuple(remittances), tuple(findings), envelopes)


def read_835_transaction(transaction: TransactionSet) -> Remittance:
    return _Reader(transaction).read()


@dataclass
class _Line:
    segment: Segment
    procedure: Procedure
    charge: Money | None
    paid: Money | None
    revenue_code: str
    units: Decimal | None
    original_procedure: Procedure | None
    original_units: Decimal | None
    dates: list[QualifiedDate] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    amounts: list[QualifiedAmount] = field(default_factory=list)
    quantities: list[QualifiedQuantity] = field(default_factory=list)
    remarks: list[Remark] = field(default_factory=list)
    readable: bool = True

    def freeze(self) -> ServicePayment:
        return ServicePayment(
            position=self.segment.position,
            procedure=self.procedure,
            charge=self.charge or Money.zero(),
            paid=self.paid or Money.zero(),
            revenue_code=self.revenue_code,
            units=self.units,
            original_procedure=self.original_procedure,
            original_units=self.original_units,
            dates=tuple(self.dates),
            adjustments=tuple(self.adjustments),
            references=tuple(self.references),
            amounts=tuple(self.amounts),
            quantities=tuple(self.quantities),
            remarks=tuple(self.remarks),
        )


@dataclass
class _Claim:
    segment: Segment
    charge: Money | None
    paid: Money | None
    adjustments: list[Adjustment] = field(default_factory=list)
    names: list[EntityName] = field(default_factory=list)
    inpatient: InpatientAdjudication | None = None
    outpatient: OutpatientAdjudication | None = None
    references: list[Reference] = field(default_factory=list)
    dates: list[QualifiedDate] = field(default_factory=list)
    amounts: list[QualifiedAmount] = field(default_factory=list)
    quantities: list[QualifiedQuantity] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)
    readable: bool = True


@dataclass
class _Party:
    segment: Segment
    address_lines: list[str] = field(default_factory=list)
    city: str = ""
    state: str = ""
    postal_code: str = ""
    references: list[Reference] = field(default_factory=list)


class _Reader:
    def __init__(self, transaction: TransactionSet) -> None:
        self.transaction = transaction
        self.elements = ElementReader(transaction)
        self.claims: list[ClaimPayment] = []
        # False once an amount that a balancing rule needs could not be read.
        self._payment_readable = True

    def read(self) -> Remittance:
        transaction = self.transaction
        el = self.elements
        if not transaction.implementation.startswith("005010X221"):
            el.report(
                "835.implementation",
                f"implementation {transaction.implementation[:20]!r} is not {IMPLEMENTATION}; "
                "read as 5010",
                transaction.segments[0],
                TransactionSetError.IMPLEMENTATION_CONVENTION_NOT_SUPPORTED,
                severity=Severity.WARNING,
            )
        payment: Payment | None = None
        bpr: Segment | None = None
        trace: Trace | None = None
        production_date: date | None = None
        references: list[Reference] = []
        parties: dict[str, _Party] = {}
        party: _Party | None = None
        claim: _Claim | None = None
        line: _Line | None = None
        plbs: list[ProviderAdjustment] = []
        loop: str | None = None
        for segment in transaction.segments[1:]:
            sid = segment.elements[0]
            if sid == "SE":
                break
            # Loop starts first: they change which loop the following segments belong to.
            if sid == "CLP":
                self._close_claim(claim)
                line = None
                loop = el.loop = "2100"
                claim = self._read_clp(segment)
                continue
            if sid == "SVC":
                if claim is None:
                    el.unexpected(segment, True)
                    continue
                loop = el.loop = "2110"
                line = self._read_svc(segment)
                claim.lines.append(line)
                continue
            if sid == "LX":
                self._close_claim(claim)
                claim = line = None
                loop = el.loop = "2000"
                continue
            if sid == "N1" and loop in (None, "1000A", "1000B"):
                entity = segment.get(1)
                loop = el.loop = "1000A" if entity == "PR" else "1000B"
                party = _Party(segment)
                if entity in parties:
                    el.report(
                        "835.party_repeated",
                        f"N1*{entity[:3]} appears more than once",
                        segment,
                        SegmentSyntaxError.SEGMENT_OVER_MAXIMUM_USE,
                    )
                parties.setdefault(entity, party)
                continue
            if sid == "PLB":
                self._close_claim(claim)
                claim = line = None
                loop = el.loop = None
                plbs.append(self._read_plb(segment))
                continue
            if loop == "2110" and line is not None and self._line_segment(segment, line):
                continue
            if loop in ("2100", "2110") and claim is not None:
                if line is not None and sid in ("DTM", "REF", "AMT", "QTY", "CAS"):
                    # A claim-level segment after a service line is out of sequence.
                    el.unexpected(segment, True)
                    continue
                if self._claim_segment(segment, claim):
                    continue
            elif loop in ("1000A", "1000B") and party is not None:
                if self._party_segment(segment, party):
                    continue
            elif loop is None and not self.claims and not plbs:
                if sid == "BPR":
                    if bpr is not None:
                        el.unexpected(segment, True)
                        continue
                    bpr = segment
                    payment = self._read_bpr(segment)
                    continue
                if sid == "TRN":
                    trace = Trace(
                        el.text(segment, 1, required=True),
                        el.text(segment, 2, required=True),
                        el.text(segment, 3, required=True),
                        segment.get(4),
                    )
                    continue
                if sid == "REF":
                    references.append(Reference(segment.get(1), segment.get(2)))
                    continue
                if sid == "DTM":
                    value = el.date(segment, 2, required=True)
                    if segment.get(1) == "405":
                        production_date = value
                    continue
                if sid == "CUR":
                    continue
            elif loop == "2000" and sid in ("TS3", "TS2"):
                # Provider summary information is informational; nothing is posted from it.
                continue
            el.unexpected(segment, sid in _KNOWN)
        self._close_claim(claim)
        if bpr is None:
            el.report(
                "835.bpr_missing",
                "the required BPR financial information segment is missing",
                transaction.segments[0],
                SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
            )
        if trace is None:
            el.report(
                "835.trn_missing",
                "the required TRN reassociation trace number segment is missing",
                transaction.segments[0],
                SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
            )
        for entity, what in (("PR", "payer"), ("PE", "payee")):
            if entity not in parties:
                el.report(
                    f"835.{what}_missing",
                    f"the required {what} identification N1*{entity} is missing",
                    transaction.segments[0],
                    SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
                )
        if bpr is not None and payment is not None and self._payment_readable:
            self._balance_transaction(bpr, payment, plbs)
        return Remittance(
            control_number=transaction.control_number,
            implementation=transaction.implementation,
            interchange_index=transaction.interchange_index,
            payment=payment,
            trace=trace,
            payer=_freeze_party(parties.get("PR")),
            payee=_freeze_party(parties.get("PE")),
            production_date=production_date,
            references=tuple(references),
            claims=tuple(self.claims),
            provider_adjustments=tuple(plbs),
            findings=tuple(el.findings),
        )

    def _read_bpr(self, segment: Segment) -> Payment:
        el = self.elements
        amount = el.money(segment, 2, required=True)
        if amount is None:
            self._payment_readable = False
        return Payment(
            handling=el.code(segment, 1, HandlingCode, required=True),
            amount=amount or Money.zero(),
            credit_debit=el.code(segment, 3, CreditDebit, required=True),
            method=el.code(segment, 4, PaymentMethod, required=True),
            format=segment.get(5),
            effective_date=el.date(segment, 16, required=True),
        )

    def _read_clp(self, segment: Segment) -> _Claim:
        el = self.elements
        before = len(el.findings)
        charge = el.money(segment, 3, required=True)
        paid = el.money(segment, 4, required=True)
        claim = _Claim(segment, charge, paid)
        claim.readable = len(el.findings) == before
        return claim

    def _close_claim(self, claim: _Claim | None) -> None:
        if claim is None:
            return
        el = self.elements
        el.loop = "2100"
        segment = claim.segment
        e = segment.padded(11)
        lines = []
        for line in claim.lines:
            if line.readable:
                self._balance_line(line)
            else:
                claim.readable = False
            lines.append(line.freeze())
        record = ClaimPayment(
            position=segment.position,
            patient_control_number=el.text(segment, 1, required=True),
            status=el.code(segment, 2, ClaimStatus, required=True),
            charge=claim.charge or Money.zero(),
            paid=claim.paid or Money.zero(),
            patient_responsibility=el.money(segment, 5),
            filing_indicator=el.code(segment, 6, ClaimFilingIndicator, required=True),
            payer_claim_control_number=e[7],
            facility_code=e[8],
            frequency=e[9],
            drg_code=e[11],
            adjustments=tuple(claim.adjustments),
            names=tuple(claim.names),
            inpatient=claim.inpatient,
            outpatient=claim.outpatient,
            references=tuple(claim.references),
            dates=tuple(claim.dates),
            amounts=tuple(claim.amounts),
            quantities=tuple(claim.quantities),
            service_lines=tuple(lines),
        )
        if claim.readable:
            self._balance_claim(record, segment)
        else:
            self._payment_readable = False
        self.claims.append(record)

    def _read_svc(self, segment: Segment) -> _Line:
        el = self.elements
        procedure = self._procedure(segment, 1, required=True) or Procedure("", "")
        charge = el.money(segment, 2, required=True)
        paid = el.money(segment, 3, required=True)
        line = _Line(
            segment=segment,
            procedure=procedure,
            charge=charge,
            paid=paid,
            revenue_code=segment.get(4),
            units=el.decimal(segment, 5),
            original_procedure=self._procedure(segment, 6),
            original_units=el.decimal(segment, 7),
        )
        line.readable = charge is not None and paid is not None
        return line

    def _procedure(self, segment: Segment, index: int, required: bool = False) -> Procedure | None:
        parts = self.elements.components(segment, index)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            if required or segment.get(index):
                self.elements.report(
                    "835.procedure",
                    f"{segment.id}{index:02d} needs a qualifier and a procedure code",
                    segment,
                    ElementSyntaxError.REQUIRED_ELEMENT_MISSING,
                    index,
                    component=1 if not parts[0] else 2,
                )
            return None
        modifiers = tuple(m for m in parts[2:6] if m)
        description = parts[6] if len(parts) > 6 else ""
        return Procedure(parts[0], parts[1], modifiers, description)

    def _adjustments(self, segment: Segment) -> tuple[list[Adjustment], bool]:
        """CAS triplets; the flag is False when an amount could not be read."""
        el = self.elements
        group = el.code(segment, 1, AdjustmentGroup, required=True)
        found: list[Adjustment] = []
        readable = group is not None
        if not segment.get(2) and not segment.get(3):
            el.text(segment, 2, required=True)
            return found, False
        count = len(segment.elements)
        for start in _CAS_TRIPLETS:
            if start >= count:
                break
            reason = segment.elements[start]
            if not reason:
                if segment.get(start + 1):
                    el.text(segment, start, required=True)
                    readable = False
                continue
            amount = el.money(segment, start + 1, required=True)
            quantity = el.decimal(segment, start + 2) if start + 2 < count else None
            if amount is None:
                readable = False
            elif group is not None:
                found.append(Adjustment(group, reason, amount, quantity))
        return found, readable

    def _line_segment(self, segment: Segment, line: _Line) -> bool:
        el = self.elements
        sid = segment.elements[0]
        if sid == "CAS":
            adjustments, readable = self._adjustments(segment)
            line.adjustments.extend(adjustments)
            line.readable = line.readable and readable
        elif sid == "DTM":
            value = el.date(segment, 2, required=True)
            if value is not None:
                line.dates.append(QualifiedDate(segment.get(1), value))
        elif sid == "REF":
            line.references.append(Reference(segment.get(1), el.text(segment, 2, required=True)))
        elif sid == "AMT":
            amount = el.money(segment, 2, required=True)
            if amount is not None:
                line.amounts.append(QualifiedAmount(segment.get(1), amount))
        elif sid == "QTY":
            quantity = el.decimal(segment, 2, required=True)
            if quantity is not None:
                line.quantities.append(QualifiedQuantity(segment.get(1), quantity))
        elif sid == "LQ":
            line.remarks.append(Remark(segment.get(1), el.text(segment, 2, required=True)))
        else:
            return False
        return True

    def _claim_segment(self, segment: Segment, claim: _Claim) -> bool:
        el = self.elements
        sid = segment.elements[0]
        if sid == "CAS":
            adjustments, readable = self._adjustments(segment)
            claim.adjustments.extend(adjustments)
            claim.readable = claim.readable and readable
        elif sid == "NM1":
            e = segment.padded(9)
            claim.names.append(
                EntityName(
                    entity=el.text(segment, 1, required=True),
                    entity_type=e[2],
                    last_or_organization=e[3],
                    first=e[4],
                    middle=e[5],
                    suffix=e[7],
                    id_qualifier=e[8],
                    id=e[9],
                )
            )
        elif sid == "MIA":
            claim.inpatient = InpatientAdjudication(
                covered_days=el.decimal(segment, 1),
                drg_amount=el.money(segment, 4),
                remark_codes=tuple(c for c in (segment.get(i) for i in (5, 20, 21, 22, 23)) if c),
            )
        elif sid == "MOA":
            claim.outpatient = OutpatientAdjudication(
                reimbursement_rate=el.decimal(segment, 1),
                payable_amount=el.money(segment, 2),
                remark_codes=tuple(c for c in (segment.get(i) for i in range(3, 8)) if c),
            )
        elif sid == "REF":
            claim.references.append(Reference(segment.get(1), el.text(segment, 2, required=True)))
        elif sid == "DTM":
            value = el.date(segment, 2, required=True)
            if value is not None:
                claim.dates.append(QualifiedDate(segment.get(1), value))
        elif sid == "AMT":
            amount = el.money(segment, 2, required=True)
            if amount is not None:
                claim.amounts.append(QualifiedAmount(segment.get(1), amount))
        elif sid == "QTY":
            quantity = el.decimal(segment, 2, required=True)
            if quantity is not None:
                claim.quantities.append(QualifiedQuantity(segment.get(1), quantity))
        else:
            # PER (claim contact) is informational.
            return sid == "PER"
        return True

    def _party_segment(self, segment: Segment, party: _Party) -> bool:
        sid = segment.elements[0]
        if sid == "N3":
            party.address_lines.extend(x for x in (segment.get(1), segment.get(2)) if x)
        elif sid == "N4":
            party.city, party.state, party.postal_code = (
                segment.get(1),
                segment.get(2),
                segment.get(3),
            )
        elif sid == "REF":
            party.references.append(Reference(segment.get(1), segment.get(2)))
        elif sid not in ("PER", "RDM", "N2"):
            return False
        return True

    def _read_plb(self, segment: Segment) -> ProviderAdjustment:
        el = self.elements
        items: list[ProviderAdjustmentItem] = []
        for start in _PLB_PAIRS:
            identifier = segment.get(start)
            if not identifier and not segment.get(start + 1):
                if start == 3:
                    el.text(segment, 3, required=True)
                continue
            parts = el.components(segment, start)
            amount = el.money(segment, start + 1, required=True)
            if not parts[0]:
                el.text(segment, start, required=True)
                self._payment_readable = False
                continue
            if amount is None:
                self._payment_readable = False
                continue
            reference = parts[1] if len(parts) > 1 else ""
            items.append(ProviderAdjustmentItem(parts[0], reference, amount))
        return ProviderAdjustment(
            position=segment.position,
            provider_id=el.text(segment, 1, required=True),
            fiscal_period_date=el.date(segment, 2, required=True),
            items=tuple(items),
        )

    # Balancing sums Decimal amounts directly: every Money is exact cents, so the sums are exact.
    def _balance_line(self, line: _Line) -> None:
        charge = line.charge.amount if line.charge else _ZERO
        paid = line.paid.amount if line.paid else _ZERO
        adjusted = _sum(a.amount for a in line.adjustments)
        if charge - adjusted != paid:
            self.elements.loop = "2110"
            self.elements.report(
                "835.balance.line",
                f"service line does not balance: charge {Money(charge)} - adjustments "
                f"{Money(adjusted)} = {Money(charge - adjusted)}, but SVC03 paid is {Money(paid)}",
                line.segment,
                None,
                3,
            )
            self.elements.loop = "2100"

    def _balance_claim(self, claim: ClaimPayment, segment: Segment) -> None:
        adjusted = _sum(a.amount for a in claim.adjustments) + _sum(
            a.amount for line in claim.service_lines for a in line.adjustments
        )
        charge, paid = claim.charge.amount, claim.paid.amount
        if charge - adjusted != paid:
            self.elements.report(
                "835.balance.claim",
                f"claim does not balance: charge {claim.charge} - claim and line adjustments "
                f"{Money(adjusted)} = {Money(charge - adjusted)}, but CLP04 paid is {claim.paid}",
                segment,
                None,
                4,
            )

    def _balance_transaction(
        self, bpr: Segment, payment: Payment, plbs: list[ProviderAdjustment]
    ) -> None:
        paid = _sum(claim.paid for claim in self.claims)
        provider = _sum(item.amount for plb in plbs for item in plb.items)
        if paid - provider != payment.amount.amount:
            self.elements.loop = None
            self.elements.report(
                "835.balance.transaction",
                f"transaction does not balance: claims paid {Money(paid)} - provider adjustments "
                f"{Money(provider)} = {Money(paid - provider)}, but BPR02 is {payment.amount}",
                bpr,
                None,
                2,
            )


_ZERO = Decimal(0)


def _sum(amounts: Iterable[Money]) -> Decimal:
    return sum((m.amount for m in amounts), _ZERO)


def _freeze_party(party: _Party | None) -> Party | None:
    if party is None:
        return None
    segment = party.segment
    return Party(
        entity=segment.get(1),
        name=segment.get(2),
        id_qualifier=segment.get(3),
        id=segment.get(4),
        address_lines=tuple(party.address_lines),
        city=party.city,
        state=party.state,
        postal_code=party.postal_code,
        references=tuple(party.references),
    )
