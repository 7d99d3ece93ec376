"""A rule is a small declared unit: a stable code, a name, a severity, a tier and a check."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.findings import BillingTier, Finding, Location, Severity

RULE_CODE = re.compile(r"^[A-Z]{3}[0-9]{3}$")
RULE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Issue:
    """What a check yields: the specific problem and where it is; the rule adds the rest."""

    message: str
    field: str
    line: int | None = None


Check = Callable[[ScrubContext], Iterable[Issue]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str  # stable, never reused: three letters for the area, three digits
    name: str  # kebab-case
    area: str
    severity: Severity
    tier: BillingTier
    summary: str  # what the rule checks, one sentence
    fix: str  # the fix hint, written as an instruction
    reference: str  # the standard, guide or policy the rule enforces
    check: Check

    def __post_init__(self) -> None:
        if not RULE_CODE.match(self.code):
            raise ValueError(f"rule code {self.code!r} is not three capitals and three digits")
        if not RULE_NAME.match(self.name):
            raise ValueError(f"rule {self.code}: name {self.name!r} is not kebab-case")

    def finding(self, claim_id: str, issue: Issue) -> Finding:
        return Finding(
            rule=self.code,
            name=self.name,
            severity=self.severity,
            tier=self.tier,
            message=issue.message,
            fix=self.fix,
            location=Location(claim_id, issue.field, issue.line),
        )

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "area": self.area,
            "severity": self.severity.value,
            "tier": int(self.tier),
            "summary": self.summary,
            "fix": self.fix,
            "reference": self.reference,
        }
