"""The simulated staff's policy, from the packaged ``policy.toml`` or a file of the user's."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from pathlib import Path
from typing import Any

from claimdesk.domain.write_offs import ReasonCode
from claimdesk.routing.access import Role

# The situations in which the simulated specialist writes a claim off, each with its reason.
WRITE_OFF_SITUATIONS = ("uncorrectable", "denial", "timely_filing", "underpayment")


class StaffPolicyError(ValueError):
    """The staff policy cannot be used; the message names the file, table and key."""


@dataclass(frozen=True, slots=True)
class Person:
    user_id: str
    name: str
    role: Role
    items_per_day: int


@dataclass(frozen=True, slots=True)
class PatientPolicy:
    """How the simulated patients pay (the ``[patients]`` table)."""

    check_in_collected_rate: Decimal
    self_pay_collected_rate: Decimal
    statement_every_days: int
    pay_full_rate: Decimal
    pay_part_rate: Decimal
    plan_rate: Decimal
    pay_after_days: tuple[int, int]
    part_share: Decimal
    plan_installments: int
    plan_every_days: int
    installment_miss_rate: Decimal


@dataclass(frozen=True, slots=True)
class StaffPolicy:
    seed: int
    tier1: Person
    tier2: Person
    tier3: Person
    release_after_days: int
    max_releases: int
    hold_write_off_after_days: int
    retro_authorization_rate: Decimal
    appeal_categories: frozenset[str]
    appeal_success_rate: Decimal
    appeal_decision_days: int
    write_off_reasons: dict[str, ReasonCode]  # per situation of WRITE_OFF_SITUATIONS
    follow_up_days: int
    write_off_approval_rate: Decimal
    patients: PatientPolicy

    @property
    def people(self) -> tuple[Person, ...]:
        return (self.tier1, self.tier2, self.tier3)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            raise StaffPolicyError(f"{self.source}: [{key}] is missing")
        return value

    def integer(self, table: dict[str, Any], where: str, key: str, minimum: int = 0) -> int:
        value = table.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise StaffPolicyError(
                f"{self.source}: {where} {key} must be a whole number of at least {minimum}"
            )
        return value

    def rate(self, table: dict[str, Any], where: str, key: str) -> Decimal:
        value = table.get(key)
        try:
            rate = Decimal(value) if isinstance(value, str) else None
        except InvalidOperation:
            rate = None
        if rate is None or not Decimal(0) <= rate <= Decimal(1):
            raise StaffPolicyError(
                f"{self.source}: {where} {key} must be a fraction between 0 and 1 as a string"
            )
        return rate

    def text(self, table: dict[str, Any], where: str, key: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise StaffPolicyError(f"{self.source}: {where} {key} must be a non-empty string")
        return value.strip()

    def reasons(self, table: dict[str, Any], where: str, key: str) -> dict[str, ReasonCode]:
        value = self.table(table, key)
        codes = {str(r) for r in ReasonCode}
        found: dict[str, ReasonCode] = {}
        for situation in WRITE_OFF_SITUATIONS:
            code = value.get(situation)
            if code not in codes:
                raise StaffPolicyError(
                    f"{self.source}: {where} {key}.{situation} must be one of "
                    f"{', '.join(sorted(codes))}"
                )
            found[situation] = ReasonCode(code)
        return found

    def patients(self, data: dict[str, Any]) -> PatientPolicy:
        table, where = self.table(data, "patients"), "[patients]"
        days = table.get("pay_after_days")
        if (
            not isinstance(days, list)
            or len(days) != 2
            or not all(isinstance(d, int) and not isinstance(d, bool) for d in days)
            or not 0 <= days[0] <= days[1]
        ):
            raise StaffPolicyError(
                f"{self.source}: {where} pay_after_days must be [FIRST, LAST] days, "
                "0 <= FIRST <= LAST"
            )
        full, part, plan = (
            self.rate(table, where, key) for key in ("pay_full_rate", "pay_part_rate", "plan_rate")
        )
        # The rest of the accounts never pay, so the three shares cannot exceed the whole.
        if full + part + plan > 1:
            raise StaffPolicyError(
                f"{self.source}: {where} pay_full_rate + pay_part_rate + plan_rate "
                "must be at most 1"
            )
        return PatientPolicy(
            check_in_collected_rate=self.rate(table, where, "check_in_collected_rate"),
            self_pay_collected_rate=self.rate(table, where, "self_pay_collected_rate"),
            statement_every_days=self.integer(table, where, "statement_every_days", 1),
            pay_full_rate=full,
            pay_part_rate=part,
            plan_rate=plan,
            pay_after_days=(days[0], days[1]),
            part_share=self.rate(table, where, "part_share"),
            plan_installments=self.integer(table, where, "plan_installments", 1),
            plan_every_days=self.integer(table, where, "plan_every_days", 1),
            installment_miss_rate=self.rate(table, where, "installment_miss_rate"),
        )

    def person(self, data: dict[str, Any], key: str, role: Role) -> Person:
        table = self.table(data, key)
        where = f"[{key}]"
        return Person(
            user_id=self.text(table, where, "user"),
            name=self.text(table, where, "name"),
            role=role,
            items_per_day=self.integer(table, where, "items_per_day"),
        )


def parse_staff_policy(text: str, source: str = "policy.toml") -> StaffPolicy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StaffPolicyError(f"{source}: not TOML: {exc}") from exc
    read = _Reader(source)
    tier1, tier2, tier3 = (read.table(data, k) for k in ("tier1", "tier2", "tier3"))
    categories = tier2.get("appeal_categories")
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise StaffPolicyError(f"{source}: [tier2] appeal_categories must be a list of names")
    seed = data.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise StaffPolicyError(f"{source}: seed must be a whole number")
    return StaffPolicy(
        seed=seed,
        tier1=read.person(data, "tier1", Role.TIER1),
        tier2=read.person(data, "tier2", Role.TIER2),
        tier3=read.person(data, "tier3", Role.MANAGER),
        release_after_days=read.integer(tier1, "[tier1]", "release_after_days"),
        max_releases=read.integer(tier1, "[tier1]", "max_releases"),
        hold_write_off_after_days=read.integer(tier1, "[tier1]", "hold_write_off_after_days"),
        retro_authorization_rate=read.rate(tier1, "[tier1]", "retro_authorization_rate"),
        appeal_categories=frozenset(categories),
        appeal_success_rate=read.rate(tier2, "[tier2]", "appeal_success_rate"),
        appeal_decision_days=read.integer(tier2, "[tier2]", "appeal_decision_days", 1),
        write_off_reasons=read.reasons(tier2, "[tier2]", "write_off_reasons"),
        follow_up_days=read.integer(tier2, "[tier2]", "follow_up_days", 1),
        write_off_approval_rate=read.rate(tier3, "[tier3]", "write_off_approval_rate"),
        patients=read.patients(data),
    )


def shipped_staff_policy() -> StaffPolicy:
    text = files("claimdesk.cycle").joinpath("policy.toml").read_text(encoding="utf-8")
    return parse_staff_policy(text, "claimdesk/cycle/policy.toml")


def load_staff_policy(path: Path | None) -> StaffPolicy:
    if path is None:
        return shipped_staff_policy()
    return parse_staff_policy(path.read_text(encoding="utf-8"), str(path))
