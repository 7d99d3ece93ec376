"""Summarize any X12 file: its interchanges, transaction sets and every finding.

This is what ``claimdesk x12 inspect FILE`` shows. Transaction sets that claimdesk reads in full
(835, 999) also get that reader's findings; the others get the envelope checks only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from claimdesk.edi.envelope import read_envelopes
from claimdesk.edi.errors import X12Error, X12Finding, has_errors
from claimdesk.edi.x835 import read_835_transaction
from claimdesk.edi.x999 import read_999_transaction


@dataclass(frozen=True, slots=True)
class TransactionSummary:
    transaction_set_id: str  # ST01
    control_number: str  # ST02
    implementation: str  # ST03 or GS08
    interchange_index: int
    segment_count: int  # ST through SE as found
    detail: str  # one line about the content, e.g. claims and payment of an 835


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


def inspect_x12(text: str) -> InspectReport:
    """Read ``text`` as far as possible; input that is not X12 becomes a finding, not an error."""
    try:
        envelopes = read_envelopes(text)
    except X12Error as exc:
        return InspectReport(0, 0, (), (exc.finding,))
    findings = list(envelopes.findings)
    summaries: list[TransactionSummary] = []
    for transaction in envelopes.transaction_sets:
        kind = transaction.transaction_set_id
        detail = ""
        if kind == "835":
            remittance = read_835_transaction(transaction)
            findings.extend(remittance.findings)
            payment = remittance.payment
            amount = f"payment {payment.amount}" if payment else "no payment"
            trace = f", trace {remittance.trace.number}" if remittance.trace else ""
            detail = f"{len(remittance.claims)} claims, {amount}{trace}"
        elif kind == "999":
            ack = read_999_transaction(transaction)
            findings.extend(ack.findings)
            status = ack.status.name.lower() if ack.status else "no status"
            detail = (
                f"group {ack.group_control_number} ({ack.functional_id}): {status}, "
                f"{len(ack.transaction_sets)} transaction sets acknowledged"
            )
        summaries.append(
            TransactionSummary(
                transaction_set_id=kind,
                control_number=transaction.control_number,
                implementation=transaction.implementation,
                interchange_index=transaction.interchange_index,
                segment_count=len(transaction.segments),
                detail=detail,
            )
        )
    return InspectReport(
        interchange_count=len(envelopes.interchanges),
        group_count=sum(len(ic.groups) for ic in envelopes.interchanges),
        transactions=tuple(summaries),
        findings=tuple(findings),
    )
