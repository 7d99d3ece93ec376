"""What a rule reports: findings are data (code, severity, tier, message, fix hint, location)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Severity(StrEnum):
    ERROR = "error"  # blocks submission: the claim is held
    WARNING = "warning"  # needs a person to look before submission
    INFO = "info"  # worth knowing; never stops a claim

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class BillingTier(IntEnum):
    """Who fixes a finding: the billing team's tier (not an insurance network tier)."""

    TIER_1 = 1  # front line: registration, charge entry, eligibility
    TIER_2 = 2  # senior billers: coding judgment, bundling, filing limits
    TIER_3 = 3  # managers: payer configuration and policy


@dataclass(frozen=True, slots=True)
class Location:
    """Where on the claim: ``line`` is the service line number, ``field`` the claim field."""

    claim_id: str
    field: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"claim {self.claim_id}"
        if self.line is not None:
            where += f", line {self.line}"
        return f"{where}: {self.field}"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str  # the rule's stable code, e.g. COD012
    name: str  # the rule's kebab-case name
    severity: Severity
    tier: BillingTier
    message: str
    fix: str
    location: Location

    @property
    def blocks_submission(self) -> bool:
        return self.severity is Severity.ERROR

    def as_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.value,
            "tier": int(self.tier),
            "message": self.message,
            "fix": self.fix,
            "claim_id": self.location.claim_id,
            "line": self.location.line,
            "field": self.location.field,
        }
