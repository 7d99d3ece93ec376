"""A plan's benefits as real plans state them: what each category of service costs the patient.

A plan's summary of benefits prices by service category, not one formula for everything:

- an office visit (primary care or specialist) takes a flat copay, with no deductible;
- ACA preventive services are free in network (PHS Act 2713, 45 CFR 147.130);
- labs, imaging, procedures and drugs go to the deductible, then coinsurance;
- a copay and coinsurance are not both taken on one service unless the plan says so;
- a high-deductible plan (no copay) sends office visits to the deductible too.

Which category a code is in comes from :class:`ServiceCatalog` (``services.toml`` ships in this
package); what a category costs comes from the plan/tier directory (:class:`PlanDesign`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from typing import Any

from claimdesk.domain.money import Money


class ServiceCategory(StrEnum):
    PREVENTIVE = "preventive"
    OFFICE_VISIT = "office_visit"  # primary care evaluation and management
    SPECIALIST_VISIT = "specialist_visit"
    DIAGNOSTIC = "diagnostic"  # lab, imaging, diagnostic tests
    PROCEDURE = "procedure"  # surgery, injections, therapy, anything not listed
    DRUG = "drug"


VISITS = frozenset({ServiceCategory.OFFICE_VISIT, ServiceCategory.SPECIALIST_VISIT})


class AllowedBasis(StrEnum):
    """What a plan allows for a service with no contract rate (out of network)."""

    BILLED = "billed"  # the provider's charge
    MAXIMUM = "maximum"  # the plan's maximum allowable: a share of the charge


class BenefitError(ValueError):
    """A benefit or a service table that cannot be used (the message names the field)."""


@dataclass(frozen=True, slots=True)
class CategoryBenefit:
    """What the patient pays for one service of a category, in this order: the deductible (when
    it applies), the copay (once per visit), coinsurance of the rest (only without a copay, or
    when the plan stacks them)."""

    copay: Money
    deductible: bool
    coinsurance: Decimal
    stacked: bool = False

    @property
    def takes_coinsurance(self) -> bool:
        return self.coinsurance > 0 and (not self.copay or self.stacked)

    def describe(self) -> str:
        parts = []
        if self.deductible:
            parts.append("deductible")
        if self.copay:
            parts.append(f"copay {self.copay}")
        if self.takes_coinsurance:
            percent = (self.coinsurance * 100).quantize(Decimal("0.01")).normalize()
            parts.append(f"{percent:f}% coinsurance")
        return ", then ".join(parts) if parts else "no cost sharing"


FREE = CategoryBenefit(Money.zero(), deductible=False, coinsurance=Decimal(0))


@dataclass(frozen=True, slots=True)
class PlanDesign:
    """One plan's cost sharing for one network tier, by category."""

    copay: Money  # office visit copay; 0: the visit goes to the deductible (an HDHP)
    specialist_copay: Money
    coinsurance: Decimal  # a fraction, .2 is 20 percent
    copay_services: frozenset[ServiceCategory] = VISITS
    preventive_free: bool = True  # ACA: in network only
    copay_with_coinsurance: bool = False
    balance_billing: bool = False  # out of network: the charge above allowed is the patient's

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.coinsurance <= Decimal(1):
            raise BenefitError(f"coinsurance {self.coinsurance} is not a fraction from 0 to 1")
        for name in ("copay", "specialist_copay"):
            if getattr(self, name).is_negative():
                raise BenefitError(f"{name} {getattr(self, name)} cannot be negative")

    def benefit(self, category: ServiceCategory) -> CategoryBenefit:
        if category is ServiceCategory.PREVENTIVE and self.preventive_free:
            return FREE
        copay = Money.zero()
        if category in self.copay_services:
            copay = (
                self.specialist_copay
                if category is ServiceCategory.SPECIALIST_VISIT
                else self.copay
            )
        if copay and not self.copay_with_coinsurance:
            # A copay service: the copay is the patient's whole share, no deductible first.
            return CategoryBenefit(copay, deductible=False, coinsurance=self.coinsurance)
        return CategoryBenefit(
            copay, deductible=True, coinsurance=self.coinsurance, stacked=bool(copay)
        )


@dataclass(frozen=True, slots=True)
class _Range:
    low: str
    high: str

    def __contains__(self, code: object) -> bool:
        return (
            isinstance(code, str) and len(code) == len(self.low) and self.low <= code <= self.high
        )


@dataclass(frozen=True, slots=True)
class ServiceCatalog:
    """Which category a code is in; a visit is a specialist's unless the rendering provider's
    taxonomy is primary care."""

    preventive: frozenset[str]
    visits: tuple[_Range, ...]
    lists: Mapping[ServiceCategory, tuple[frozenset[str], tuple[_Range, ...]]]
    primary_care: frozenset[str]

    def category_of(self, code: str, taxonomy: str = "") -> ServiceCategory:
        code = code.strip().upper()
        if code in self.preventive:
            return ServiceCategory.PREVENTIVE
        if any(code in r for r in self.visits):
            if taxonomy and taxonomy not in self.primary_care:
                return ServiceCategory.SPECIALIST_VISIT
            return ServiceCategory.OFFICE_VISIT
        for category, (codes, ranges) in self.lists.items():
            if code in codes or any(code in r for r in ranges):
                return category
        return ServiceCategory.PROCEDURE


def _codes(body: Mapping[str, Any], key: str, where: str) -> frozenset[str]:
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise BenefitError(f"{where}.{key}: a list of codes is required")
    return frozenset(v.strip().upper() for v in value)


def _ranges(body: Mapping[str, Any], where: str) -> tuple[_Range, ...]:
    found = []
    for pair in body.get("ranges", []):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(v, str) for v in pair)
            or len(pair[0]) != len(pair[1])
            or pair[0] > pair[1]
        ):
            raise BenefitError(f"{where}.ranges: {pair!r} is not [low, high] of one length")
        found.append(_Range(pair[0].upper(), pair[1].upper()))
    return tuple(found)


def parse_catalog(text: str, source: str = "services.toml") -> ServiceCatalog:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BenefitError(f"{source}: not valid TOML: {exc}") from exc

    def table(key: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise BenefitError(f"{source}: {key}: a table is required")
        return value

    lists = {
        category: (
            _codes(table(category.value), "codes", f"{source}: {category.value}"),
            _ranges(table(category.value), f"{source}: {category.value}"),
        )
        for category in (ServiceCategory.DIAGNOSTIC, ServiceCategory.DRUG)
    }
    return ServiceCatalog(
        preventive=_codes(table("preventive"), "codes", f"{source}: preventive"),
        visits=_ranges(table("visit"), f"{source}: visit"),
        lists=lists,
        primary_care=_codes(table("primary_care"), "taxonomies", f"{source}: primary_care"),
    )


def shipped_catalog() -> ServiceCatalog:
    """The service categories that ship with claimdesk."""
    text = resources.files("claimdesk.domain").joinpath("services.toml").read_text("utf-8")
    return parse_catalog(text, "claimdesk/domain/services.toml")
