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

import codecs
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from os import PathLike
from typing import IO, TypeAlias

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
from claimdesk.edi.envelope import (
    Envelopes,
    TransactionSet,
    read_envelopes,
    stream_transactions,
)
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

# Characters read from a file at a time by iter_835.
CHUNK_SIZE = 1 << 20


def read_835(text: str) -> RemittanceFile:
    """Read every 835 transaction set in ``text``; raises X12Error only on non-X12 input."""
    with bulk_allocation():
        return _read_all(read_envelopes(text))


def _not_835(transaction: TransactionSet) -> X12Finding:
    return X12Finding(
        "835.not_835",
        f"transaction set {transaction.transaction_set_id[:6]!r} is not an 835",
        transaction.location(transaction.segments[0], element_position=1),
        TransactionSetError.NOT_SUPPORTED,
        Severity.WARNING,
    )


def _read_all(envelopes: Envelopes) -> RemittanceFile:
    findings = list(envelopes.findings)
    remittances: list[Remittance] = []
    for transaction in envelopes.transaction_sets:
        if transaction.transaction_set_id != "835":
            findings.append(_not_835(transaction))
            continue
        remittance = read_835_transaction(transaction)
        remittances.append(remittance)
        findings.extend(remittance.findings)
    return RemittanceFile(tuple(remittances), tuple(findings), envelopes)


def read_835_transaction(transaction: TransactionSet) -> Remittance:
    return _Reader(transaction).read()


def iter_835(source: str | PathLike[str] | IO[str] | IO[bytes]) -> Iterator[RemittanceRecord]:
    """Stream the 835s of a file (a path, or a text or binary file object) in bounded memory.

    Per transaction set it yields a :class:`RemittanceHeader`, each :class:`ClaimPayment` as its
    loop ends, and a :class:`RemittanceTrailer` with the transaction's findings; last comes one
    :class:`StreamFindings`. The checks are those of :func:`read_835` (the transaction balance is
    kept as a running total), so the records equal the ones :func:`read_835` returns. Raises
    X12Error only on non-X12 input.
    """
    if isinstance(source, str | PathLike):
        with open(source, encoding="utf-8", newline="") as handle:
            yield from _stream(_chunks(handle))
    else:
        yield from _stream(_chunks(source))


def _chunks(handle: IO[str] | IO[bytes]) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8")()
    while chunk := handle.read(CHUNK_SIZE):
        yield decoder.decode(chunk) if isinstance(chunk, bytes) else chunk
    if tail := decoder.decode(b"", final=True):
        yield tail


def _stream(chunks: Iterator[str]) -> Iterator[RemittanceRecord]:
    findings: list[X12Finding] = []
    for transaction, body in stream_transactions(chunks, findings):
        if transaction.transaction_set_id != "835":
            findings.append(_not_835(transaction))
            continue
        reader = _Reader(transaction)
        yield from reader.records(body)
        yield reader.trailer()
    yield StreamFindings(tuple(findings))


class _Line:
    __slots__ = (
        "adjustments",
        "amounts",
        "charge",
        "dates",
        "original_procedure",
        "original_units",
        "paid",
        "procedure",
        "quantities",
        "readable",
        "references",
        "remarks",
        "revenue_code",
        "segment",
        "units",
    )

    def __init__(
        self,
        segment: Segment,
        procedure: Procedure,
        charge: Money | None,
        paid: Money | None,
        revenue_code: str,
        units: Decimal | None,
        original_procedure: Procedure | None,
        original_units: Decimal | None,
    ) -> None:
        self.segment = segment
        self.procedure = procedure
        self.charge = charge
        self.paid = paid
        self.revenue_code = revenue_code
        self.units = units
        self.original_procedure = original_procedure
        self.original_units = original_units
        self.dates: list[QualifiedDate] = []
        self.adjustments: list[Adjustment] = []
        self.references: list[Reference] = []
        self.amounts: list[QualifiedAmount] = []
        self.quantities: list[QualifiedQuantity] = []
        self.remarks: list[Remark] = []
        self.readable = charge is not None and paid is not None

    def freeze(self) -> ServicePayment:
        return ServicePayment(
            self.segment.position,
            self.procedure,
            self.charge or _ZERO_MONEY,
            self.paid or _ZERO_MONEY,
            self.revenue_code,
            self.units,
            self.original_procedure,
            self.original_units,
            tuple(self.dates),
            tuple(self.adjustments),
            tuple(self.references),
            tuple(self.amounts),
            tuple(self.quantities),
            tuple(self.remarks),
        )


