"""Write the 835 health care claim payment/advice (005010X221A1) from the records its reader
gives back (:mod:`claimdesk.edi.x835.model`), balanced or refused.

Nothing unbalanced is written: every service line must satisfy SVC02 - line CAS = SVC03, every
claim CLP03 - claim CAS - line CAS = CLP04, and BPR02 must be the sum of CLP04 less the PLB
amounts (a negative total cannot be paid and is refused). :func:`remittance_of` makes the BPR,
TRN and technical contact of a payment from its claims. A reversal (CLP02 = 22) is the original
claim with every amount negated; :func:`reversal_of` builds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from claimdesk.domain.money import Money, total
from claimdesk.edi.x12.codes import (
    AdjustmentGroup,
    ClaimStatus,
    CreditDebit,
    HandlingCode,
    PaymentMethod,
)
from claimdesk.edi.x12.composites import (
    Adjustment,
    EntityName,
    Procedure,
    QualifiedAmount,
    QualifiedDate,
    Reference,
    Trace,
)
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
    BankAccount,
    ClaimPayment,
    Contact,
    InpatientAdjudication,
    OutpatientAdjudication,
    Party,
    Payment,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
)

_CAS_PER_SEGMENT = 6  # CAS02..CAS19 hold six reason/amount/quantity triplets
_PLB_PER_SEGMENT = 6  # PLB03..PLB14 hold six adjustment pairs
_MODIFIERS = 4  # SVC01-3..SVC01-6
# CLP06 codes the 835 guide allows; commercial (CI) and Blue Cross (BL) are 837-only codes.
_CLP06 = frozenset(
    {"12", "13", "14", "15", "16", "17", "AM", "CH", "DS", "HM", "LM", "MA", "MB", "MC", "OF"}
    | {"TV", "VA", "WC", "ZZ"}
)


def remittance_of(
    claims: tuple[ClaimPayment, ...],
    *,
    payer: Party,
    payee: Party,
    payer_tax_id: str,
    technical_contact_phone: str,
    trace_number: str,
    method: PaymentMethod,
    payment_date: date,
    provider_adjustments: tuple[ProviderAdjustment, ...] = (),
    payer_account: BankAccount | None = None,
    payee_account: BankAccount | None = None,
    production_date: date | None = None,
    technical_contact_name: str = "",
) -> Remittance:
    """One payment (or notice) from one payer to one payee, carrying ``claims``.

    BPR02 is what the claims pay less the provider adjustments; a zero payment is a notification
    (BPR01 H, BPR04 NON). ``payer_tax_id`` (nine digits) makes TRN03 and, for an EFT, BPR10; an
    EFT also needs both bank accounts, which the writer checks. The phone becomes the payer's
    PER*BL technical contact, which the guide requires.
    """
    tax_id = payer_tax_id.strip().replace("-", "")
    if len(tax_id) != 9 or not tax_id.isdigit():
        raise X12WriteError(
            f"remittance {trace_number}", "TRN03 payer id", "needs the payer's nine-digit tax id"
        )
    # TRN03 and BPR10: "1" (an IRS employer id follows) and the payer's tax id.
    originator = "1" + tax_id
    amount = total(c.paid for c in claims) - total(
        item.amount for plb in provider_adjustments for item in plb.items
    )
    if not amount:
        payment = Payment(
            HandlingCode.NOTIFICATION_ONLY,
            amount,
            CreditDebit.CREDIT,
            PaymentMethod.NON_PAYMENT,
            "",
            payment_date,
        )
    elif method in (PaymentMethod.CHECK, PaymentMethod.NON_PAYMENT):
        payment = Payment(
            HandlingCode.PAYMENT_WITH_REMITTANCE,
            amount,
            CreditDebit.CREDIT,
            method,
            "",
            payment_date,
        )
    else:
        # BPR05 CCP: cash concentration/disbursement plus addenda, the EFT format of the guide.
        payment = Payment(
            HandlingCode.PAYMENT_WITH_REMITTANCE,
            amount,
            CreditDebit.CREDIT,
            method,
            "CCP",
            payment_date,
            payer_account,
            originator,
            payee_account,
        )
    phone = "".join(c for c in technical_contact_phone if c.isdigit())
    return Remittance(
        payment=payment,
        trace=Trace("1", trace_number, originator),  # TRN01 1: current transaction trace
        payer=replace(
            payer,
            contacts=(*payer.contacts, Contact("BL", technical_contact_name, "TE", phone)),
        ),
        payee=payee,
        production_date=production_date,
        references=(),
        claims=claims,
        provider_adjustments=provider_adjustments,
    )


def reversal_of(claim: ClaimPayment) -> ClaimPayment:
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
        amounts=_negated_amounts(claim.amounts),
        service_lines=tuple(
            replace(
                line,
                charge=-line.charge,
                paid=-line.paid,
                adjustments=_negated(line.adjustments),
                amounts=_negated_amounts(line.amounts),
            )
            for line in claim.service_lines
        ),
    )


def _negated(adjustments: tuple[Adjustment, ...]) -> tuple[Adjustment, ...]:
    return tuple(replace(a, amount=-a.amount) for a in adjustments)


def _negated_amounts(amounts: tuple[QualifiedAmount, ...]) -> tuple[QualifiedAmount, ...]:
    return tuple(replace(a, amount=-a.amount) for a in amounts)


def _record(claim: ClaimPayment) -> str:
    return f"claim {claim.patient_control_number}"


def check_balance(claim: ClaimPayment) -> None:
    """Raise :class:`X12WriteError` unless every line and the claim balance (no tolerance)."""
    # Sums of Decimal cents are exact; Money is built only to word an error.
    line_adjusted = _ZERO
    for number, line in enumerate(claim.service_lines, start=1):
        adjusted = sum((a.amount.amount for a in line.adjustments), _ZERO)
        if line.charge.amount - adjusted != line.paid.amount:
            raise X12WriteError(
                f"{_record(claim)} line {number}",
                "SVC03 paid",
                f"charge {line.charge} - adjustments {Money(adjusted)} = "
                f"{Money(line.charge.amount - adjusted)}, not the {line.paid} paid",
            )
        line_adjusted += adjusted
    adjusted = sum((a.amount.amount for a in claim.adjustments), line_adjusted)
    if claim.charge.amount - adjusted != claim.paid.amount:
        raise X12WriteError(
            _record(claim),
            "CLP04 paid",
            f"charge {claim.charge} - claim and line adjustments {Money(adjusted)} = "
            f"{Money(claim.charge.amount - adjusted)}, not the {claim.paid} paid",
        )


_ZERO = Decimal(0)


def write_835(
    remittances: Sequence[Remittance],
    envelope: Envelope,
    *,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
    line_breaks: bool = False,
) -> str:
    """One interchange with one 835 transaction set per remittance (ST02 from ``envelope``)."""
    if not remittances:
        raise X12WriteError("batch", "remittances", "there are no remittances to write")
    transactions = [TransactionSet(_Writer(delimiters).remittance(r)) for r in remittances]
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
    def __init__(self, delimiters: Delimiters) -> None:
        self.w = SegmentWriter(delimiters)
        # Codes, procedure codes and names repeat across thousands of claims: each distinct one
        # is checked and formatted once.
        self._identifiers: dict[tuple[str, int, int], str] = {}
        self._names: dict[EntityName, str] = {}

    def _id(self, value: str, max_len: int, record: str, field: str, min_len: int = 1) -> str:
        key = (value, max_len, min_len)
        known = self._identifiers.get(key)
        if known is None:
            known = self._identifiers[key] = self.w.identifier(
                value, max_len, record, field, min_len
            )
        return known

    def remittance(self, r: Remittance) -> list[str]:
        w = self.w
        if r.trace is None:
            raise X12WriteError("remittance", "TRN", "the reassociation trace is required")
        trace = r.trace
        record = f"remittance {trace.number}"
        if r.payment is None or r.payer is None or r.payee is None:
            raise X12WriteError(record, "BPR, N1*PR, N1*PE", "are required")
        for claim in r.claims:
            check_balance(claim)
        self._check_payment(r, r.payment, record)
        self._bpr(r.payment, record)
        w.add(
            "TRN",
            w.identifier(trace.type_code, 2, record, "TRN01 trace type"),
            w.identifier(trace.number, 50, record, "TRN02 trace number"),
            w.identifier(trace.originator, 10, record, "TRN03 payer id"),
            w.identifier(trace.originator_supplemental, 50, record, "TRN04")
            if trace.originator_supplemental
            else "",
        )
        for reference in r.references:
            self._reference(reference, record)
        if r.production_date is not None:
            w.add("DTM", "405", date8(r.production_date))
        self._payer(r.payer, record)
        self._payee(r.payee, record)
        if r.claims:
            # LX01: one header number for the whole remittance.
            w.add("LX", "1")
            for claim in r.claims:
                self._claim(claim)
        for plb in r.provider_adjustments:
            self._plb(plb, record)
        return w.segments

    def _check_payment(self, r: Remittance, payment: Payment, record: str) -> None:
        """BPR02 must be what the claims pay less the PLB amounts, and not negative."""
        owed = total(c.paid for c in r.claims) - total(
            item.amount for plb in r.provider_adjustments for item in plb.items
        )
        if owed.is_negative():
            raise X12WriteError(
                record,
                "BPR02 payment",
                f"claims less provider adjustments come to {owed}: a payment cannot be negative",
            )
        if payment.amount != owed:
            raise X12WriteError(
                record,
                "BPR02 payment",
                f"claims less provider adjustments come to {owed}, not {payment.amount}",
            )

    def _bpr(self, payment: Payment, record: str) -> None:
        w = self.w
        if payment.handling is None or payment.credit_debit is None or payment.method is None:
            raise X12WriteError(record, "BPR01, BPR03, BPR04", "are required")
        if payment.effective_date is None:
            raise X12WriteError(record, "BPR16 date", "is required")
        method = payment.method
        if payment.amount and method is PaymentMethod.NON_PAYMENT:
            raise X12WriteError(
                record, "BPR04 method", f"NON cannot carry a payment of {payment.amount}"
            )
        electronic = payment.amount and method is not PaymentMethod.CHECK
        if electronic and (payment.payer_account is None or payment.payee_account is None):
            raise X12WriteError(record, "BPR06-15 bank accounts", "an EFT needs both accounts")
        w.add(
            "BPR",
            payment.handling.value,
            money(payment.amount),
            payment.credit_debit.value,
            method.value,
            self._id(payment.format, 10, record, "BPR05 format") if payment.format else "",
            *self._account(payment.payer_account, record, "BPR06-09 payer"),
            w.identifier(payment.originator, 10, record, "BPR10") if payment.originator else "",
            "",
            *self._account(payment.payee_account, record, "BPR12-15 payee"),
            date8(payment.effective_date),
        )

    def _account(self, account: BankAccount | None, record: str, who: str) -> tuple[str, ...]:
        if account is None:
            return ("", "", "", "")
        w = self.w
        return (
            w.identifier(account.routing_qualifier, 2, record, f"{who} DFI qualifier", 2),
            _routing(account.routing_number, record, f"{who} routing number"),
            w.identifier(account.account_qualifier, 3, record, f"{who} account qualifier"),
            w.identifier(account.account_number, 35, record, f"{who} account"),
        )

    def _payer(self, payer: Party, record: str) -> None:
        w = self.w
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
        technical = [c for c in payer.contacts if c.function == "BL"]
        if not technical or any(
            c.qualifier == "TE" and not (len(c.number) >= 10 and c.number.isdigit())
            for c in technical
        ):
            raise X12WriteError(record, "1000A PER*BL phone", "needs a ten-digit phone number")
        self._contacts(payer, record, "1000A")

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
        self._contacts(payee, record, "1000B")

    def _contacts(self, party: Party, record: str, loop: str) -> None:
        w = self.w
        for contact in party.contacts:
            w.add(
                "PER",
                w.identifier(contact.function, 2, record, f"{loop} PER01", 2),
                w.text(contact.name, 60),
                w.identifier(contact.qualifier, 2, record, f"{loop} PER03", 2)
                if contact.qualifier
                else "",
                w.identifier(contact.number, 256, record, f"{loop} PER04")
                if contact.number
                else "",
            )

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

    def _name(self, name: EntityName, record: str) -> None:
        w = self.w
        known = self._names.get(name)
        if known is not None:
            w.segments.append(known)
            return
        entity = w.identifier(name.entity, 3, record, "NM101", 2)
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
        self._names[name] = w.segments[-1]

    def _claim(self, claim: ClaimPayment) -> None:
        w = self.w
        record = _record(claim)
        if claim.status is None:
            raise X12WriteError(record, "CLP02 claim status", "is required")
        if claim.filing_indicator is None or claim.filing_indicator.value not in _CLP06:
            code = claim.filing_indicator.value if claim.filing_indicator else "none"
            raise X12WriteError(
                record, "CLP06 claim filing indicator", f"{code} is not a code the 835 allows"
            )
        if claim.patient is None:
            raise X12WriteError(record, "NM1*QC patient", "is required but missing")
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
        for name in claim.names:
            self._name(name, record)
        if claim.inpatient is not None:
            self._mia(claim.inpatient, record)
        if claim.outpatient is not None:
            self._moa(claim.outpatient, record)
        for reference in claim.references:
            self._reference(reference, record)
        self._dates(claim.dates, record)
        self._amounts(claim, record)
        for number, line in enumerate(claim.service_lines, start=1):
            self._line(line, f"{record} line {number}")

    def _dates(self, dates: tuple[QualifiedDate, ...], record: str) -> None:
        for dated in dates:
            self.w.add("DTM", self._id(dated.qualifier, 3, record, "DTM01", 3), date8(dated.value))

    def _amounts(self, item: ClaimPayment | ServicePayment, record: str) -> None:
        """AMT then QTY, as both 2100 and 2110 carry them."""
        w = self.w
        for amount in item.amounts:
            w.add("AMT", self._id(amount.qualifier, 3, record, "AMT01"), money(amount.amount))
        for quantity in item.quantities:
            w.add(
                "QTY",
                self._id(quantity.qualifier, 2, record, "QTY01", 2),
                decimal(quantity.quantity),
            )

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

    def _procedure(self, procedure: Procedure, record: str, element: str) -> str:
        modifiers = [self._id(m, 2, record, f"{element} modifier", 2) for m in procedure.modifiers]
        return self.w.composite(
            self._id(procedure.qualifier, 2, record, f"{element}-1 qualifier"),
            self._id(procedure.code, 48, record, f"{element}-2 procedure code"),
            *modifiers,
            # SVC01-7 description follows the four modifier places, empty ones included.
            *([""] * (_MODIFIERS - len(modifiers)) if procedure.description else ()),
            self.w.text(procedure.description, 80),
        )

    def _line(self, line: ServicePayment, record: str) -> None:
        w = self.w
        original = line.original_procedure
        w.add(
            "SVC",
            self._procedure(line.procedure, record, "SVC01"),
            money(line.charge),
            money(line.paid),
            self._id(line.revenue_code, 48, record, "SVC04") if line.revenue_code else "",
            decimal(line.units) if line.units is not None else "",
            self._procedure(original, record, "SVC06") if original is not None else "",
            decimal(line.original_units) if line.original_units is not None else "",
        )
        self._dates(line.dates, record)
        self._adjustments(line.adjustments, record)
        for reference in line.references:
            self._reference(reference, record)
        self._amounts(line, record)
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

    def _plb(self, plb: ProviderAdjustment, record: str) -> None:
        """One PLB segment; more than six items are written as further PLBs, each read back as
        a provider adjustment of its own."""
        w = self.w
        if not plb.items:
            raise X12WriteError(record, "PLB", "a provider adjustment needs at least one item")
        if plb.fiscal_period_date is None:
            raise X12WriteError(record, "PLB02 fiscal period date", "is required")
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
