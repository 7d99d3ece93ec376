"""The denial-to-prevention map and loop: the shipped map names real rules and categories; the
loop finds recurring categories, the dollars each rule would have saved, and where it runs."""

from __future__ import annotations

from datetime import date

import pytest

from claimdesk.analytics.denials import denial_lines
from claimdesk.analytics.facts import Facts, Period
from claimdesk.analytics.prevention import (
    PreventionMap,
    PreventionMapError,
    RecurringDenial,
    RuleRef,
    parse_prevention,
    prevention_table,
    recurring_denials,
    shipped_prevention,
)
from claimdesk.denials.table import ANY_GROUP, shipped_table
from claimdesk.domain.money import Money
from claimdesk.scrub.config import PayerRules
from claimdesk.scrub.engine import Scrubber

from .builders import claim, payment

MARCH = Period(date(2024, 3, 1), date(2024, 3, 31))


def rule_refs() -> dict[str, RuleRef]:
    return {
        r.code: RuleRef(r.code, r.name, r.severity.value, r.summary)
        for r in Scrubber.default().rules
    }


def test_every_rule_the_shipped_map_names_is_in_the_registry() -> None:
    plan = shipped_prevention()
    registered = {r.code for r in Scrubber.default().rules}
    assert plan.rule_codes, "the map should name rules"
    assert plan.rule_codes <= registered, sorted(plan.rule_codes - registered)


def test_the_shipped_map_covers_every_denial_category_and_only_known_codes() -> None:
    plan = shipped_prevention()
    table = shipped_table()
    denial_categories = {name for name, c in table.categories.items() if c.held}
    assert set(plan.categories) == denial_categories
    for group, carc in plan.codes:
        assert carc in table.carcs, f"CARC {carc} is not in the denial category table"
        assert table.classify(group or "CO", carc).is_denial, f"CARC {carc} is not a denial"
    for target in (*plan.categories.values(), *plan.codes.values()):
        assert target.rules or target.note


def test_the_shipped_needs_name_settings_the_rules_read() -> None:
    needs = shipped_prevention().needs
    assert needs["AUT001"] == "prior_auth_codes"
    assert needs["PAY003"] == "noncovered_codes"


def _facts() -> Facts:
    """P1: three authorization denials (CO-197) and one bundling denial (CO-97);
    P2: one authorization denial and two medical necessity denials (CO-50);
    P1: one coding denial for a diagnosis not supporting the procedure (CO-11)."""
    denials = [
        ("A1", "P1", "CO", "197", "100.00"),
        ("A2", "P1", "CO", "197", "150.00"),
        ("A3", "P1", "CO", "197", "50.00"),
        ("A4", "P2", "CO", "197", "200.00"),
        ("B1", "P1", "CO", "97", "80.00"),
        ("M1", "P2", "CO", "50", "300.00"),
        ("M2", "P2", "CO", "50", "120.00"),
        ("K1", "P1", "CO", "11", "90.00"),
    ]
    claims = tuple(
        claim(cid, (date(2024, 3, 1), "submitted"), (date(2024, 3, 10), "denied"), payer=p)
        for cid, p, _, _, _ in denials
    )
    payments = tuple(
        payment(
            n,
            cid,
            date(2024, 3, 10),
            paid="0.00",
            clp_status="4",
            charge=amount,
            denied=amount,
            adjustments=((group, carc, amount),),
        )
        for n, (cid, _, group, carc, amount) in enumerate(denials, start=1)
    )
    return Facts(claims=claims, payments=payments)


def _loop(
    payer_rules: dict[str, PayerRules] | None = None, min_claims: int | None = None
) -> tuple[RecurringDenial, ...]:
    table = shipped_table()
    return recurring_denials(
        denial_lines(_facts(), MARCH, table),
        table,
        shipped_prevention(),
        rule_refs(),
        payer_rules or {},
        min_claims=min_claims,
    )


def test_only_categories_with_enough_denied_claims_recur() -> None:
    assert [r.category for r in _loop(min_claims=3)] == ["authorization"]
    found = _loop(min_claims=2)
    assert [r.category for r in found] == ["authorization", "medical_necessity"]
    assert [r.category for r in _loop(min_claims=1)] == [
        "authorization",
        "medical_necessity",
        "coding",
        "bundling",
    ]
    assert [r.category for r in _loop()] == ["authorization"]  # the map's own threshold: 3