class _Claim:
    __slots__ = (
        "adjustments",
        "amounts",
        "charge",
        "dates",
        "inpatient",
        "lines",
        "names",
        "outpatient",
        "paid",
        "quantities",
        "readable",
        "references",
        "segment",
    )

    def __init__(self, segment: Segment, charge: Money | None, paid: Money | None) -> None:
        self.segment = segment
        self.charge = charge
        self.paid = paid
        self.adjustments: list[Adjustment] = []
        self.names: list[EntityName] = []
        self.inpatient: InpatientAdjudication | None = None
        self.outpatient: OutpatientAdjudication | None = None
        self.references: list[Reference] = []
        self.dates: list[QualifiedDate] = []
        self.amounts: list[QualifiedAmount] = []
        self.quantities: list[QualifiedQuantity] = []
        self.lines: list[_Line] = []
        self.readable = True


@dataclass
class _Party:
    segment: Segment
    address_lines: list[str] = field(default_factory=list)
    city: str = ""
    state: str = ""
    postal_code: str = ""
    references: list[Reference] = field(default_factory=list)


# Segments that repeat verbatim across claims (a date of service, REF*6R*1, CAS*CO*45*20) are
# read once per transaction: the records are immutable, so equal segments share one record.
# Only segments read without a finding are remembered, and at most this many of each kind.
_REMEMBERED = 50_000
_LINE_DETAIL = frozenset({"DTM", "REF", "AMT", "QTY", "CAS"})


