"""Write the 835 health care claim payment/advice (005010X221A1), balanced by construction.

The payer simulator describes each payment with the value types of the 835 reader (adjustments,
procedures, names, remarks) wrapped in small input records. Nothing unbalanced is written: every
service line must satisfy SVC02 - line CAS = SVC03, every claim CLP03 - claim CAS - line CAS =
CLP04, and BPR02 is computed as the sum of CLP04 less the PLB amounts (a negative total cannot be
paid and is refused). A reversal (CLP02 = 22) is the original claim with every amount negated;
:func:`reversal_of` builds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from claimdesk.domain.money import Money, total
from claimdesk.edi.x12.codes import (
    AdjustmentGroup,
    ClaimFilingIndicator,
    ClaimStatus,
    PaymentMethod,
)
from claimdesk.edi.x12.composites import Adjustment, EntityName, Procedure, Reference
from claimdesk.edi.x12.delimiters import DEFAULT_DELIMITERS, Delimiters
from claimdesk.edi.x12.writer import (
    Envelope,
    SegmentWriter,
    TransactionSet,
    X12WriteError,
    date8,
    decimal,
    money,
    postal_code,
    state_code,
    write_interchange,
)
from claimdesk.edi.x835.model import (
    IMPLEMENTATION,
    InpatientAdjudication,
    OutpatientAdjudication,
    Party,
    ProviderAdjustmentItem,
    Remark,
)

_CAS_PER_SEGMENT = 6  # CAS02..CAS19 hold six reason/amount/quantity triplets
_PLB_PER_SEGMENT = 6  # PLB03..PLB14 hold six adjustment pairs
# CLP06 codes the 835 guide allows; commercial (CI) and Blue Cross (BL) are 837-only codes.
_CLP06 = frozenset(
    {"12", "13", "14", "15", "16", "17", "AM", "CH", "DS", "HM", "LM", "MA", "MB", "MC", "OF"}
    | {"TV", "VA", "WC", "ZZ"}
)


@dataclass(frozen=True, slots=True)
class ServiceLineInput:
    """Loop 2110: one service line as adjudicated."""

    procedure: Procedure  # SVC01
    charge: Money  # SVC02
    paid: Money  # SVC03
    units: Decimal | None = None  # SVC05
    revenue_code: str = ""  # SVC04 (institutional)
    service_date: date | None = None  # DTM*472
    adjustments: tuple[Adjustment, ...] = ()
    control_number: str = ""  # REF*6R: the 837's line item control number
    allowed: Money | None = None  # AMT*B6
    remarks: tuple[Remark, ...] = ()  # LQ*HE


@dataclass(frozen=True, slots=True)
class ClaimPaymentInput:
    """Loop 2100: one claim as adjudicated."""

    patient_control_number: str  # CLP01: CLM01 of the 837
    status: ClaimStatus  # CLP02
    charge: Money  # CLP03
    paid: Money  # CLP04
    filing_indicator: ClaimFilingIndicator  # CLP06
    payer_claim_control_number: str  # CLP07
    patient: EntityName  # NM1*QC
    patient_responsibility: Money | None = None  # CLP05
    facility_code: str = ""  # CLP08: place of service (837P) or facility type (837I)
    frequency: str = ""  # CLP09
    drg_code: str = ""  # CLP11
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    insured: EntityName | None = None  # NM1*IL
    rendering_provider: EntityName | None = None  # NM1*82
    crossover_carrier: EntityName | None = None  # NM1*TT
    inpatient: InpatientAdjudication | None = None  # MIA
    outpatient: OutpatientAdjudication | None = None  # MOA
    references: tuple[Reference, ...] = ()  # REF other claim related ids (1L, EA, ...)
    statement_from: date | None = None  # DTM*232
    statement_to: date | None = None  # DTM*233
    received: date | None = None  # DTM*050
    lines: tuple[ServiceLineInput, ...] = ()

    @property
    def record(self) -> str:
        return f"claim {self.patient_control_number}"


@dataclass(frozen=True, slots=True)
class ProviderAdjustmentInput:
    """PLB: adjustments not tied to one claim; a positive amount reduces the payment."""

    provider_id: str  # PLB01: the payee's NPI or tax id
    fiscal_period_date: date  # PLB02
    items: tuple[ProviderAdjustmentItem, ...]


@dataclass(frozen=True, slots=True)
class BankAccount:
    routing_number: str  # ABA routing (DFI) number
    account_number: str


@dataclass(frozen=True, slots=True)
class RemittanceInput:
    """One 835 transaction set: one payment (or notice) from one payer to one payee.

    ``payer_tax_id`` (nine digits) makes TRN03 and BPR10. An ACH payment needs both bank
    accounts; a check needs none. A zero payment is written as a notification (BPR01 H, NON).
    """

    payer: Party  # 1000A; N1*PR with its address (N3/N4 are required)
    payee: Party  # 1000B; N1*PE identified by NPI (XX), tax id (FI) or plan id (XV)
    payer_tax_id: str
    technical_contact_phone: str  # PER*BL, required by the guide
    trace_number: str  # TRN02: check or EFT trace number
    method: PaymentMethod  # BPR04
    payment_date: date  # BPR16: check issue or EFT effective date
    claims: tuple[ClaimPaymentInput, ...]
    provider_adjustments: tuple[ProviderAdjustmentInput, ...] = ()
    payer_account: BankAccount | None = None  # BPR06-09
    payee_account: BankAccount | None = None  # BPR12-15
    production_date: date | None = None  # DTM*405
    technical_contact_name: str = ""

    @property
    def payment(self) -> Money:
        """BPR02: what the claims pay less the provider-level adjustments."""
        return total(c.paid for c in self.claims) - total(
            item.amount for plb in self.provider_adjustments for item in plb.items
        )


def reversal_of(claim: ClaimPaymentInput) -> ClaimPaymentInput:
    """The reversal (CLP02 = 22) of a claim paid earlier: the same claim with amounts negated."""
    return replace(
        claim,
        status=ClaimStatus.REVERSAL,
        charge=-claim.charge,
        paid=-claim.paid,
        patient_responsibility=(
            -claim.patient_responsibility if claim.patient_responsibility is not None else None
        ),
        adjustments=_negated(claim.adjustments),
        lines=tuple(
            replace(
                line,
                charge=-line.charge,
                paid=-line.paid,
                adjustments=_negated(line.adjustments),
                allowed=-line.allowed if line.allowed is not None else None,
            )
            for line in claim.lines
        ),
    )


def _negated(adjustments: tuple[Adjustment, ...]) -> tuple[Adjustment, ...]:
    return tuple(replace(a, amount=-a.amount) for a in adjustments)


def check_balance(claim: ClaimPaymentInput) -> None:
    """Raise :class:`X12WriteError` unless every line and the claim balance (no tolerance)."""
    # Sums of Decimal cents are exact; Money is built only to word an error.
    line_adjusted = _ZERO
    for number, line in enumerate(claim.lines, start=1):
        adjusted = sum((a.amount.amount for a in line.adjustments), _ZERO)
        if line.charge.amount - adjusted != line.paid.amount:
            raise X12WriteError(
                f"{claim.record} line {number}",
                "SVC03 paid",
                f"charge {line.charge} - adjustments {Money(adjusted)} = "
                f"{Money(line.charge.amount - adjusted)}, not the {line.paid} paid",
            )
        line_adjusted += adjusted
    adjusted = sum((a.amount.amount for a in claim.adjustments), line_adjusted)
    if claim.charge.amount - adjusted != claim.paid.amount:
        raise X12WriteError(
            claim.record,
            "CLP04 paid",
            f"charge {claim.charge} - claim and line adjustments {Money(adjusted)} = "
            f"{Money(claim.charge.amount - adjusted)}, not the {claim.paid} paid",
        )


_ZERO = Decimal(0)


def write_835(
    remittances: Sequence[RemittanceInput],
    envelope: Envelope,
    *,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
    line_breaks: bool = False,
) -> str:
    """One interchange with one 835 transaction set per remittance."""
    if not remittances:
        raise X12WriteError("batch", "remittances", "there are no remittances to write")
    transactions = [
        TransactionSet(_Writer(delimiters, envelope).remittance(r)) for r in remittances
    ]
    return write_interchange(
        envelope,
        functional_id="HP",
        transaction_set_id="835",
        version=IMPLEMENTATION,
        transactions=transactions,
        delimiters=delimiters,
        line_breaks=line_breaks,
        version_in_st=False,  # ST03 is not used in 005010X221A1
    )


class _Writer:
    def __init__(self, delimiters: Delimiters, envelope: Envelope) -> None:
        self.w = SegmentWriter(delimiters)
        self.envelope = envelope
        # Codes, procedure codes and names repeat across thousands of claims: each distinct one
        # is checked and formatted once.
        self._identifiers: dict[tuple[str, int, int], str] = {}
        self._names: dict[tuple[str, EntityName], str] = {}

    def _id(self, value: str, max_len: int, record: str, field: str, min_len: int = 1) -> str:
        key = (value, max_len, min_len)
        known = self._identifiers.get(key)
        if known is None:
            known = self._identifiers[key] = self.w.identifier(
                value, max_len, record, field, min_len
            )
        return known

    def remittance(self, r: RemittanceInput) -> list[str]:
        w = self.w
        record = f"remittance {r.trace_number}"
        for claim in r.claims:
            check_balance(claim)
        payment = r.payment
        if payment.is_negative():
            raise X12WriteError(
                record,
                "BPR02 payment",
                f"claims less provider adjustments come to {payment}: a payment cannot be negative",
            )
        tax_id = r.payer_tax_id.strip().replace("-", "")
        if len(tax_id) != 9 or not tax_id.isdigit():
            raise X12WriteError(record, "TRN03 payer id", "needs the payer's nine-digit tax id")
        originator = "1" + tax_id
        self._bpr(r, payment, originator, record)
        w.add(
            "TRN", "1", w.identifier(r.trace_number, 50, record, "TRN02 trace number"), originator
        )
        w.add("DTM", "405", date8(r.production_date or self.envelope.created.date()))
        self._payer(r, record)
        self._payee(r.payee, record)
        if r.claims:
            # LX01: one header number for the whole remittance.
            w.add("LX", "1")
            for claim in r.claims:
                self._claim(claim)
        for plb in r.provider_adjustments:
            self._plb(plb, record)
        return w.segments

    def _bpr(self, r: RemittanceInput, payment: Money, originator: str, record: str) -> None:
        w = self.w
        day = date8(r.payment_date)
        if not payment:
            # BPR01 H: notification only, no money moves.
            w.add("BPR", "H", "0", "C", "NON", *[""] * 11, day)
            return
        if r.method is PaymentMethod.NON_PAYMENT:
            raise X12WriteError(record, "BPR04 method", f"NON cannot carry a payment of {payment}")
        if r.method is PaymentMethod.CHECK:
            w.add("BPR", "C", money(payment), "C", "CHK", *[""] * 11, day)
            return
        if r.payer_account is None or r.payee_account is None:
            raise X12WriteError(record, "BPR06-15 bank accounts", "an EFT needs both accounts")
        payer, payee = r.payer_account, r.payee_account
        w.add(
            "BPR",
            "C",
            money(payment),
            "C",
            r.method.value,
            "CCP",
            "01",
            _routing(payer.routing_number, record, "BPR07 payer routing number"),
            "DA",
            w.identifier(payer.account_number, 35, record, "BPR09 payer account"),
            originator,
            "",
            "01",
            _routing(payee.routing_number, record, "BPR13 payee routing number"),
            "DA",
            w.identifier(payee.account_number, 35, record, "BPR15 payee account"),
            day,
        )

    def _payer(self, r: RemittanceInput, record: str) -> None:
        w = self.w
        payer = r.payer
        if payer.id and payer.id_qualifier != "XV":
            raise X12WriteError(record, "1000A N103", "the payer id must be a plan id (XV)")
        w.add(
            "N1",
            "PR",
            w.required_text(payer.name, 60, record, "1000A N102 payer name"),
            "XV" if payer.id else "",
            w.identifier(payer.id, 80, record, "N104 payer id") if payer.id else "",
        )
        self._address(payer, record, "1000A payer", required=True)
        for reference in payer.references:
            self._reference(reference, record)
        phone = "".join(c for c in r.technical_contact_phone if c.isdigit())
        if len(phone) < 10:
            raise X12WriteError(record, "1000A PER*BL phone", "needs a ten-digit phone number")
        w.add("PER", "BL", w.text(r.technical_contact_name, 60), "TE", phone)

    def _payee(self, payee: Party, record: str) -> None:
        w = self.w
        if payee.id_qualifier not in ("XX", "FI", "XV"):
            raise X12WriteError(record, "1000B N103", "the payee needs an NPI, tax id or plan id")
        w.add(
            "N1",
            "PE",
            w.required_text(payee.name, 60, record, "1000B N102 payee name"),
            payee.id_qualifier,
            w.identifier(payee.id, 80, record, "1000B N104 payee id", 2),
        )
        self._address(payee, record, "1000B payee", required=False)
        for reference in payee.references:
            self._reference(reference, record)

    def _address(self, party: Party, record: str, who: str, *, required: bool) -> None:
        w = self.w
        if not party.address_lines:
            if required:
                raise X12WriteError(record, f"{who} N3 address", "is required but missing")
            return
        lines = party.address_lines
        w.add(
            "N3",
            w.required_text(lines[0], 55, record, f"{who} N301 address"),
            w.text(lines[1], 55) if len(lines) > 1 else "",
        )
        w.add(
            "N4",
            w.required_text(party.city, 30, record, f"{who} N401 city"),
            state_code(party.state, record, f"{who} N402 state"),
            postal_code(party.postal_code, record, f"{who} N403 ZIP code"),
        )

    def _reference(self, reference: Reference, record: str) -> None:
        w = self.w
        w.add(
            "REF",
            w.identifier(reference.qualifier, 3, record, "REF01", 2),
            w.identifier(reference.value, 50, record, f"REF*{reference.qualifier} value"),
        )

    def _name(self, entity: str, name: EntityName, record: str) -> None:
        w = self.w
        key = (entity, name)
        known = self._names.get(key)
        if known is not None:
            w.segments.append(known)
            return
        person = name.entity_type != "2"
        w.add(
            "NM1",
            entity,
            "1" if person else "2",
            w.required_text(name.last_or_organization, 60, record, f"NM1*{entity} NM103 name"),
            w.text(name.first, 35) if person else "",
            w.text(name.middle, 25) if person else "",
            "",
            w.text(name.suffix, 10) if person else "",
            w.identifier(name.id_qualifier, 2, record, f"NM1*{entity} NM108") if name.id else "",
            w.identifier(name.id, 80, record, f"NM1*{entity} NM109 id") if name.id else "",
        )
        self._names[key] = w.segments[-1]

    def _claim(self, claim: ClaimPaymentInput) -> None:
        w = self.w
        record = claim.record
        if claim.filing_indicator.value not in _CLP06:
            raise X12WriteError(
                record,
                "CLP06 claim filing indicator",
                f"{claim.filing_indicator.value} is not a code the 835 allows",
            )
        w.add(
            "CLP",
            w.identifier(claim.patient_control_number, 38, record, "CLP01"),
            claim.status.value,
            money(claim.charge),
            money(claim.paid),
            money(claim.patient_responsibility) if claim.patient_responsibility is not None else "",
            claim.filing_indicator.value,
            w.identifier(claim.payer_claim_control_number, 50, record, "CLP07"),
            self._id(claim.facility_code, 2, record, "CLP08") if claim.facility_code else "",
            self._id(claim.frequency, 1, record, "CLP09") if claim.frequency else "",
            "",
            self._id(claim.drg_code, 4, record, "CLP11") if claim.drg_code else "",
        )
        self._adjustments(claim.adjustments, record)
        self._name("QC", claim.patient, record)
        for entity, name in (
            ("IL", claim.insured),
            ("82", claim.rendering_provider),
            ("TT", claim.crossover_carrier),
        ):
            if name is not None:
                self._name(entity, name, record)
        if claim.inpatient is not None:
            self._mia(claim.inpatient, record)
        if claim.outpatient is not None:
            self._moa(claim.outpatient, record)
        for reference in claim.references:
            self._reference(reference, record)
        for qualifier, day in (
            ("232", claim.statement_from),
            ("233", claim.statement_to),
            ("050", claim.received),
        ):
            if day is not None:
                w.add("DTM", qualifier, date8(day))
        for number, line in enumerate(claim.lines, start=1):
            self._line(line, f"{record} line {number}")

    def _mia(self, mia: InpatientAdjudication, record: str) -> None:
        w = self.w
        remarks = [self._id(c, 5, record, "MIA remark code") for c in mia.remark_codes[:5]]
        remarks += [""] * (5 - len(remarks))
        # MIA01 covered days is required; MIA05 and MIA20-23 hold the remark codes.
        w.add(
            "MIA",
            decimal(mia.covered_days or Decimal(0)),
            "",
            "",
            money(mia.drg_amount) if mia.drg_amount is not None else "",
            remarks[0],
            *[""] * 14,
            *remarks[1:],
        )

    def _moa(self, moa: OutpatientAdjudication, record: str) -> None:
        w = self.w
        w.add(
            "MOA",
            decimal(moa.reimbursement_rate) if moa.reimbursement_rate is not None else "",
            money(moa.payable_amount) if moa.payable_amount is not None else "",
            *(self._id(c, 5, record, "MOA remark code") for c in moa.remark_codes[:5]),
        )

    def _line(self, line: ServiceLineInput, record: str) -> None:
        w = self.w
        procedure = line.procedure
        w.add(
            "SVC",
            w.composite(
                self._id(procedure.qualifier, 2, record, "SVC01-1 qualifier"),
                self._id(procedure.code, 48, record, "SVC01-2 procedure code"),
                *(self._id(m, 2, record, "SVC01 modifier", 2) for m in procedure.modifiers),
            ),
            money(line.charge),
            money(line.paid),
            self._id(line.revenue_code, 48, record, "SVC04") if line.revenue_code else "",
            decimal(line.units) if line.units is not None else "",
        )
        if line.service_date is not None:
            w.add("DTM", "472", date8(line.service_date))
        self._adjustments(line.adjustments, record)
        if line.control_number:
            w.add("REF", "6R", w.identifier(line.control_number, 50, record, "REF*6R"))
        if line.allowed is not None:
            w.add("AMT", "B6", money(line.allowed))
        for remark in line.remarks:
            w.add(
                "LQ",
                self._id(remark.qualifier, 3, record, "LQ01", 2),
                self._id(remark.code, 30, record, "LQ02 remark code"),
            )

    def _adjustments(self, adjustments: Iterable[Adjustment], record: str) -> None:
        by_group: dict[AdjustmentGroup, list[Adjustment]] = {}
        for adjustment in adjustments:
            by_group.setdefault(adjustment.group, []).append(adjustment)
        w = self.w
        for group, items in by_group.items():
            for start in range(0, len(items), _CAS_PER_SEGMENT):
                elements: list[str] = ["CAS", group.value]
                for a in items[start : start + _CAS_PER_SEGMENT]:
                    elements += [
                        self._id(a.reason, 5, record, f"CAS*{group.value} reason code"),
                        money(a.amount),
                        decimal(a.quantity) if a.quantity is not None else "",
                    ]
                w.add(*elements)

    def _plb(self, plb: ProviderAdjustmentInput, record: str) -> None:
        w = self.w
        if not plb.items:
            raise X12WriteError(record, "PLB", "a provider adjustment needs at least one item")
        provider = w.identifier(plb.provider_id, 50, record, "PLB01 provider id")
        period = date8(plb.fiscal_period_date)
        for start in range(0, len(plb.items), _PLB_PER_SEGMENT):
            elements = ["PLB", provider, period]
            for item in plb.items[start : start + _PLB_PER_SEGMENT]:
                elements += [
                    w.composite(
                        w.identifier(item.reason_code, 2, record, "PLB03-1 reason"),
                        w.identifier(item.reference, 50, record, "PLB03-2 reference")
                        if item.reference
                        else "",
                    ),
                    money(item.amount),
                ]
            w.add(*elements)


def _routing(value: str, record: str, field: str) -> str:
    digits = value.strip()
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        raise X12WriteError(record, field, f"{value!r} is not a nine-digit routing number")
    return digits
