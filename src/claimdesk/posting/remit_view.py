"""A claim's remittances as a biller reads them: each 835 payment with its lines' charge,
allowed, paid, every adjustment (group code, CARC, amount) and remark (RARC), each in words
(``denials.explanations``).

Read from what posting kept of the 835 (``claim_payments``: the payment's amounts and its
adjudication, ``services.post_remittance.adjudication_of``). Payments posted before the
allowed amounts and remarks were kept show them empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from claimdesk.denials.explanations import explain_carc, explain_rarc
from claimdesk.domain.money import Money


@dataclass(frozen=True, slots=True)
class CodeInWords:
    """One CAS adjustment (``group``-``code`` ``amount``) or one remark (``code`` alone)."""

    code: str
    amount: Money | None
    meaning: str
    next_step: str

    def __str__(self) -> str:
        amount = "" if self.amount is None else f" {self.amount}"
        return f"{self.code}{amount}"


@dataclass(frozen=True, slots=True)
class PaidLine:
    procedure: str
    charge: Money | None
    allowed: Money | None
    paid: Money
    adjustments: tuple[CodeInWords, ...]
    remarks: tuple[CodeInWords, ...]


@dataclass(frozen=True, slots=True)
class PaymentView:
    remittance_id: str
    status: str  # posted, held, reversed
    clp_status: str  # CLP02
    payer_claim_number: str
    charge: Money
    paid: Money
    patient_share: Money
    adjustments: tuple[CodeInWords, ...]  # claim level
    remarks: tuple[CodeInWords, ...]  # MOA/MIA
    lines: tuple[PaidLine, ...]

    @property
    def remark_codes(self) -> tuple[str, ...]:
        """Every remark of the payment, the claim's first, then the lines' in order."""
        found = [r.code for r in self.remarks]
        for line in self.lines:
            found += [r.code for r in line.remarks if r.code not in found]
        return tuple(found)


def _adjustment(group: str, carc: str, amount: str) -> CodeInWords:
    explained = explain_carc(carc)
    return CodeInWords(
        f"{group}-{carc}",
        Money(amount),
        "" if explained is None else explained.meaning,
        "" if explained is None else explained.next_step,
    )


def _remark(code: str) -> CodeInWords:
    explained = explain_rarc(code)
    return CodeInWords(
        code,
        None,
        "" if explained is None else explained.meaning,
        "" if explained is None else explained.next_step,
    )


def _money(text: str) -> Money | None:
    return Money(text) if text else None


def _codes(adjustments: Sequence[Sequence[str]]) -> tuple[CodeInWords, ...]:
    return tuple(_adjustment(group, carc, amount) for group, carc, amount in adjustments)


def payment_view(row: Mapping[str, Any]) -> PaymentView:
    """One ``claim_payments`` row as the claim's page shows it."""
    adjudication: Mapping[str, Any] = row["adjudication"] or {}
    return PaymentView(
        remittance_id=row["remittance_id"],
        status=row["status"],
        clp_status=row["clp_status"],
        payer_claim_number=row["payer_claim_number"],
        charge=Money(row["charge"]),
        paid=Money(row["paid"]),
        patient_share=Money(row["patient_share"]),
        adjustments=_codes(adjudication.get("adjustments", ())),
        remarks=tuple(_remark(code) for code in adjudication.get("remarks", ())),
        lines=tuple(
            PaidLine(
                procedure=" ".join([line.get("code", ""), *line.get("modifiers", ())]).strip(),
                charge=_money(line.get("charge", "")),
                allowed=_money(line.get("allowed", "")),
                paid=Money(line.get("paid", "0")),
                adjustments=_codes(line.get("adjustments", ())),
                remarks=tuple(_remark(code) for code in line.get("remarks", ())),
            )
            for line in adjudication.get("lines", ())
        ),
    )
