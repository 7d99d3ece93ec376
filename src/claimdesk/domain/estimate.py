"""Patient cost estimate: what the patient will likely owe for a visit, before the payer says.

The estimate takes each line's allowed amount (the contract rate, or the charge where the
contract names no rate) and applies the plan's benefits for the provider's network tier, in the
order payers apply them:

1. the copay, once per visit, from the first lines' allowed amounts;
2. the deductible still to meet, from what is left of each line;
3. the coinsurance percentage of what is left after the deductible (rounded to the cent);
4. the out-of-pocket amount still open caps the patient's share; past the cap the plan pays all.

The plan's benefits come from the user's plan/tier directory (a 271 cannot code network tiers)
and from the latest 271, which knows how much deductible and out-of-pocket remain this year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from claimdesk.domain.coverage import NetworkTier
from claimdesk.domain.money import Money, total

CONTRACT = "contract"  # the payer's contracted rate for the code
CHARGE = "charge"  # no rate on file: the full charge may be the patient's to pay

DIRECTORY = "directory"  # the user's plan/tier directory
ELIGIBILITY = "271"  # the latest eligibility response
NONE = "none"  # neither says; counted as zero (no cap for the out-of-pocket limit)


class EstimateError(ValueError):
    """Benefits or lines that cannot make an estimate (the message names the field)."""


def _check_fraction(value: Decimal, what: str) -> None:
    if not Decimal(0) <= value <= Decimal(1):
        raise EstimateError(f"{what}: coinsurance {value} is not a fraction from 0 to 1")


def _check_amount(value: Money, what: str, field: str) -> None:
    if value.is_negative():
        raise EstimateError(f"{what}: {field} {value} cannot be negative")


@dataclass(frozen=True, slots=True)
class PlanTier:
    """One entry of the plan/tier directory: a plan's benefits for one network tier."""

    payer_id: str
    plan_name: str
    network_tier: NetworkTier
    copay: Money
    coinsurance: Decimal  # a fraction, .2 is 20 percent
    deductible: Money  # per year
    out_of_pocket_max: Money  # per year

    def __post_init__(self) -> None:
        what = f"plan {self.payer_id}/{self.plan_name} tier {int(self.network_tier)}"
        _check_fraction(self.coinsurance, what)
        for field in ("copay", "deductible", "out_of_pocket_max"):
            _check_amount(getattr(self, field), what, field)


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

    copay: Money
    coinsurance: Decimal
    deductible_remaining: Money
    out_of_pocket_remaining: Money | None  # None: no limit known
    sources: tuple[tuple[str, str], ...] = ()  # (figure, DIRECTORY / ELIGIBILITY / NONE)

    def __post_init__(self) -> None:
        _check_fraction(self.coinsurance, "benefits")
        _check_amount(self.copay, "benefits", "copay")
        _check_amount(self.deductible_remaining, "benefits", "deductible remaining")
        if self.out_of_pocket_remaining is not None:
            _check_amount(self.out_of_pocket_remaining, "benefits", "out-of-pocket remaining")


T = TypeVar("T")


def _pick(*candidates: tuple[T | None, str]) -> tuple[T | None, str]:
    for value, source in candidates:
        if value is not None:
            return value, source
    return None, NONE


def resolve_benefits(tier: PlanTier | None, reported: ReportedCostShare | None) -> Benefits:
    """Copay and coinsurance from the directory's tier (the 271 cannot say the tier), else the
    271; deductible and out-of-pocket *remaining* from the 271 (only the payer knows what was
    met), else the directory's yearly amounts, as if nothing had been met yet."""
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
    return Benefits(
        copay=copay or Money.zero(),
        coinsurance=coinsurance if coinsurance is not None else Decimal(0),
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
    allowed_basis: str  # CONTRACT or CHARGE


@dataclass(frozen=True, slots=True)
class LineEstimate:
    line: LineCharge
    copay: Money
    deductible: Money
    coinsurance: Money
    patient: Money  # copay + deductible + coinsurance, after the out-of-pocket cap
    insurer: Money  # allowed - patient


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


def estimate(lines: Sequence[LineCharge], benefits: Benefits) -> Estimate:
    """Apply ``benefits`` to the lines in line-number order (see the module docstring)."""
    copay_left = benefits.copay
    deductible_left = benefits.deductible_remaining
    cap_left = benefits.out_of_pocket_remaining
    result: list[LineEstimate] = []
    for line in sorted(lines, key=lambda ln: ln.line_number):
        what = f"line {line.line_number}"
        _check_amount(line.allowed, what, "allowed")
        copay = min(copay_left, line.allowed)
        copay_left -= copay
        rest = line.allowed - copay
        deductible = min(deductible_left, rest)
        deductible_left -= deductible
        coinsurance = Money.rounded((rest - deductible).amount * benefits.coinsurance)
        if cap_left is not None:
            # Past the out-of-pocket limit the plan pays in full: trim coinsurance first, then
            # the deductible, then the copay, so the parts still add up to the patient's share.
            excess = copay + deductible + coinsurance - cap_left
            if excess.is_positive():
                coinsurance, excess = _trim(coinsurance, excess)
                deductible, excess = _trim(deductible, excess)
                copay, excess = _trim(copay, excess)
        patient = copay + deductible + coinsurance
        if cap_left is not None:
            cap_left -= patient
        result.append(
            LineEstimate(line, copay, deductible, coinsurance, patient, line.allowed - patient)
        )
    return Estimate(benefits, tuple(result))


def _trim(part: Money, excess: Money) -> tuple[Money, Money]:
    cut = min(part, excess)
    return part - cut, excess - cut
