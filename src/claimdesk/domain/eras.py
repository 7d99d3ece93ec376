"""The remittance (ERA) list and detail (issue 17): what a biller picks 835 payments by, and
what each row and each payment shows. The store reads them (``store.queries.eras``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from claimdesk.domain.money import Money


@dataclass(frozen=True, slots=True)
class EraFilter:
    payer: str = ""  # the payer's key (N1*PR or its payer id)
    status: str = ""  # posted, held, ...
    trace: str = ""  # TRN02, the check or EFT number
    paid_from: date | None = None  # BPR16, else the day it was posted
    paid_to: date | None = None
    min_amount: Money | None = None  # BPR02

    def describe(self) -> str:
        parts = [
            f"{name} {value}"
            for name, value in (
                ("payer", self.payer),
                ("status", self.status),
                ("trace", self.trace),
                ("paid from", self.paid_from),
                ("paid to", self.paid_to),
                ("amount from", self.min_amount),
            )
            if value not in ("", None)
        ]
        return ", ".join(parts) or "every remittance"


@dataclass(frozen=True, slots=True)
class EraRow:
    remittance_id: str
    payer: str
    payer_name: str
    trace_number: str
    paid_on: date  # BPR16, else the day it was posted
    amount: Money  # BPR02
    claims: int
    status: str
    reason: str
    file_name: str


@dataclass(frozen=True, slots=True)
class EraPayment:
    """One CLP loop as posted (or held), with the claim it paid when it matched one."""

    position: int
    claim_id: str | None
    patient_control_number: str
    status: str
    clp_status: str  # CLP02
    charge: Money
    paid: Money
    patient_share: Money
    denied: Money
    payer_claim_number: str
    reason: str


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """One PLB item as posted: its code, the claim it names (if ours), and the amount the payer
    kept (positive) or added (negative), BPR02 = sum of CLP04 - sum of PLB04."""

    entry_id: str
    memo: str
    claim_id: str | None
    amount: Money


@dataclass(frozen=True, slots=True)
class EraDetail:
    era: EraRow
    payments: tuple[EraPayment, ...]
    adjustments: tuple[ProviderAdjustment, ...]

    @property
    def paid(self) -> Money:
        return sum((p.paid for p in self.payments), Money.zero())

    @property
    def adjusted(self) -> Money:
        return sum((a.amount for a in self.adjustments), Money.zero())
