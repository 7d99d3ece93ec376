"""Payers, our fee schedule and the payers' contracted allowed amounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from claimdesk.domain.filing import FilingLimit, FilingUnit
from claimdesk.domain.money import Money

# Medicare and Medicaid: 12 calendar months from the date of service (42 CFR 424.44,
# 42 CFR 447.45(d)(1)), not 365 days.
GOVERNMENT_TIMELY_FILING = FilingLimit(12, FilingUnit.MONTHS)


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


class CobMethod(StrEnum):
    """How a payer coordinates benefits when it is not the first payer (posting/cob.py)."""

    STANDARD = "standard"
    NON_DUPLICATION = "non_duplication"
    CARVE_OUT = "carve_out"
    MEDICARE_SECONDARY = "medicare_secondary"

    @classmethod
    def default_for(cls, kind: PayerKind) -> CobMethod:
        # Medicare as a secondary payer follows the MSP rules (42 CFR 411.33); Medicaid, the
        # payer of last resort, and commercial plans pay up to their allowed (standard COB).
        return cls.MEDICARE_SECONDARY if kind is PayerKind.MEDICARE else cls.STANDARD


@dataclass(frozen=True, slots=True)
class Payer:
    """An insurer (or the patient, for self-pay). ``payer_id`` is the clearinghouse payer id.

    The timely filing limit is stated the way the payer states it: in days
    (``timely_filing_days``) or in calendar months (``timely_filing_months``), exactly one.
    """

    payer_id: str
    name: str
    kind: PayerKind
    timely_filing_days: int | None
    appeal_window_days: int
    member_id_pattern: str = ""
    timely_filing_months: int | None = None
    cob_method: CobMethod | None = None  # None: the default for the payer's kind

    def __post_init__(self) -> None:
        windows = (self.timely_filing_days, self.timely_filing_months, self.appeal_window_days)
        if any(window is not None and window <= 0 for window in windows):
            raise ValueError(f"payer {self.payer_id}: filing and appeal windows must be positive")
        try:
            FilingLimit.stated(self.timely_filing_days, self.timely_filing_months)
        except ValueError as exc:
            raise ValueError(f"payer {self.payer_id}: {exc}") from None

    @property
    def timely_filing(self) -> FilingLimit:
        return FilingLimit.stated(self.timely_filing_days, self.timely_filing_months)

    @property
    def coordination(self) -> CobMethod:
        return self.cob_method or CobMethod.default_for(self.kind)


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
