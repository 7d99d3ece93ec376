"""The payer simulator's policy: each payer's behaviour as data, read from TOML.

``policy.toml`` in this package is the default; a practice or a test may pass its own text to
:func:`parse_policy`. Errors name the source, the key and the reason, so whoever edits the file
can fix it.
"""

from __future__ import annotations

import re
import tomllib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from importlib import resources
from types import MappingProxyType
from typing import Any

from claimdesk.domain.coverage import NetworkTier
from claimdesk.domain.money import Money, MoneyError
from claimdesk.domain.parties import Address
from claimdesk.edi.x12.codes import AdjustmentGroup
from claimdesk.edi.x277.read import StatusCode

_GROUPS = {g.value: g for g in AdjustmentGroup}
_ADJUSTMENT = re.compile(r"^(CO|OA|PI|PR|CR)-([A-Z0-9]{1,5})(?::([A-Z0-9]{1,5}))?$")
_STATUS = re.compile(r"^(A[0-8]):([0-9]{1,5})$")
_TIER_KEYS = {
    "tier_1": NetworkTier.TIER_1,
    "tier_2": NetworkTier.TIER_2,
    "tier_3": NetworkTier.TIER_3,
    "out_of_network": NetworkTier.OUT_OF_NETWORK,
}


class PolicyError(ValueError):
    """A policy that cannot be used; the message names the source, the key and the reason."""


class SecondaryMethod(StrEnum):
    PATIENT_SHARE = "patient_share"  # pays whatever the primary left to the patient
    NORMAL_BENEFIT = "normal_benefit"  # pays the lesser of that and its own primary benefit


@dataclass(frozen=True, slots=True)
class AdjustmentCode:
    """A group code, a CARC and an optional RARC, as a payer writes them on a denied line."""

    group: AdjustmentGroup
    carc: str
    rarc: str = ""

    def __str__(self) -> str:
        text = f"{self.group.value}-{self.carc}"
        return f"{text}:{self.rarc}" if self.rarc else text


@dataclass(frozen=True, slots=True)
class TierBenefits:
    """What the patient pays under one network tier of a plan; no limit when the maximum is None."""

    copay: Money
    coinsurance: Decimal
    deductible: Money
    out_of_pocket_max: Money | None


@dataclass(frozen=True, slots=True)
class PlanBenefits:
    tiers: Mapping[NetworkTier, TierBenefits]

    def for_tier(self, tier: NetworkTier) -> TierBenefits:
        """The tier's benefits; a tier the plan does not list pays like its nearest listed one."""
        if tier in self.tiers:
            return self.tiers[tier]
        return self.tiers[min(self.tiers, key=lambda listed: abs(int(listed) - int(tier)))]


@dataclass(frozen=True, slots=True)
class Adjustments:
    """The adjustment each cause is written with (group, CARC and RARC)."""

    contractual: AdjustmentCode
    coverage_ended: AdjustmentCode
    coverage_not_started: AdjustmentCode
    member_not_found: AdjustmentCode
    other_payer_primary: AdjustmentCode
    invalid_diagnosis: AdjustmentCode
    diagnosis_not_supporting: AdjustmentCode
    authorization_missing: AdjustmentCode
    bundled: AdjustmentCode
    timely_filing: AdjustmentCode
    duplicate: AdjustmentCode
    medical_necessity: AdjustmentCode
    non_covered: AdjustmentCode
    recoupment: AdjustmentCode


@dataclass(frozen=True, slots=True)
class PayerPolicy:
    payer_id: str  # "" for the defaults
    tax_id: str  # nine digits: 835 TRN03 and BPR10
    address: Address  # 835 loop 1000A N3/N4
    phone: str  # 835 PER*BL
    remit_lag_days: int
    prompt_pay_days: int
    annual_interest_rate: Decimal
    pend_rate: Decimal
    pend_days: int
    no_rate_share: Decimal
    medical_necessity_rate: Decimal
    non_covered_rate: Decimal
    recoupment_rate: Decimal
    recoupment_after_days: int
    minimum_subscriber_age: int
    authorization_codes: frozenset[str]
    secondary_method: SecondaryMethod
    adjustments: Adjustments
    plans: Mapping[str, PlanBenefits]


@dataclass(frozen=True, slots=True)
class NcciEdit:
    """A column 2 code is bundled into a column 1 code billed the same day, unless its line
    carries one of ``modifiers``."""

    column1: frozenset[str]
    column2: frozenset[str]
    modifiers: frozenset[str]


@dataclass(frozen=True, slots=True)
class Rejections:
    """277CA status codes (STC01-1 and STC01-2) for what a clearinghouse rejects."""

    unknown_payer: StatusCode
    invalid_member_id: StatusCode
    missing_member_id: StatusCode
    invalid_npi: StatusCode
    missing_birth_date: StatusCode


