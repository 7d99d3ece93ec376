"""Patient cost estimate: what the patient will likely owe for a visit, before the payer says.

Each line's allowed amount is the contract rate (the charge where the contract names no rate);
out of network no contract applies, and the plan allows the charge or its maximum allowable
(:func:`out_of_network_allowed`). Each line is priced by the benefit of its service category
(:mod:`claimdesk.domain.benefits`), in line-number order, the way payers apply cost sharing:

1. the deductible still to meet, when the category's benefit applies it;
2. the category's copay, once per visit (a second line of the category owes none);
3. coinsurance of what is left (rounded half up to the cent), only where no copay was due or
   the plan stacks the two;
4. the out-of-pocket amount still open caps the cost sharing; past the cap the plan pays all;
5. out of network, the charge above the allowed amount when the plan lets the provider balance
   bill (it never counts towards the out-of-pocket limit).

The plan's benefits come from the user's plan/tier directory (a 271 cannot code network tiers)
and from the latest 271, which knows how much deductible and out-of-pocket remain this year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from claimdesk.domain.benefits import (
    VISITS,
    AllowedBasis,
    BenefitError,
    PlanDesign,
    ServiceCategory,
)
from claimdesk.domain.coverage import NetworkTier
from claimdesk.domain.money import Money, total

CONTRACT = "contract"  # the payer's contracted rate for the code
CHARGE = "charge"  # in network with no rate on file: the full charge may be the patient's
BILLED = "billed"  # out of network, the plan allows the billed charge
MAXIMUM = "maximum"  # out of network, the plan's maximum allowable

DIRECTORY = "directory"  # the user's plan/tier directory
ELIGIBILITY = "271"  # the latest eligibility response
NONE = "none"  # neither says; counted as zero (no cap for the out-of-pocket limit)


class EstimateError(ValueError):
    """Benefits or lines that cannot make an estimate (the message names the field)."""


def _check_fraction(value: Decimal, what: str) -> None:
    if not Decimal(0) <= value <= Decimal(1):
        raise EstimateError(f"{what}: coinsurance {value} is not a fraction from 0 to 1")


def _check_amount(value: Money, what: str, field_name: str) -> None:
    if value.is_negative():
        raise EstimateError(f"{what}: {field_name} {value} cannot be negative")


@dataclass(frozen=True, slots=True)
class PlanTier:
    """One entry of the plan/tier directory: a plan's benefits for one network tier."""

    payer_id: str
    plan_name: str
    network_tier: NetworkTier
    copay: Money  # office visit copay
    coinsurance: Decimal  # a fraction, .2 is 20 percent
    deductible: Money  # per year
    out_of_pocket_max: Money  # per year
    specialist_copay: Money | None = None  # None: the office visit copay
    copay_services: frozenset[ServiceCategory] = VISITS
    preventive_free: bool | None = None  # None: free in network, cost-shared out of network
    copay_with_coinsurance: bool = False
    allowed_without_contract: AllowedBasis = AllowedBasis.BILLED  # out of network
    maximum_allowable: Decimal = Decimal(1)  # share of the charge, for AllowedBasis.MAXIMUM
    balance_billing: bool | None = None  # None: out of network yes, in network no

    def __post_init__(self) -> None:
        what = f"plan {self.payer_id}/{self.plan_name} tier {int(self.network_tier)}"
        _check_fraction(self.coinsurance, what)
        if not Decimal(0) <= self.maximum_allowable <= Decimal(1):
            raise EstimateError(
                f"{what}: maximum_allowable {self.maximum_allowable} is not a share from 0 to 1"
            )
        for name in ("copay", "deductible", "out_of_pocket_max"):
            _check_amount(getattr(self, name), what, name)
        if self.specialist_copay is not None:
            _check_amount(self.specialist_copay, what, "specialist_copay")

    @property
    def in_network(self) -> bool:
        return self.network_tier is not NetworkTier.OUT_OF_NETWORK

    @property
    def design(self) -> PlanDesign:
        return PlanDesign(
            copay=self.copay,
            specialist_copay=self.copay if self.specialist_copay is None else self.specialist_copay,
            coinsurance=self.coinsurance,
            copay_services=self.copay_services,
            preventive_free=self.in_network
            if self.preventive_free is None
            else self.preventive_free,
            copay_with_coinsurance=self.copay_with_coinsurance,
            balance_billing=(
                not self.in_network if self.balance_billing is None else self.balance_billing
            ),
        )


