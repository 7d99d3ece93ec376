"""The billing company's fee for a closed month, by the fee model in the practice profile.

The model is four settings (docs/close.md), any of which may be left unset (zero):

- ``fee.percent``: a percentage of the month's collections (payer and patient payments on the
  practice's claims effective in the month, reversals, recoupments and refunds netted);
- ``fee.per_claim``: dollars per claim first submitted in the month;
- ``fee.flat``: dollars per month;
- ``fee.minimum``: the least the month is billed; when the lines above come to less, a line
  tops them up to it.

Pure: the caller hands in the collections and the claim count it read from the books.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from claimdesk.domain.money import Money, total

PERCENT, PER_CLAIM, FLAT, MINIMUM = "fee.percent", "fee.per_claim", "fee.flat", "fee.minimum"
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class FeeModel:
    percent: Decimal = Decimal(0)  # 6.5 means 6.5 percent of collections
    per_claim: Money = field(default_factory=Money.zero)
    flat: Money = field(default_factory=Money.zero)
    minimum: Money = field(default_factory=Money.zero)

    @classmethod
    def of(cls, settings: Mapping[str, str]) -> FeeModel:
        """The model from the profile's checked values (unset settings are zero)."""

        def dollars(key: str) -> Money:
            return Money(settings.get(key) or "0")

        return cls(
            percent=Decimal(settings.get(PERCENT) or "0"),
            per_claim=dollars(PER_CLAIM),
            flat=dollars(FLAT),
            minimum=dollars(MINIMUM),
        )

    @property
    def is_set(self) -> bool:
        return bool(self.percent or self.per_claim or self.flat or self.minimum)


@dataclass(frozen=True, slots=True)
class FeeLine:
    description: str
    basis: str  # what the line is computed from, in words a client can check
    amount: Money


@dataclass(frozen=True, slots=True)
class Fee:
    lines: tuple[FeeLine, ...]

    @property
    def total(self) -> Money:
        return total(line.amount for line in self.lines)


def fee_for(model: FeeModel, *, collections: Money, claims: int) -> Fee:
    """The month's fee lines. The percentage is rounded half up to the cent; a month whose
    collections are negative (more refunded than collected) owes no percentage."""
    lines: list[FeeLine] = []
    if model.percent:
        base = max(collections, Money.zero())
        lines.append(
            FeeLine(
                f"{model.percent.normalize():f}% of collections",
                f"collections {collections}",
                Money.rounded(base.amount * model.percent / HUNDRED),
            )
        )
    if model.per_claim:
        lines.append(
            FeeLine(
                f"{model.per_claim} per claim submitted",
                f"{claims} claim(s)",
                model.per_claim * claims,
            )
        )
    if model.flat:
        lines.append(FeeLine("monthly fee", "flat", model.flat))
    so_far = total(line.amount for line in lines)
    if model.minimum and so_far < model.minimum:
        lines.append(
            FeeLine(
                "monthly minimum",
                f"minimum {model.minimum} less {so_far}",
                model.minimum - so_far,
            )
        )
    return Fee(tuple(lines))


@dataclass(frozen=True, slots=True)
class CollectionLine:
    """One claim's collections in the month: what the fee's percentage is based on."""

    claim_id: str
    payer_id: str
    insurance: Money
    patient: Money

    @property
    def total(self) -> Money:
        return self.insurance + self.patient


@dataclass(frozen=True, slots=True)
class WorkLine:
    tier: int
    outcome: str
    items: int
    resolved: Money


@dataclass(frozen=True, slots=True)
class Invoice:
    """The billing company's invoice for one practice and closed month, every figure with
    what it is based on, so the client can check it."""

    practice: str
    month: str
    model: FeeModel
    fee: Fee
    collections: tuple[CollectionLine, ...]
    claims_submitted: int
    kpis: tuple[tuple[str, str], ...]  # (KPI, value as displayed)
    work: tuple[WorkLine, ...]

    @property
    def collected(self) -> Money:
        return total(c.total for c in self.collections)


def invoice_for(
    *,
    practice: str,
    month: str,
    model: FeeModel,
    collections: tuple[CollectionLine, ...],
    claims_submitted: int,
    kpis: tuple[tuple[str, str], ...],
    work: tuple[WorkLine, ...],
) -> Invoice:
    fee = fee_for(model, collections=total(c.total for c in collections), claims=claims_submitted)
    return Invoice(practice, month, model, fee, collections, claims_submitted, kpis, work)
