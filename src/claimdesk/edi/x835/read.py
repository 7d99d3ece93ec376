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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from os import PathLike
from typing import IO

from claimdesk.domain.money import Money
from claimdesk.edi.x12.codes import (
    AdjustmentGroup,
    ClaimFilingIndicator,
    ClaimStatus,
    CreditDebit,
    ElementSyntaxError,
    HandlingCode,
    PaymentMethod,
    SegmentSyntaxError,
    TransactionSetError,
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
from claimdesk.edi.x12.envelope import (
    Envelopes,
    TransactionSet,
    read_envelopes,
    stream_transactions,
)
from claimdesk.edi.x12.errors import Severity, X12Finding
from claimdesk.edi.x12.reading import ElementReader
from claimdesk.edi.x12.sniff import unsupported
from claimdesk.edi.x12.tokenizer import Segment, bulk_allocation
from claimdesk.edi.x835 import loops
from claimdesk.edi.x835.model import (
    IMPLEMENTATION,
    BankAccount,
    ClaimPayment,
    Contact,
    InpatientAdjudication,
    OutpatientAdjudication,
    Party,
    Payment,
    ProviderAdjustment,
    ProviderAdjustmentItem,
    Remark,
    Remittance,
    RemittanceFile,
    RemittanceHeader,
    RemittanceRecord,
    RemittanceTrailer,
    ServicePayment,
    StreamFindings,
)

# CAS02..CAS19: up to six reason/amount/quantity triplets per CAS segment.
_CAS_TRIPLETS = tuple(range(2, 20, 3))
# PLB03..PLB14: up to six adjustment identifier/amount pairs per PLB segment.
_PLB_PAIRS = tuple(range(3, 15, 2))

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
        reader.check_trailer(body.se)
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
            self.segment.position,
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
    contacts: list[Contact] = field(default_factory=list)


# Segments that repeat verbatim across claims (a date of service, REF*6R*1, CAS*CO*45*20) are
# read once per transaction: the records are immutable, so equal segments share one record.
# Only segments read without a finding are remembered, and at most this many of each kind.
_REMEMBERED = 50_000


@dataclass
class _Walk:
    """Where :meth:`_Reader.records` is in the transaction set, and the header read so far."""

    loop: str | None = loops.HEADER
    payment: Payment | None = None
    bpr: Segment | None = None
    trace: Trace | None = None
    production_date: date | None = None
    references: list[Reference] = field(default_factory=list)
    parties: dict[str, _Party] = field(default_factory=dict)
    party: _Party | None = None
    claim: _Claim | None = None
    line: _Line | None = None


class _Reader:
    def __init__(self, transaction: TransactionSet) -> None:
        self.transaction = transaction
        self.elements = ElementReader(transaction)
        # Running totals of the transaction balancing rule: claims are not kept for it.
        self._paid = _ZERO
        self._claim_count = 0
        self._claims_seen: dict[tuple[str, str, str], int] = {}
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
        last = self.transaction.segments[-1]
        self.check_trailer(last if last.id == "SE" else None)
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

    def check_trailer(self, se: Segment | None) -> None:
        """A transaction set without its SE was cut off: what it says cannot be all there was,
        so it is an error of the transaction (posting refuses it), not only of the envelope."""
        if se is None:
            self.elements.loop = None
            self.elements.report(
                "835.se_missing",
                f"transaction set {self.transaction.control_number[:12]!r} has no SE trailer: "
                "the file is truncated, nothing in it is posted",
                self.transaction.segments[0],
                TransactionSetError.TRAILER_MISSING,
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
        self._check_implementation()
        walk = _Walk()
        for segment in segments:
            sid = segment.elements[0]
            if sid == "SE":
                break
            # Loop starts first: they change which loop the following segments belong to.
            if sid in loops.CLAIM_BOUNDARIES:
                yield from self._close_open(walk)
                self._claim_boundary(walk, segment, sid)
            elif not self._segment(walk, segment, sid):
                self.elements.unexpected(segment, sid in loops.KNOWN)
        yield from self._close_open(walk)
        self._check_required(walk)
        if walk.bpr is not None and walk.payment is not None and self._payment_readable:
            self._balance_transaction(walk.bpr, walk.payment, self._plbs)

    def _check_implementation(self) -> None:
        transaction = self.transaction
        refusal = unsupported(transaction)
        if refusal is not None:
            self.elements.report(
                "x12.unsupported",
                refusal,
                transaction.segments[0],
                TransactionSetError.IMPLEMENTATION_CONVENTION_NOT_SUPPORTED,
                3,
            )
        elif not transaction.implementation.startswith("005010X221"):
            self.elements.report(
                "835.implementation",
                f"implementation {transaction.implementation[:20]!r} is not {IMPLEMENTATION}; "
                "read as 5010",
                transaction.segments[0],
                TransactionSetError.IMPLEMENTATION_CONVENTION_NOT_SUPPORTED,
                severity=Severity.WARNING,
            )

    def _close_open(self, walk: _Walk) -> Iterator[RemittanceHeader | ClaimPayment]:
        """The header once, before the first claim; then the claim that is open, if any."""
        if self._header is None:
            yield self._freeze_header(
                walk.payment, walk.trace, walk.parties, walk.production_date, walk.references
            )
        if walk.claim is not None:
            yield self._close_claim(walk.claim)
        walk.claim = walk.line = None

    def _claim_boundary(self, walk: _Walk, segment: Segment, sid: str) -> None:
        """LX opens 2000, CLP opens 2100, PLB is the summary."""
        walk.loop = self.elements.loop = loops.CLAIM_BOUNDARIES[sid]
        if sid == "CLP":
            walk.claim = self._read_clp(segment)
        elif sid == "PLB":
            self._plbs.append(self._read_plb(segment))

    def _segment(self, walk: _Walk, segment: Segment, sid: str) -> bool:
        """Read a segment inside the loop that is open; False when it does not belong there."""
        loop = walk.loop
        if sid == "SVC":
            return self._start_line(walk, segment)
        if sid == "N1" and loop in loops.PARTY_OPENERS:
            self._start_party(walk, segment)
            return True
        line = walk.line
        if line is not None and loop == loops.SERVICE and self._line_segment(segment, sid, line):
            return True
        if walk.claim is not None and loop in loops.CLAIM_LOOPS:
            return self._claim_level(walk, segment, sid, walk.claim)
        if walk.party is not None and loop in loops.PARTY_LOOP_IDS:
            return self._party_segment(segment, walk.party)
        if loop is loops.HEADER and not self._claim_count and not self._plbs:
            handler = _HEADER_SEGMENTS.get(sid)
            return handler is not None and handler(self, walk, segment)
        return loop == loops.HEADER_NUMBER and sid in loops.PROVIDER_SUMMARY

    def _start_line(self, walk: _Walk, segment: Segment) -> bool:
        """SVC opens 2110 inside a claim; outside one it is out of place."""
        if walk.claim is None:
            self.elements.unexpected(segment, True)
            return True
        walk.loop = self.elements.loop = loops.SERVICE
        walk.line = self._read_svc(segment)
        walk.claim.lines.append(walk.line)
        return True

    def _start_party(self, walk: _Walk, segment: Segment) -> None:
        entity = segment.get(1)  # N101
        walk.loop = self.elements.loop = loops.PARTY_LOOPS.get(entity, loops.PAYEE)
        walk.party = _Party(segment)
        if entity in walk.parties:
            self.elements.report(
                "835.party_repeated",
                f"N1*{entity[:3]} appears more than once",
                segment,
                SegmentSyntaxError.SEGMENT_OVER_MAXIMUM_USE,
            )
        walk.parties.setdefault(entity, walk.party)

    def _claim_level(self, walk: _Walk, segment: Segment, sid: str, claim: _Claim) -> bool:
        if walk.line is not None and sid in loops.LINE_DETAIL:
            # A claim-level segment after a service line is out of sequence.
            self.elements.unexpected(segment, True)
            return True
        return self._claim_segment(segment, sid, claim)

    def _header_bpr(self, walk: _Walk, segment: Segment) -> bool:
        if walk.bpr is not None:
            self.elements.unexpected(segment, True)
            return True
        walk.bpr = segment
        walk.payment = self._read_bpr(segment)
        return True

    def _header_trn(self, walk: _Walk, segment: Segment) -> bool:
        el = self.elements
        walk.trace = Trace(
            el.text(segment, 1, required=True),  # TRN01 trace type
            el.text(segment, 2, required=True),  # TRN02 check or EFT number
            el.text(segment, 3, required=True),  # TRN03 payer's company id
            segment.get(4),
        )
        return True

    def _header_ref(self, walk: _Walk, segment: Segment) -> bool:
        walk.references.append(Reference(segment.get(1), segment.get(2)))
        return True

    def _header_dtm(self, walk: _Walk, segment: Segment) -> bool:
        value = self.elements.date(segment, 2, required=True)
        if segment.get(1) == "405":  # DTM01 405: production date
            walk.production_date = value
        return True

    def _header_cur(self, walk: _Walk, segment: Segment) -> bool:
        return True  # CUR: claimdesk posts in US dollars only

    def _check_required(self, walk: _Walk) -> None:
        required = (
            ("bpr", "BPR financial information segment", walk.bpr is not None),
            ("trn", "TRN reassociation trace number segment", walk.trace is not None),
            ("payer", "payer identification N1*PR", "PR" in walk.parties),
            ("payee", "payee identification N1*PE", "PE" in walk.parties),
        )
        for rule, what, found in required:
            if not found:
                self.elements.report(
                    f"835.{rule}_missing",
                    f"the required {what} is missing",
                    self.transaction.segments[0],
                    SegmentSyntaxError.REQUIRED_SEGMENT_MISSING,
                )

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
            payer_account=_account(segment, 6),
            originator=segment.get(10),
            payee_account=_account(segment, 12),
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
            segment.position,
        )
        if claim.readable:
            self._balance_claim(record, segment, line_adjusted)
        else:
            self._payment_readable = False
        self._check_once(record, segment)
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
        elif sid == "PER":
            party.contacts.append(
                Contact(segment.get(1), segment.get(2), segment.get(3), segment.get(4))
            )
        elif sid not in ("RDM", "N2"):
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

    def _check_once(self, record: ClaimPayment, segment: Segment) -> None:
        """A claim answered twice the same way in one transaction would be posted twice. A
        reversal (CLP02 = 22) and its correction share CLP01, and a split claim has a CLP07
        of its own, so the key is CLP01, CLP02 and CLP07 together."""
        status = record.status.value if record.status is not None else ""
        key = (record.patient_control_number, status, record.payer_claim_control_number)
        first = self._claims_seen.setdefault(key, segment.position)
        if first != segment.position:
            self.elements.report(
                "835.claim.duplicate",
                f"claim {record.patient_control_number} (CLP02 {status}, CLP07 "
                f"{record.payer_claim_control_number}) is answered a second time; the first is "
                f"segment {first}: nothing in the transaction is posted",
                segment,
                None,
                1,
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
        contacts=tuple(party.contacts),
    )


def _account(segment: Segment, start: int) -> BankAccount | None:
    """BPR06..BPR09 (the payer's) or BPR12..BPR15 (the payee's): qualifier, routing number,
    account qualifier, account number; None when the payment names no such account."""
    qualifier, routing, kind, number = (segment.get(start + i) for i in range(4))
    if not (qualifier or routing or kind or number):
        return None
    return BankAccount(routing, number, qualifier, kind)


# The header segments (no loop) and who reads each; each returns True as it takes the segment.
_HEADER_SEGMENTS: dict[str, Callable[[_Reader, _Walk, Segment], bool]] = {
    "BPR": _Reader._header_bpr,
    "TRN": _Reader._header_trn,
    "REF": _Reader._header_ref,
    "DTM": _Reader._header_dtm,
    "CUR": _Reader._header_cur,
}
