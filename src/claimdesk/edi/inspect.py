"""Summarize any X12 file: its interchanges, transaction sets and every finding.

This is what ``claimdesk x12 inspect FILE`` shows. The sniffer names each transaction set's kind
(837P, 277CA...) and picks its reader. Transaction sets that claimdesk reads in full
(835, 837, 999, 270, 271, 276, 277) also get that reader's findings; the others get the envelope
checks only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from claimdesk.domain.money import total
from claimdesk.edi.x12.envelope import TransactionSet, read_envelopes
from claimdesk.edi.x12.errors import X12Error, X12Finding, has_errors
from claimdesk.edi.x12.sniff import Transaction, refused, sniff_transaction, unsupported
from claimdesk.edi.x270.read import read_270_transaction
from claimdesk.edi.x271.read import read_271_transaction
from claimdesk.edi.x276.read import read_276_transaction
from claimdesk.edi.x277.read import read_277_transaction
from claimdesk.edi.x835.read import read_835_transaction
from claimdesk.edi.x837.read import read_837_transaction
from claimdesk.edi.x999.read import read_999_transaction


@dataclass(frozen=True, slots=True)
class TransactionSummary:
    transaction_set_id: str  # ST01
    control_number: str  # ST02
    implementation: str  # ST03 or GS08
    interchange_index: int
    segment_count: int  # ST through SE as found
    detail: str  # one line about the content, e.g. claims and payment of an 835
    kind: str = ""  # what the sniffer tells from ST01 and the guide, e.g. 837P; "" when unknown


@dataclass(frozen=True, slots=True)
class InspectReport:
    interchange_count: int
    group_count: int
    transactions: tuple[TransactionSummary, ...]
    findings: tuple[X12Finding, ...]

    @property
    def transaction_counts(self) -> dict[str, int]:
        """Transaction sets per ST01, e.g. {"835": 2}."""
        return dict(Counter(t.transaction_set_id for t in self.transactions))

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)


def _detail_835(transaction: TransactionSet) -> tuple[str, tuple[X12Finding, ...]]:
    remittance = read_835_transaction(transaction)
    payment = remittance.payment
    amount = f"payment {payment.amount}" if payment else "no payment"
    trace = f", trace {remittance.trace.number}" if remittance.trace else ""
    return f"{len(remittance.claims)} claims, {amount}{trace}", remittance.findings


def _detail_999(transaction: TransactionSet) -> tuple[str, tuple[X12Finding, ...]]:
    ack = read_999_transaction(transaction)
    status = ack.status.name.lower() if ack.status else "no status"
    detail = (
        f"group {ack.group_control_number} ({ack.functional_id}): {status}, "
        f"{len(ack.transaction_sets)} transaction sets acknowledged"
    )
    return detail, ack.findings


def _detail_270(transaction: TransactionSet) -> tuple[str, tuple[X12Finding, ...]]:
    inquiry_set = read_270_transaction(transaction)
    inquiries = inquiry_set.inquiries
    dependents = sum(1 for i in inquiries if i.is_dependent)
    types = sorted({t for i in inquiries for t in i.service_types})
    detail = (
        f"{len(inquiries)} eligibility inquiries ({dependents} for dependents), "
        f"service types {', '.join(types)}"
    )
    return detail, inquiry_set.findings


def _detail_271(transaction: TransactionSet) -> tuple[str, tuple[X12Finding, ...]]:
    response = read_271_transaction(transaction)
    active = sum(1 for m in response.patients if m.is_active())
    rejected = len(response.rejections) + sum(1 for m in response.patients if m.rejections)
    detail = (
        f"{len(response.patients)} member answers: {active} active, {rejected} rejected requests"
    )
    return detail, response.findings


def _detail_276(transaction: TransactionSet) -> tuple[str, tuple[X12Finding, ...]]:
    inquiry_set = read_276_transaction(transaction)
    inquiries = inquiry_set.inquiries
    charges = total(i.charge for i in inquiries if i.charge is not None)
    detail = f"{len(inquiries)} claim status inquiries, charges {charges}"
    return detail, inquiry_set.findings


def _detail_277(transaction: TransactionSet) -> tuple[str, tuple[X12Finding, ...]]:
    response = read_277_transaction(transaction)
    kind = "claim acknowledgment" if response.is_acknowledgment else "claim status"
    detail = (
        f"{kind}: {len(response.claims)} claims, {len(response.accepted_claims)} accepted, "
        f"{len(response.rejected_claims)} rejected"
    )
    return detail, response.findings


def _detail_837(transaction: TransactionSet) -> tuple[str, tuple[X12Finding, ...]]:
    _, claims, findings = read_837_transaction(transaction)
    charges = total(c.total_charge for c in claims if c.total_charge is not None)
    payers = sorted(
        {c.subscriber.payer.name.last_or_organization for c in claims if c.subscriber.payer}
    )
    return f"{len(claims)} claims, charges {charges}, payers {', '.join(payers)}", findings


# Transaction sets read in full; the others get the envelope checks only.
_READERS: dict[Transaction, Callable[[TransactionSet], tuple[str, tuple[X12Finding, ...]]]] = {
    Transaction.PAYMENT: _detail_835,
    Transaction.CLAIM_PROFESSIONAL: _detail_837,
    Transaction.CLAIM_INSTITUTIONAL: _detail_837,
    Transaction.CLAIM: _detail_837,
    Transaction.IMPLEMENTATION_ACKNOWLEDGMENT: _detail_999,
    Transaction.FUNCTIONAL_ACKNOWLEDGMENT: _detail_999,
    Transaction.ELIGIBILITY_INQUIRY: _detail_270,
    Transaction.ELIGIBILITY_ANSWER: _detail_271,
    Transaction.STATUS_INQUIRY: _detail_276,
    Transaction.CLAIM_ACKNOWLEDGMENT: _detail_277,
    Transaction.CLAIM_STATUS: _detail_277,
    Transaction.RESPONSE_277: _detail_277,
}


def inspect_x12(text: str) -> InspectReport:
    """Read ``text`` as far as possible; input that is not X12 becomes a finding, not an error."""
    try:
        envelopes = read_envelopes(text)
    except X12Error as exc:
        return InspectReport(0, 0, (), (exc.finding,))
    findings = list(envelopes.findings)
    summaries: list[TransactionSummary] = []
    for transaction in envelopes.transaction_sets:
        kind = sniff_transaction(transaction)
        detail = ""
        refusal = unsupported(transaction)
        reader = _READERS.get(kind) if kind is not None and refusal is None else None
        if refusal is not None:
            findings.append(refused(transaction, refusal))
            detail = refusal
        elif reader is not None:
            detail, found = reader(transaction)
            findings.extend(found)
        summaries.append(
            TransactionSummary(
                transaction_set_id=transaction.transaction_set_id,
                control_number=transaction.control_number,
                implementation=transaction.implementation,
                interchange_index=transaction.interchange_index,
                segment_count=len(transaction.segments),
                detail=detail,
                kind=kind.value if kind is not None else "",
            )
        )
    return InspectReport(
        interchange_count=len(envelopes.interchanges),
        group_count=sum(len(ic.groups) for ic in envelopes.interchanges),
        transactions=tuple(summaries),
        findings=tuple(findings),
    )
