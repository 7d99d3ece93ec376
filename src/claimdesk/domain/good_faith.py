"""Good-faith estimates for uninsured and self-pay patients (No Surprises Act, 45 CFR 149.610)
and the patient-provider dispute threshold (45 CFR 149.620).

Pure: the estimate is priced from the visit's scheduled services and the practice's self-pay
prices handed in; the threshold compares what was billed with what was estimated per provider
(docs/good-faith-estimates.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from claimdesk.domain.money import Money, total

# 45 CFR 149.620(b)(1)(ii): billed charges "substantially in excess" of the estimate are at
# least $400 more, for any provider or facility listed on it.
DISPUTE_THRESHOLD = Money("400.00")


class GoodFaithError(ValueError):
    """An estimate, check or resolution that cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class GfeLine:
    line_number: int
    code: str
    modifier: str
    units: Decimal
    price: Money  # the self-pay price of one unit
    amount: Money  # price x units, rounded half up to the cent

    def as_dict(self) -> dict[str, Any]:
        return {
            "line_number": self.line_number,
            "code": self.code,
            "modifier": self.modifier,
            "units": str(self.units),
            "price": str(self.price),
            "amount": str(self.amount),
        }


@dataclass(frozen=True, slots=True)
class GoodFaithEstimate:
    gfe_id: str
    encounter_id: str
    patient_account: str
    patient_name: str
    scheduled_on: date  # the date of service
    provider_npi: str
    provider_name: str
    facility_id: str
    # 45 CFR 149.610(c)(1)(v): the expected diagnosis codes, where the practice has them.
    diagnoses: tuple[str, ...]
    lines: tuple[GfeLine, ...]
    made_on: date

    @property
    def total(self) -> Money:
        return total(line.amount for line in self.lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "gfe_id": self.gfe_id,
            "encounter_id": self.encounter_id,
            "patient_account": self.patient_account,
            "patient_name": self.patient_name,
            "scheduled_on": self.scheduled_on.isoformat(),
            "provider_npi": self.provider_npi,
            "provider_name": self.provider_name,
            "facility_id": self.facility_id,
            "diagnoses": list(self.diagnoses),
            "lines": [line.as_dict() for line in self.lines],
            "total": str(self.total),
            "made_on": self.made_on.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class ScheduledService:
    line_number: int
    code: str
    modifier: str
    units: Decimal


def price_lines(
    services: Sequence[ScheduledService], prices: Mapping[tuple[str, str], Money], where: str
) -> tuple[GfeLine, ...]:
    """Each service at its self-pay price (``prices`` by code and modifier, a code's price
    without modifier standing for any modifier); a service without a price is refused."""
    lines = []
    for s in services:
        price = prices.get((s.code, s.modifier), prices.get((s.code, "")))
        if price is None:
            raise GoodFaithError(
                f"{where}, line {s.line_number}: no self-pay price for {s.code} in the fee "
                "schedule on the date of service"
            )
        lines.append(
            GfeLine(
                s.line_number,
                s.code,
                s.modifier,
                s.units,
                price,
                Money.rounded(price.amount * s.units),
            )
        )
    return tuple(lines)


@dataclass(frozen=True, slots=True)
class Excess:
    provider_npi: str
    estimated: Money
    billed: Money

    @property
    def over(self) -> Money:
        return self.billed - self.estimated

    @property
    def eligible(self) -> bool:
        """Eligible for patient-provider dispute resolution (45 CFR 149.620(b))."""
        return self.over >= DISPUTE_THRESHOLD
