"""The payer simulator's policy: each payer's behaviour as data, read from TOML.

``policy.toml`` in this package is the default; a practice or a test may pass its own text to
:func:`parse_policy`. Errors name the source, the key and the reason, so whoever edits the file
can fix it.
"""

from __future__ import annotations

import re
import tomllib
import zlib
from collections.abc import Iterator, Mapping
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


_VISITS = ("office_visit", "specialist_visit")
_KINDS = frozenset({"preventive", *_VISITS, "diagnostic", "procedure", "drug"})
_ALLOWED_BASES = frozenset({"billed", "maximum"})


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
    """What the patient pays under one network tier of a plan; no limit when the maximum is None.

    ``copay`` is the office visit copay; the services in ``copay_services`` take a copay instead
    of the deductible and coinsurance (both, when ``copay_with_coinsurance``). Preventive
    services are free when ``preventive_free``. Out of network (no contract) the plan allows the
    billed charge or ``maximum_allowable`` of it, and the provider may bill the patient the rest
    when ``balance_billing``.
    """

    copay: Money
    coinsurance: Decimal
    deductible: Money
    out_of_pocket_max: Money | None
    specialist_copay: Money
    copay_services: frozenset[str]
    preventive_free: bool
    copay_with_coinsurance: bool
    allowed_without_contract: str  # "billed" or "maximum"
    maximum_allowable: Decimal
    balance_billing: bool


@dataclass(frozen=True, slots=True)
class ServiceList:
    """The payer's list of which codes are which kind of service (its own, read from the policy):
    code ranges as "LOW-HIGH" strings beside single codes."""

    preventive: tuple[str, ...]
    visit: tuple[str, ...]
    diagnostic: tuple[str, ...]
    drug: tuple[str, ...]
    primary_care: frozenset[str]


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
class StatusIndication:
    """A status or history diagnosis the payer accepts as the only reason for some services,
    because a national coverage determination makes the status the indication."""

    diagnosis: str  # without the dot, as the 837 carries it
    procedures: frozenset[str]


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
    services: ServiceList
    status_indications: tuple[StatusIndication, ...]

    def indicates(self, diagnosis: str, procedure: str) -> bool:
        """Whether ``diagnosis`` alone supports ``procedure`` under the payers' coverage policy."""
        code = diagnosis.replace(".", "").upper()
        return any(
            i.diagnosis == code and procedure in i.procedures for i in self.status_indications
        )

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

    def array_of_tables(
        self, data: Mapping[str, Any], key: str
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each ``[[key]]`` table with where it is written (``key[N].``)."""
        rows = data.get(key, [])
        if not isinstance(rows, list):
            raise self.fail(key, f"a list of [[{key}]] tables is required")
        for number, body in enumerate(rows, start=1):
            if not isinstance(body, dict):
                raise self.fail(f"{key}[{number}]", "a table is required")
            yield f"{key}[{number}].", body

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
            tiers[tier] = self.tier(body, tier, inner)
        if not tiers:
            raise self.fail(where.rstrip("."), "a plan needs at least one tier")
        return PlanBenefits(MappingProxyType(tiers))

    def tier(self, body: Mapping[str, Any], tier: NetworkTier, where: str) -> TierBenefits:
        """One tier's benefits; the optional keys default to a standard design: visits take the
        copay, preventive care is free in network, out of network the charge is allowed and the
        rest may be billed to the patient."""
        in_network = tier is not NetworkTier.OUT_OF_NETWORK
        copay = self.money(body, "copay", where)
        basis = body.get("allowed_without_contract", "billed")
        if basis not in _ALLOWED_BASES:
            raise self.fail(
                f"{where}allowed_without_contract", f"{basis!r}; known: billed, maximum"
            )
        services = body.get("copay_services", list(_VISITS))
        if not isinstance(services, list) or not set(services) <= _KINDS:
            raise self.fail(f"{where}copay_services", f"a list of {', '.join(sorted(_KINDS))}")
        return TierBenefits(
            copay=copay,
            coinsurance=self.fraction(body, "coinsurance", where),
            deductible=self.money(body, "deductible", where),
            out_of_pocket_max=(
                self.money(body, "out_of_pocket_max", where)
                if "out_of_pocket_max" in body
                else None
            ),
            specialist_copay=(
                self.money(body, "specialist_copay", where) if "specialist_copay" in body else copay
            ),
            copay_services=frozenset(services),
            preventive_free=self.flag(body, "preventive_free", where, in_network),
            copay_with_coinsurance=self.flag(body, "copay_with_coinsurance", where, False),
            allowed_without_contract=basis,
            maximum_allowable=(
                self.fraction(body, "maximum_allowable", where)
                if "maximum_allowable" in body
                else Decimal(1)
            ),
            balance_billing=self.flag(body, "balance_billing", where, not in_network),
        )

    def flag(self, data: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{where}{key}", "true or false is required")
        return value

    def services(self, data: Mapping[str, Any]) -> ServiceList:
        def entries(key: str) -> tuple[str, ...]:
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise self.fail(f"services.{key}", "a list of codes or LOW-HIGH ranges")
            for entry in value:
                low, _, high = entry.partition("-")
                if high and (len(low) != len(high) or low > high):
                    raise self.fail(f"services.{key}", f"{entry!r} is not a LOW-HIGH range")
            return tuple(v.strip().upper() for v in value)

        return ServiceList(
            preventive=entries("preventive"),
            visit=entries("visit"),
            diagnostic=entries("diagnostic"),
            drug=entries("drug"),
            primary_care=frozenset(entries("primary_care")),
        )

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
    ncci = [
        NcciEdit(
            read.codes(body, "column1", where),
            read.codes(body, "column2", where),
            read.codes(body, "modifiers", where),
        )
        for where, body in read.array_of_tables(data, "ncci")
    ]
    indications = [
        StatusIndication(
            read.text(body, "diagnosis", where).replace(".", "").upper(),
            read.codes(body, "procedures", where),
        )
        for where, body in read.array_of_tables(data, "status_indications")
    ]
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
        services=read.services(read.table(data, "services", "")),
        status_indications=tuple(indications),
    )


def default_policy() -> SimPolicy:
    """The policy that ships with claimdesk."""
    text = resources.files("claimdesk.payer_sim").joinpath("policy.toml").read_text("utf-8")
    return parse_policy(text, "claimdesk/payer_sim/policy.toml")
