"""The registry of rules: codes are unique and never reused; areas are the rule modules."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from claimdesk.scrub.findings import BillingTier, Severity
from claimdesk.scrub.rule import Check, Rule

# Codes of rules that were removed: a code is never given to another rule.
RETIRED_CODES: frozenset[str] = frozenset()
# The engine's own code for a rule that crashed (a finding, never an aborted run).
CRASH_CODE = "SCR000"


class Registry:
    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}
        self._names: set[str] = set()

    def add(self, rule: Rule) -> Rule:
        if rule.code in self._rules or rule.code in RETIRED_CODES or rule.code == CRASH_CODE:
            raise ValueError(f"rule code {rule.code} is already taken")
        if rule.name in self._names:
            raise ValueError(f"rule name {rule.name} is already taken")
        self._rules[rule.code] = rule
        self._names.add(rule.name)
        return rule

    def rule(
        self,
        code: str,
        name: str,
        severity: Severity,
        tier: BillingTier,
        *,
        summary: str,
        fix: str,
        reference: str,
    ) -> Callable[[Check], Check]:
        """Declare the decorated check as a rule; the area is the check's module name."""

        def register(check: Check) -> Check:
            area = check.__module__.rsplit(".", 1)[-1]
            self.add(Rule(code, name, area, severity, tier, summary, fix, reference, check))
            return check

        return register

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda r: r.code))

    def __len__(self) -> int:
        return len(self._rules)

    def get(self, code: str) -> Rule:
        return self._rules[code]


REGISTRY = Registry()
rule = REGISTRY.rule