def test_savings_are_the_denied_dollars_the_mapped_rules_catch() -> None:
    authorization = _loop()[0]
    assert authorization.claims == ("A1", "A2", "A3", "A4")
    assert authorization.denied == Money("500.00")
    assert authorization.preventable == Money("500.00")
    assert authorization.codes == ("CO-197",)
    assert authorization.payers == ("P1", "P2")
    # CO-197 maps to AUT001 and AUT002 (not AUT003, the category's third rule).
    assert [c.rule.code for c in authorization.rules] == ["AUT001", "AUT002"]
    assert all(c.would_save == Money("500.00") for c in authorization.rules)


def test_a_cause_no_rule_can_see_saves_nothing_and_says_what_would_help() -> None:
    by_category = {r.category: r for r in _loop(min_claims=1)}
    necessity = by_category["medical_necessity"]
    assert necessity.denied == Money("420.00")
    assert necessity.preventable == Money.zero()
    assert necessity.rules == ()
    assert "medical necessity" in necessity.notes[0]
    coding = by_category["coding"]  # CO-11 is mapped to no rule, unlike the coding category
    assert coding.rules == ()
    assert "diagnoses to procedures" in coding.notes[0]
    bundling = by_category["bundling"]
    assert [c.rule.code for c in bundling.rules] == ["COD014", "NCC001", "NCC002"]


def test_rule_status_per_payer_disabled_unconfigured_or_enabled() -> None:
    found = _loop(
        {
            "P1": PayerRules(prior_auth_codes=frozenset({"20610"})),
            "P2": PayerRules(disabled=frozenset({"prior-authorization-missing", "AUT002"})),
        }
    )
    rules = {c.rule.code: c for c in found[0].rules}
    missing = rules["AUT001"]
    assert (missing.enabled_for, missing.disabled_for) == (("P1",), ("P2",))  # disabled by name
    assert missing.status == "disabled for P2; enabled for P1"
    unconfigured = _loop({"P1": PayerRules(), "P2": PayerRules()})[0].rules[0]
    assert unconfigured.rule.code == "AUT001"
    assert unconfigured.unconfigured_for == ("P1", "P2")
    assert unconfigured.status == "no prior_auth_codes for P1, P2"
    assert rules["AUT002"].status == "disabled for P2; enabled for P1"
    everywhere = _loop({p: PayerRules(prior_auth_codes=frozenset({"1"})) for p in ("P1", "P2")})
    assert everywhere[0].rules[0].status == "enabled"


def test_the_table_has_a_row_per_category_and_rule() -> None:
    found = _loop(min_claims=2)
    table = prevention_table(found, 2)
    assert table.columns[:5] == ("category", "claims", "denied", "would save", "rule")
    assert [(row[0], row[4]) for row in table.rows] == [
        ("authorization", "AUT001"),
        ("authorization", "AUT002"),
        ("medical_necessity", None),
    ]
    assert table.rows[2][9] == "no rule"
    payload = found[0].as_dict()
    assert payload["would_save"] == "500.00"
    assert payload["rules"][0]["code"] == "AUT001"


def test_a_map_naming_an_unknown_rule_is_refused() -> None:
    table = shipped_table()
    plan = PreventionMap(1, {}, {(ANY_GROUP, "197"): shipped_prevention().codes[("", "197")]}, {})
    refs = {k: v for k, v in rule_refs().items() if k != "AUT002"}
    with pytest.raises(PreventionMapError, match="unknown rule\\(s\\) AUT002"):
        recurring_denials(denial_lines(_facts(), MARCH, table), table, plan, refs, {})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[recurring]\nmin_claims = 0", "field 'min_claims': a whole number of claims"),
        (
            "[recurring]\nmin_claims = 2\n[categories.coding]\nrules = []",
            "[categories.coding], field 'note': an entry with no rule must say what would help",
        ),
        (
            '[recurring]\nmin_claims = 2\n[categories.coding]\nrules = "COD001"',
            "field 'rules': a list of scrub rule codes is required",
        ),
        (
            '[recurring]\nmin_claims = 2\n[[codes]]\nrules = ["COD001"]',
            "[[codes]] entry 1, field 'carc': a CARC string is required",
        ),
        (
            '[recurring]\nmin_claims = 2\n[needs]\nAUT001 = "auth_codes"',
            "'auth_codes' is no scrub setting",
        ),
        ("[recurring\n", "prevention.toml: not valid TOML"),
    ],
)
def test_a_bad_map_is_refused_naming_entry_and_field(text: str, message: str) -> None:
    with pytest.raises(PreventionMapError) as raised:
        parse_prevention(text)
    assert message in str(raised.value)
