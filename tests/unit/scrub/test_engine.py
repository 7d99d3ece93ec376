"""The engine: per-payer rule selection, crashing rules become findings, stable ordering."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from claimdesk.scrub import examples as ex
from claimdesk.scrub.config import PayerRules, parse_config
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.engine import CRASH_FIX, Scrubber
from claimdesk.scrub.findings import BillingTier, Severity
from claimdesk.scrub.registry import Registry
from claimdesk.scrub.rule import Issue, Rule

DEFAULT = Scrubber.default()


def _rule(code: str, name: str, check: object, severity: Severity = Severity.ERROR) -> Rule:
    return Rule(
        code,
        name,
        "test",
        severity,
        BillingTier.TIER_1,
        "checks",
        "fix it",
        "ref",
        check,  # type: ignore[arg-type]
    )


def _broken(ctx: ScrubContext) -> Iterator[Issue]:
    raise KeyError("missing-thing")
    yield Issue("unreachable", "x")  # pragma: no cover


def test_a_crashing_rule_becomes_a_finding_and_the_others_still_run(base: ScrubContext) -> None:
    bad = ex.EXAMPLES["REG003"].bad.change(base)
    scrubber = Scrubber([_rule("TST001", "always-crashes", _broken), DEFAULT.rule("REG003")])
    result = scrubber.scrub(bad)
    assert result.codes() == ["REG003", "SCR000"]
    crash = result.findings[1]
    assert crash.message == "rule TST001 (always-crashes) failed: KeyError: 'missing-thing'"
    assert crash.severity is Severity.ERROR
    assert crash.tier is BillingTier.TIER_3
    assert crash.fix == CRASH_FIX
    assert not result.clean


def test_rules_disabled_for_a_payer_do_not_run(base: ScrubContext) -> None:
    bad = ex.address(ex.coverage(base, member_id=""), line1="")
    scrubber = Scrubber.default()
    assert {"REG003", "REG006"} <= set(scrubber.scrub(bad).codes())
    config = parse_config('[payers.SHP01]\ndisabled = ["REG003", "member-id-missing"]\n')
    quiet = replace(bad, payer_rules=config.rules_for(bad.payer))
    codes = scrubber.scrub(quiet).codes()
    assert "REG003" not in codes
    assert "REG006" not in codes
    # Another payer keeps both rules.
    other = replace(bad.payer, payer_id="LMI02") if bad.payer else None
    assert {"REG003", "REG006"} <= set(
        scrubber.scrub(replace(bad, payer_rules=config.rules_for(other))).codes()
    )


def test_findings_are_ordered_errors_first_then_code_then_line(base: ScrubContext) -> None:
    ctx = ex.line(ex.line(base, 1, place_of_service="02"), 2, charge=ex.Money("0"))
    ctx = ex.line(ctx, 1, place_of_service="88")
    ctx = ex.line(ex.address(ctx, line1=""), 2, place_of_service="88")
    result = Scrubber.default().scrub(ctx)
    keys = [(f.severity.rank, f.rule, f.location.line or 0) for f in result.findings]
    assert keys == sorted(keys)
    assert result.codes() == ["COD023", "COD023", "REG003", "COD024"]
    assert [f.location.line for f in result.findings[:2]] == [1, 2]


def test_warnings_alone_leave_the_claim_clean(base: ScrubContext) -> None:
    result = Scrubber.default().scrub(replace(base, eligibility=None))
    assert result.codes() == ["COV003"]
    assert result.clean


def test_registry_refuses_a_taken_code_or_name_and_bad_shapes() -> None:
    registry = Registry()
    registry.add(_rule("TST001", "first-rule", _broken))
    with pytest.raises(ValueError, match="TST001 is already taken"):
        registry.add(_rule("TST001", "second-rule", _broken))
    with pytest.raises(ValueError, match="first-rule is already taken"):
        registry.add(_rule("TST002", "first-rule", _broken))
    with pytest.raises(ValueError, match="SCR000 is already taken"):
        registry.add(_rule("SCR000", "engine-code", _broken))
    with pytest.raises(ValueError, match="not three capitals"):
        _rule("T1", "short-code", _broken)
    with pytest.raises(ValueError, match="not kebab-case"):
        _rule("TST003", "Not_Kebab", _broken)


def test_finding_json_names_the_location(base: ScrubContext) -> None:
    finding = Scrubber.default().scrub(ex.line(base, 2, units=ex.Decimal("1.5"))).findings[0]
    assert finding.as_json() == {
        "rule": "COD020",
        "name": "fractional-units",
        "severity": "error",
        "tier": 1,
        "message": "line 2 (83036) has 1.5 units",
        "fix": DEFAULT.rule("COD020").fix,
        "claim_id": "CE1",
        "line": 2,
        "field": "units",
    }
    assert str(finding.location) == "claim CE1, line 2: units"


def test_default_payer_rules_apply_without_configuration() -> None:
    assert parse_config("").rules_for(None) == PayerRules()
