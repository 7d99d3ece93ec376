"""Every rule against its bad and its good claim (the examples docs/scrub-rules.md shows)."""

from __future__ import annotations

import pytest

from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.engine import Scrubber
from claimdesk.scrub.examples import EXAMPLES
from claimdesk.scrub.registry import REGISTRY

SCRUBBER = Scrubber.default()
CODES = [rule.code for rule in SCRUBBER.rules]


def test_there_are_at_least_forty_rules_in_every_area() -> None:
    assert len(CODES) >= 40
    assert {rule.area for rule in SCRUBBER.rules} == {
        "registration",
        "coverage",
        "coding",
        "ncci",
        "providers",
        "dates",
        "duplicates",
        "authorization",
        "payer",
    }


def test_every_rule_has_examples_and_every_example_a_rule() -> None:
    assert sorted(EXAMPLES) == sorted(CODES)


def test_the_base_claim_is_clean_under_every_rule(base: ScrubContext) -> None:
    assert SCRUBBER.scrub(base).findings == ()


@pytest.mark.parametrize("code", CODES)
def test_bad_claim_gives_the_rule_finding(code: str, base: ScrubContext) -> None:
    rule = REGISTRY.get(code)
    example = EXAMPLES[code]
    issues = list(rule.check(example.bad.change(base)))
    assert len(issues) == 1, issues
    for part in example.expect:
        assert part in issues[0].message
    findings = SCRUBBER.scrub(example.bad.change(base)).findings
    ours = [f for f in findings if f.rule == code]
    assert len(ours) == 1
    assert ours[0].severity is rule.severity
    assert ours[0].fix == rule.fix
    assert ours[0].location.claim_id == base.claim_id


@pytest.mark.parametrize("code", CODES)
def test_good_claim_gives_no_finding(code: str, base: ScrubContext) -> None:
    rule = REGISTRY.get(code)
    assert list(rule.check(EXAMPLES[code].good.change(base))) == []
