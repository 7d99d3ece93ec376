"""Payers, our fee schedule and the payers' contracted allowed amounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from claimdesk.domain.money import Money

# Medicare and Medicaid: 12 months from the date of service (domain primer, code sets).
GOVERNMENT_TIMELY_FILING_DAYS = 365


class PayerKind(StrEnum):
    MEDICARE = "medicare"
    MEDICAID = "medicaid"
    COMMERCIAL = "commercial"
    WORKERS_COMP = "workers_comp"
    SELF_PAY = "self_pay"

    @property
    def claim_filing_indicator(self) -> str:
        """SBR09 claim filing indicator code (X12 5010 element 1032)."""
        return {
            PayerKind.MEDICARE: "MB",
            PayerKind.MEDICAID: "MC",
            PayerKind.COMMERCIAL: "CI",
            PayerKind.WORKERS_COMP: "WC",
            PayerKind.SELF_PAY: "09",
        }[self]


@dataclass(frozen=True, slots=True)
class Payer:
    """An insurer (or the patient, for self-pay). ``payer_id`` is the clearinghouse payer id."""

    payer_id: str
    name: str
    kind: PayerKind
    timely_filing_days: int
    appeal_window_days: int
    member_id_pattern: str = ""

    def __post_init__(self) -> None:
        if self.timely_filing_days <= 0 or self.appeal_window_days <= 0:
            raise ValueError(f"payer {self.payer_id}: filing and appeal windows must be positive")


@dataclass(frozen=True, slots=True)
class FeeScheduleItem:
    """Our own charge for a procedure code (and optional modifier), from ``effective`` on."""

    code: str
    charge: Money
    effective: date
    modifier: str = ""


@dataclass(frozen=True, slots=True)
class ContractRate:
    """What a payer allows for a code under our contract, within the effective dates."""

    payer_id: str
    code: str
    allowed: Money
    effective: date
    termination: date | None = None
    modifier: str = ""

    def applies_on(self, day: date) -> bool:
        return self.effective <= day and (self.termination is None or day <= self.termination)


def rate_on(
    rates: list[ContractRate], code: str, day: date, modifier: str = ""
) -> ContractRate | None:
    """The contract rate in force on ``day``; the latest effective date wins an overlap."""
    candidates = [
        r for r in rates if r.code == code and r.modifier == modifier and r.applies_on(day)
    ]
    return max(candidates, key=lambda r: r.effective, default=None)