@dataclass(frozen=True, slots=True)
class SimPolicy:
    seed: int
    clearinghouse_id: str
    clearinghouse_name: str
    rejections: Rejections
    defaults: PayerPolicy
    payers: Mapping[str, PayerPolicy]
    ncci: tuple[NcciEdit, ...]
    benefits: PlanBenefits  # for plans no payer lists

    def for_payer(self, payer_id: str) -> PayerPolicy:
        known = self.payers.get(payer_id)
        if known is not None:
            return known
        return _with_id(self.defaults, payer_id)

    def plan(self, payer_id: str, plan_name: str) -> PlanBenefits:
        return self.for_payer(payer_id).plans.get(plan_name, self.benefits)


def _with_id(policy: PayerPolicy, payer_id: str) -> PayerPolicy:
    return replace(policy, payer_id=payer_id, tax_id=derived_tax_id(payer_id))


def derived_tax_id(payer_id: str) -> str:
    """A stable nine-digit tax id for a payer the policy does not list (835 TRN03 needs one)."""
    return f"9{zlib.crc32(payer_id.encode()) % 10**8:08d}"


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, reason: str) -> PolicyError:
        return PolicyError(f"{self.source}: {key}: {reason}")

    def table(self, data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(f"{where}{key}", "a table is required")
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}{key}", "a non-empty string is required")
        return value.strip()

    def integer(self, data: Mapping[str, Any], key: str, where: str) -> int:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(f"{where}{key}", "a whole number of at least 0 is required")
        return value

    def fraction(self, data: Mapping[str, Any], key: str, where: str) -> Decimal:
        text = self.text(data, key, where)
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise self.fail(f"{where}{key}", f"{text!r} is not a decimal number") from exc
        if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
            raise self.fail(f"{where}{key}", f"{text!r} is not a fraction from 0 to 1")
        return value

    def money(self, data: Mapping[str, Any], key: str, where: str) -> Money:
        text = self.text(data, key, where)
        try:
            amount = Money(text)
        except MoneyError as exc:
            raise self.fail(f"{where}{key}", str(exc)) from exc
        if amount.is_negative():
            raise self.fail(f"{where}{key}", f"{text} cannot be negative")
        return amount

    def codes(self, data: Mapping[str, Any], key: str, where: str) -> frozenset[str]:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(f"{where}{key}", "a list of code strings is required")
        return frozenset(v.strip().upper() for v in value)

    def adjustment(self, data: Mapping[str, Any], key: str, where: str) -> AdjustmentCode:
        text = self.text(data, key, where).upper()
        match = _ADJUSTMENT.match(text)
        if match is None:
            raise self.fail(f"{where}{key}", f"{text!r} is not GROUP-CARC or GROUP-CARC:RARC")
        return AdjustmentCode(_GROUPS[match[1]], match[2], match[3] or "")

    def status(self, data: Mapping[str, Any], key: str, where: str) -> StatusCode:
        text = self.text(data, key, where).upper()
        match = _STATUS.match(text)
        if match is None:
            raise self.fail(f"{where}{key}", f"{text!r} is not CATEGORY:STATUS such as A7:164")
        return StatusCode(match[1], match[2])

    def address(self, data: Mapping[str, Any], key: str, where: str) -> Address:
        body = self.table(data, key, where)
        inner = f"{where}{key}."
        return Address(
            line1=self.text(body, "line1", inner),
            city=self.text(body, "city", inner),
            state=self.text(body, "state", inner),
            postal_code=self.text(body, "postal_code", inner),
        )

    def plan(self, data: Mapping[str, Any], where: str) -> PlanBenefits:
        tiers: dict[NetworkTier, TierBenefits] = {}
        for key, body in data.items():
            tier = _TIER_KEYS.get(key)
            if tier is None:
                known = ", ".join(_TIER_KEYS)
                raise self.fail(f"{where}{key}", f"unknown tier; known: {known}")
            if not isinstance(body, dict):
                raise self.fail(f"{where}{key}", "a table is required")
            inner = f"{where}{key}."
            maximum = (
                self.money(body, "out_of_pocket_max", inner)
                if "out_of_pocket_max" in body
                else None
            )
            tiers[tier] = TierBenefits(
                copay=self.money(body, "copay", inner),
                coinsurance=self.fraction(body, "coinsurance", inner),
                deductible=self.money(body, "deductible", inner),
                out_of_pocket_max=maximum,
            )
        if not tiers:
            raise self.fail(where.rstrip("."), "a plan needs at least one tier")
        return PlanBenefits(MappingProxyType(tiers))

    def payer(self, payer_id: str, body: Mapping[str, Any], where: str) -> PayerPolicy:
        adjustments = self.table(body, "adjustments", where)
        inner = f"{where}adjustments."
        raw_plans = self.table(body, "plans", where)
        plans = {
            name: self.plan(self.table(raw_plans, name, f"{where}plans."), f"{where}plans.{name}.")
            for name in raw_plans
        }
        tax_id = body.get("tax_id", derived_tax_id(payer_id))
        if not isinstance(tax_id, str) or not re.fullmatch(r"[0-9]{9}", tax_id):
            raise self.fail(f"{where}tax_id", "nine digits are required")
        method = self.text(body, "secondary_method", where)
        try:
            secondary = SecondaryMethod(method)
        except ValueError as exc:
            known = ", ".join(m.value for m in SecondaryMethod)
            raise self.fail(f"{where}secondary_method", f"{method!r}; known: {known}") from exc
        return PayerPolicy(
            payer_id=payer_id,
            tax_id=tax_id,
            address=self.address(body, "address", where),
            phone=self.text(body, "phone", where),
            remit_lag_days=self.integer(body, "remit_lag_days", where),
            prompt_pay_days=self.integer(body, "prompt_pay_days", where),
            annual_interest_rate=self.fraction(body, "annual_interest_rate", where),
            pend_rate=self.fraction(body, "pend_rate", where),
            pend_days=self.integer(body, "pend_days", where),
            no_rate_share=self.fraction(body, "no_rate_share", where),
            medical_necessity_rate=self.fraction(body, "medical_necessity_rate", where),
            non_covered_rate=self.fraction(body, "non_covered_rate", where),
            recoupment_rate=self.fraction(body, "recoupment_rate", where),
            recoupment_after_days=self.integer(body, "recoupment_after_days", where),
            minimum_subscriber_age=self.integer(body, "minimum_subscriber_age", where),
            authorization_codes=self.codes(body, "authorization_codes", where),
            secondary_method=secondary,
            adjustments=Adjustments(
                **{
                    name: self.adjustment(adjustments, name, inner)
                    for name in Adjustments.__dataclass_fields__
                }
            ),
            plans=MappingProxyType(plans),
        )