class _Reader:
    def __init__(self, transaction: TransactionSet) -> None:
        self.transaction = transaction
        self.elements = ElementReader(transaction)
        # Running totals of the transaction balancing rule: claims are not kept for it.
        self._paid = _ZERO
        self._claim_count = 0
        self._plbs: list[ProviderAdjustment] = []
        self._header: RemittanceHeader | None = None
        # False once an amount that a balancing rule needs could not be read.
        self._payment_readable = True
        self._dates: dict[tuple[str, ...], QualifiedDate] = {}
        self._references: dict[tuple[str, ...], Reference] = {}
        self._amounts: dict[tuple[str, ...], QualifiedAmount] = {}
        self._cas: dict[tuple[str, ...], tuple[Adjustment, ...]] = {}
        self._procedures: dict[str, Procedure] = {}

    def read(self) -> Remittance:
        claims = [
            record
            for record in self.records(self.transaction.segments[1:])
            if type(record) is ClaimPayment
        ]
        header = self._header
        assert header is not None  # records() always yields the header
        return Remittance(
            control_number=header.control_number,
            implementation=header.implementation,
            interchange_index=header.interchange_index,
            payment=header.payment,
            trace=header.trace,
            payer=header.payer,
            payee=header.payee,
            production_date=header.production_date,
            references=header.references,
            claims=tuple(claims),
            provider_adjustments=tuple(self._plbs),
            findings=tuple(self.elements.findings),
        )

    def trailer(self) -> RemittanceTrailer:
        return RemittanceTrailer(
            control_number=self.transaction.control_number,
            interchange_index=self.transaction.interchange_index,
            claim_count=self._claim_count,
            provider_adjustments=tuple(self._plbs),
            findings=tuple(self.elements.findings),
        )

    def records(self, segments: Iterable[Segment]) -> Iterator[RemittanceHeader | ClaimPayment]:
        """The header, then each claim as its loop closes (the segments after the ST)."""
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
        plbs = self._plbs
        loop: str | None = None
        for segment in segments:
            sid = segment.elements[0]
            if sid == "SE":
                break
            # Loop starts first: they change which loop the following segments belong to.
            if sid == "CLP" or sid == "LX" or sid == "PLB":
                if self._header is None:
                    yield self._freeze_header(payment, trace, parties, production_date, references)
                if claim is not None:
                    yield self._close_claim(claim)
                claim = line = None
                if sid == "CLP":
                    loop = el.loop = "2100"
                    claim = self._read_clp(segment)
                elif sid == "LX":
                    loop = el.loop = "2000"
                else:
                    loop = el.loop = None
                    plbs.append(self._read_plb(segment))
                continue
            if sid == "SVC":
                if claim is None:
                    el.unexpected(segment, True)
                    continue
                loop = el.loop = "2110"
                line = self._read_svc(segment)
                claim.lines.append(line)
                continue
            if sid == "N1" and (loop is None or loop == "1000A" or loop == "1000B"):
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
            if line is not None and loop == "2110" and self._line_segment(segment, sid, line):
                continue
            if claim is not None and (loop == "2100" or loop == "2110"):
                if line is not None and sid in _LINE_DETAIL:
                    # A claim-level segment after a service line is out of sequence.
                    el.unexpected(segment, True)
                    continue
                if self._claim_segment(segment, sid, claim):
                    continue
            elif party is not None and (loop == "1000A" or loop == "1000B"):
                if self._party_segment(segment, party):
                    continue
            elif loop is None and not self._claim_count and not plbs:
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
        if self._header is None:
            yield self._freeze_header(payment, trace, parties, production_date, references)
        if claim is not None:
            yield self._close_claim(claim)
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

    def _freeze_header(
        self,
        payment: Payment | None,
        trace: Trace | None,
        parties: dict[str, _Party],
        production_date: date | None,
        references: list[Reference],
    ) -> RemittanceHeader:
        transaction = self.transaction
        self._header = RemittanceHeader(
            control_number=transaction.control_number,
            implementation=transaction.implementation,
            interchange_index=transaction.interchange_index,
            payment=payment,
            trace=trace,
            payer=_freeze_party(parties.get("PR")),
            payee=_freeze_party(parties.get("PE")),
            production_date=production_date,
            references=tuple(references),
        )
        return self._header

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

    def _close_claim(self, claim: _Claim) -> ClaimPayment:
        el = self.elements
        el.loop = "2100"
        segment = claim.segment
        e = segment.padded(11)
        lines = []
        line_adjusted = _ZERO
        for line in claim.lines:
            if line.readable:
                line_adjusted += self._balance_line(line)
            else:
                claim.readable = False
            lines.append(line.freeze())
        record = ClaimPayment(
            segment.position,
            el.text(segment, 1, required=True),
            el.code(segment, 2, ClaimStatus, required=True),
            claim.charge or _ZERO_MONEY,
            claim.paid or _ZERO_MONEY,
            el.money(segment, 5),
            el.code(segment, 6, ClaimFilingIndicator, required=True),
            e[7],
            e[8],
            e[9],
            e[11],
            tuple(claim.adjustments),
            tuple(claim.names),
            claim.inpatient,
            claim.outpatient,
            tuple(claim.references),
            tuple(claim.dates),
            tuple(claim.amounts),
            tuple(claim.quantities),
            tuple(lines),
        )
        if claim.readable:
            self._balance_claim(record, segment, line_adjusted)
        else:
            self._payment_readable = False
        self._paid += record.paid.amount
        self._claim_count += 1
        return record

    def _read_svc(self, segment: Segment) -> _Line:
        el = self.elements
        e = segment.elements
        procedure = self._procedures.get(e[1]) if len(e) > 1 else None
        if procedure is None:
            procedure = self._procedure(segment, 1, required=True)
            if procedure is None:
                procedure = Procedure("", "")
            elif len(self._procedures) < _REMEMBERED:
                self._procedures[e[1]] = procedure
        return _Line(
            segment,
            procedure,
            el.money(segment, 2, required=True),
            el.money(segment, 3, required=True),
            segment.get(4),
            el.decimal(segment, 5),
            self._procedure(segment, 6),
            el.decimal(segment, 7),
        )

    def _procedure(self, segment: Segment, index: int, required: bool = False) -> Procedure | None:
        value = segment.get(index)
        if not value and not required:
            return None
        parts = value.split(self.elements.component)
        if len(parts) < 2 or not parts[0] or not parts[1]:
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

    def _adjustments(self, segment: Segment) -> tuple[tuple[Adjustment, ...], bool]:
        """CAS triplets; the flag is False when an amount could not be read."""
        key = tuple(segment.elements)
        known = self._cas.get(key)
        if known is not None:
            return known, True
        el = self.elements
        before = len(el.findings)
        group = el.code(segment, 1, AdjustmentGroup, required=True)
        found: list[Adjustment] = []
        readable = group is not None
        if not segment.get(2) and not segment.get(3):
            el.text(segment, 2, required=True)
            return (), False
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
        adjustments = tuple(found)
        if readable and len(el.findings) == before and len(self._cas) < _REMEMBERED:
            self._cas[key] = adjustments
        return adjustments, readable

    def _date(self, segment: Segment) -> QualifiedDate | None:
        """DTM: a qualified date, or None (reported) when DTM02 is not a date."""
        key = tuple(segment.elements)
        known = self._dates.get(key)
        if known is not None:
            return known
        el = self.elements
        before = len(el.findings)
        value = el.date(segment, 2, required=True)
        if value is None:
            return None
        dated = QualifiedDate(segment.get(1), value)
        if len(el.findings) == before and len(self._dates) < _REMEMBERED:
            self._dates[key] = dated
        return dated

    def _reference(self, segment: Segment) -> Reference:
        """REF in a claim or line: REF02 is required."""
        key = tuple(segment.elements)
        known = self._references.get(key)
        if known is not None:
            return known
        reference = Reference(segment.get(1), self.elements.text(segment, 2, required=True))
        if reference.value and len(self._references) < _REMEMBERED:
            self._references[key] = reference
        return reference

    def _amount(self, segment: Segment) -> QualifiedAmount | None:
        key = tuple(segment.elements)
        known = self._amounts.get(key)
        if known is not None:
            return known
        el = self.elements
        before = len(el.findings)
        amount = el.money(segment, 2, required=True)
        if amount is None:
            return None
        qualified = QualifiedAmount(segment.get(1), amount)
        if len(el.findings) == before and len(self._amounts) < _REMEMBERED:
            self._amounts[key] = qualified
        return qualified

    def _line_segment(self, segment: Segment, sid: str, line: _Line) -> bool:
        el = self.elements
        if sid == "DTM":
            dated = self._date(segment)
            if dated is not None:
                line.dates.append(dated)
        elif sid == "CAS":
            adjustments, readable = self._adjustments(segment)
            line.adjustments.extend(adjustments)
            line.readable = line.readable and readable
        elif sid == "REF":
            line.references.append(self._reference(segment))
        elif sid == "AMT":
            amount = self._amount(segment)
            if amount is not None:
                line.amounts.append(amount)
        elif sid == "QTY":
            quantity = el.decimal(segment, 2, required=True)
            if quantity is not None:
                line.quantities.append(QualifiedQuantity(segment.get(1), quantity))
        elif sid == "LQ":
            line.remarks.append(Remark(segment.get(1), el.text(segment, 2, required=True)))
        else:
            return False
        return True

    def _claim_segment(self, segment: Segment, sid: str, claim: _Claim) -> bool:
        el = self.elements
        if sid == "NM1":
            e = segment.padded(9)
            claim.names.append(
                EntityName(
                    el.text(segment, 1, required=True),
                    e[2],
                    e[3],
                    e[4],
                    e[5],
                    e[7],
                    e[8],
                    e[9],
                )
            )
        elif sid == "DTM":
            dated = self._date(segment)
            if dated is not None:
                claim.dates.append(dated)
        elif sid == "CAS":
            adjustments, readable = self._adjustments(segment)
            claim.adjustments.extend(adjustments)
            claim.readable = claim.readable and readable
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
            claim.references.append(self._reference(segment))
        elif sid == "AMT":
            amount = self._amount(segment)
            if amount is not None:
                claim.amounts.append(amount)
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
    def _balance_line(self, line: _Line) -> Decimal:
        """Check SVC02 - line CAS = SVC03; returns the line's adjustment total."""
        charge = line.charge.amount if line.charge else _ZERO
        paid = line.paid.amount if line.paid else _ZERO
        adjusted = _ZERO
        for adjustment in line.adjustments:
            adjusted += adjustment.amount.amount
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
        return adjusted

    def _balance_claim(self, claim: ClaimPayment, segment: Segment, lines: Decimal) -> None:
        """Check CLP03 - claim CAS - line CAS (``lines``) = CLP04."""
        adjusted = _sum(a.amount for a in claim.adjustments) + lines
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
        paid = self._paid
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
_ZERO_MONEY = Money.zero()


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