@dataclass(frozen=True, slots=True)
class ReportedCostShare:
    """What a 271 reported for the service type and network (any figure may be missing)."""

    copay: Money | None = None
    coinsurance: Decimal | None = None
    deductible: Money | None = None
    deductible_remaining: Money | None = None
    out_of_pocket: Money | None = None
    out_of_pocket_remaining: Money | None = None


@dataclass(frozen=True, slots=True)
class Benefits:
    """The figures an estimate applies, with where each came from."""

    design: PlanDesign
    deductible_remaining: Money
    out_of_pocket_remaining: Money | None  # None: no limit known
    sources: tuple[tuple[str, str], ...] = ()  # (figure, DIRECTORY / ELIGIBILITY / NONE)

    def __post_init__(self) -> None:
        _check_amount(self.deductible_remaining, "benefits", "deductible remaining")
        if self.out_of_pocket_remaining is not None:
            _check_amount(self.out_of_pocket_remaining, "benefits", "out-of-pocket remaining")

    @property
    def copay(self) -> Money:
        return self.design.copay

    @property
    def coinsurance(self) -> Decimal:
        return self.design.coinsurance


T = TypeVar("T")


def _pick(*candidates: tuple[T | None, str]) -> tuple[T | None, str]:
    for value, source in candidates:
        if value is not None:
            return value, source
    return None, NONE


def resolve_benefits(
    tier: PlanTier | None,
    reported: ReportedCostShare | None,
    *,
    in_network: bool = True,
) -> Benefits:
    """The directory's tier gives the plan's design (the 271 cannot say the tier); without it
    the 271's office visit copay and coinsurance make a standard design. Deductible and
    out-of-pocket *remaining* come from the 271 (only the payer knows what was met), else the
    directory's yearly amounts, as if nothing had been met yet."""
    r = reported or ReportedCostShare()
    copay, copay_from = _pick((tier.copay if tier else None, DIRECTORY), (r.copay, ELIGIBILITY))
    coinsurance, coinsurance_from = _pick(
        (tier.coinsurance if tier else None, DIRECTORY), (r.coinsurance, ELIGIBILITY)
    )
    deductible, deductible_from = _pick(
        (r.deductible_remaining, ELIGIBILITY),
        (tier.deductible if tier else None, DIRECTORY),
        (r.deductible, ELIGIBILITY),
    )
    out_of_pocket, out_of_pocket_from = _pick(
        (r.out_of_pocket_remaining, ELIGIBILITY),
        (tier.out_of_pocket_max if tier else None, DIRECTORY),
        (r.out_of_pocket, ELIGIBILITY),
    )
    coinsurance = coinsurance if coinsurance is not None else Decimal(0)
    _check_fraction(coinsurance, "benefits")
    try:
        design = (
            tier.design
            if tier is not None
            else PlanDesign(
                copay=copay or Money.zero(),
                specialist_copay=copay or Money.zero(),
                coinsurance=coinsurance,
                preventive_free=in_network,
                balance_billing=not in_network,
            )
        )
    except BenefitError as exc:
        raise EstimateError(f"benefits: {exc}") from exc
    return Benefits(
        design=design,
        deductible_remaining=deductible or Money.zero(),
        out_of_pocket_remaining=out_of_pocket,
        sources=(
            ("copay", copay_from),
            ("coinsurance", coinsurance_from),
            ("deductible_remaining", deductible_from),
            ("out_of_pocket_remaining", out_of_pocket_from),
        ),
    )


@dataclass(frozen=True, slots=True)
class LineCharge:
    line_number: int
    procedure_code: str
    charge: Money
    allowed: Money
    allowed_basis: str  # CONTRACT, CHARGE, BILLED or MAXIMUM
    category: ServiceCategory = ServiceCategory.PROCEDURE