def _merged(defaults: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """The defaults with the payer's keys on top; the adjustments table merges key by key."""
    merged = {**defaults, **override}
    merged["adjustments"] = {
        **defaults.get("adjustments", {}),
        **override.get("adjustments", {}),
    }
    merged["plans"] = dict(override.get("plans", {}))
    return merged


def parse_policy(text: str, source: str = "policy.toml") -> SimPolicy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: not valid TOML: {exc}") from exc
    read = _Reader(source)
    seed = data.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise read.fail("seed", "a whole number is required")
    house = read.table(data, "clearinghouse", "")
    rejections = read.table(data, "rejections", "")
    defaults = read.table(data, "defaults", "")
    if "plans" in defaults:
        raise read.fail("defaults.plans", "plans belong to a payer; [benefits] is the default")
    # The defaults first, so that a mistake in them is named where it is written.
    default_payer = read.payer("", _merged(defaults, {}), "defaults.")
    raw_payers = read.table(data, "payers", "")
    payers = {
        payer_id: read.payer(
            payer_id,
            _merged(defaults, read.table(raw_payers, payer_id, "payers.")),
            f"payers.{payer_id}.",
        )
        for payer_id in raw_payers
    }
    raw_ncci = data.get("ncci", [])
    if not isinstance(raw_ncci, list):
        raise read.fail("ncci", "a list of [[ncci]] tables is required")
    ncci = []
    for number, body in enumerate(raw_ncci, start=1):
        where = f"ncci[{number}]."
        if not isinstance(body, dict):
            raise read.fail(f"ncci[{number}]", "a table is required")
        ncci.append(
            NcciEdit(
                read.codes(body, "column1", where),
                read.codes(body, "column2", where),
                read.codes(body, "modifiers", where),
            )
        )
    return SimPolicy(
        seed=seed,
        clearinghouse_id=read.text(house, "id", "clearinghouse."),
        clearinghouse_name=read.text(house, "name", "clearinghouse."),
        rejections=Rejections(
            **{
                name: read.status(rejections, name, "rejections.")
                for name in Rejections.__dataclass_fields__
            }
        ),
        defaults=default_payer,
        payers=MappingProxyType(payers),
        ncci=tuple(ncci),
        benefits=read.plan(read.table(data, "benefits", ""), "benefits."),
    )


def default_policy() -> SimPolicy:
    """The policy that ships with claimdesk."""
    text = resources.files("claimdesk.payer_sim").joinpath("policy.toml").read_text("utf-8")
    return parse_policy(text, "claimdesk/payer_sim/policy.toml")
