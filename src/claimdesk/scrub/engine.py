"""The scrub engine: run every enabled rule on a claim; a crashing rule becomes a finding."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from claimdesk.scrub.config import PayerRules
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.findings import BillingTier, Finding, Location, Severity
from claimdesk.scrub.registry import CRASH_CODE
from claimdesk.scrub.rule import Rule

CRASH_NAME = "rule-crashed"
CRASH_FIX = (
    "Report the rule and message to the claimdesk maintainers; until it is fixed, review the "
    "claim by hand or disable the rule for this payer in scrub.toml."
)


@dataclass(frozen=True, slots=True)
class ScrubResult:
    claim_id: str
    findings: tuple[Finding, ...]

    @property
    def clean(self) -> bool:
        """No error: the claim may be submitted (warnings still deserve a look)."""
        return not any(f.blocks_submission for f in self.findings)

    def codes(self) -> list[str]:
        return [f.rule for f in self.findings]


def _order(finding: Finding) -> tuple[int, str, int]:
    line = finding.location.line
    return (finding.severity.rank, finding.rule, 0 if line is None else line)


class Scrubber:
    """Holds the rule list; ``scrub`` is safe to call for many claims in a row."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules = tuple(sorted(rules, key=lambda r: r.code))
        self._enabled: dict[frozenset[str], tuple[Rule, ...]] = {}

    @classmethod
    def default(cls) -> Scrubber:
        """Every registered rule (importing the rules package registers them)."""
        from claimdesk.scrub import rules  # noqa: F401  (registers the rule modules)
        from claimdesk.scrub.registry import REGISTRY

        return cls(REGISTRY)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self._rules

    def rule(self, code: str) -> Rule:
        return next(r for r in self._rules if r.code == code)

    def enabled(self, payer_rules: PayerRules) -> tuple[Rule, ...]:
        disabled = payer_rules.disabled
        enabled = self._enabled.get(disabled)
        if enabled is None:
            enabled = tuple(
                r for r in self._rules if r.code not in disabled and r.name not in disabled
            )
            self._enabled[disabled] = enabled
        return enabled

    def scrub(self, context: ScrubContext) -> ScrubResult:
        claim_id = context.claim.claim_id
        findings: list[Finding] = []
        for rule in self.enabled(context.payer_rules):
            try:
                for issue in rule.check(context):
                    findings.append(rule.finding(claim_id, issue))
            except Exception as exc:  # a broken rule must not abort the run
                findings.append(_crash(rule, claim_id, exc))
        findings.sort(key=_order)
        return ScrubResult(claim_id, tuple(findings))


def _crash(rule: Rule, claim_id: str, exc: Exception) -> Finding:
    return Finding(
        rule=CRASH_CODE,
        name=CRASH_NAME,
        severity=Severity.ERROR,
        tier=BillingTier.TIER_3,
        message=f"rule {rule.code} ({rule.name}) failed: {type(exc).__name__}: {exc}",
        fix=CRASH_FIX,
        location=Location(claim_id, rule.code),
    )