@dataclass(frozen=True, slots=True)
class LineEstimate:
    line: LineCharge
    copay: Money
    deductible: Money
    coinsurance: Money
    patient: Money  # cost sharing after the out-of-pocket cap, plus any balance bill
    insurer: Money  # allowed less the cost sharing
    benefit: str = ""  # which benefit applied, for the person reading the estimate
    balance: Money = field(default_factory=Money.zero)  # charge above allowed, out of network


@dataclass(frozen=True, slots=True)
class Estimate:
    benefits: Benefits
    lines: tuple[LineEstimate, ...]

    @property
    def charge(self) -> Money:
        return total(e.line.charge for e in self.lines)

    @property
    def allowed(self) -> Money:
        return total(e.line.allowed for e in self.lines)

    @property
    def copay(self) -> Money:
        return total(e.copay for e in self.lines)

    @property
    def deductible(self) -> Money:
        return total(e.deductible for e in self.lines)

    @property
    def coinsurance(self) -> Money:
        return total(e.coinsurance for e in self.lines)

    @property
    def balance(self) -> Money:
        return total(e.balance for e in self.lines)

    @property
    def patient(self) -> Money:
        return total(e.patient for e in self.lines)

    @property
    def insurer(self) -> Money:
        return total(e.insurer for e in self.lines)


def line_allowed(rate: Money | None, units: Decimal, charge: Money) -> tuple[Money, str]:
    """The contract rate times the units (rounded to the cent), else the line's charge."""
    if rate is None:
        return charge, CHARGE
    return Money.rounded(rate.amount * units), CONTRACT


def out_of_network_allowed(tier: PlanTier | None, charge: Money) -> tuple[Money, str]:
    """No contract out of network: the plan allows the billed charge or its maximum allowable
    (a share of the charge, never more than the charge), as the directory says."""
    if tier is None or tier.allowed_without_contract is AllowedBasis.BILLED:
        return charge, BILLED
    return min(charge, Money.rounded(charge.amount * tier.maximum_allowable)), MAXIMUM


def estimate(lines: Sequence[LineCharge], benefits: Benefits) -> Estimate:
    """Apply ``benefits`` to the lines in line-number order (see the module docstring)."""
    design = benefits.design
    deductible_left = benefits.deductible_remaining
    cap_left = benefits.out_of_pocket_remaining
    copay_left: dict[ServiceCategory, Money] = {}
    result: list[LineEstimate] = []
    for line in sorted(lines, key=lambda ln: ln.line_number):
        what = f"line {line.line_number}"
        _check_amount(line.allowed, what, "allowed")
        benefit = design.benefit(line.category)
        deductible = min(deductible_left, line.allowed) if benefit.deductible else Money.zero()
        deductible_left -= deductible
        rest = line.allowed - deductible
        copay = Money.zero()
        if benefit.copay:
            # The copay is owed once per visit for its category.
            left = copay_left.setdefault(line.category, benefit.copay)
            copay = min(left, rest)
            copay_left[line.category] = left - copay
        coinsurance = Money.zero()
        if benefit.takes_coinsurance:
            coinsurance = Money.rounded((rest - copay).amount * benefit.coinsurance)
        if cap_left is not None:
            # Past the out-of-pocket limit the plan pays in full: trim coinsurance first, then
            # the copay, then the deductible, so the parts still add up to the patient's share.
            excess = copay + deductible + coinsurance - cap_left
            if excess.is_positive():
                coinsurance, excess = _trim(coinsurance, excess)
                copay, excess = _trim(copay, excess)
                deductible, excess = _trim(deductible, excess)
        share = copay + deductible + coinsurance
        if cap_left is not None:
            cap_left -= share
        balance = Money.zero()
        if design.balance_billing and line.allowed_basis in (BILLED, MAXIMUM):
            balance = line.charge - line.allowed
        result.append(
            LineEstimate(
                line,
                copay,
                deductible,
                coinsurance,
                share + balance,
                line.allowed - share,
                f"{line.category.value}: {benefit.describe()}",
                balance,
            )
        )
    return Estimate(benefits, tuple(result))


def _trim(part: Money, excess: Money) -> tuple[Money, Money]:
    cut = min(part, excess)
    return part - cut, excess - cut
