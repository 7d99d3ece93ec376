"""The codes the audit of issue 13 found misfiled: each case says what the payer means (X12 CARC
and RARC lists) and so where the adjustment belongs. A code the table does not know is never a
silent denial: it is held for a Tier 2 review."""

from __future__ import annotations

import pytest

from claimdesk.denials.table import shipped_table
from claimdesk.domain.work import WorkAction, WorkKind
from claimdesk.routing.policy import shipped_policy

TABLE = shipped_table()

# (group, CARC, remarks, category, counts as a denial)
CASES = [
    # CARC 23: the impact of the prior payers' adjudication, sent on a secondary's 835. It
    # restates what the primary paid and adjusted: neither a denial nor a new adjustment.
    pytest.param("OA", "23", (), "prior_payer", False, id="OA-23 prior payer, not a denial"),
    # CARC 96 needs a remark that says why the service is not covered.
    pytest.param("CO", "96", ("N130",), "non_covered", True, id="CO-96/N130 plan benefit limit"),
    pytest.param("CO", "96", ("N425",), "non_covered", True, id="CO-96/N425 statutory exclusion"),
    pytest.param(
        "CO", "96", ("N115",), "medical_necessity", True, id="CO-96/N115 LCD: medical necessity"
    ),
    pytest.param(
        "CO", "96", ("N386",), "medical_necessity", True, id="CO-96/N386 NCD: medical necessity"
    ),
    pytest.param("CO", "96", ("N20",), "bundling", True, id="CO-96/N20 paid with another service"),
    pytest.param(
        "CO", "96", ("N95",), "provider_enrollment", True, id="CO-96/N95 provider type may not bill"
    ),
    # CARC 170: denied when performed or billed by this type of provider: enrollment, not coding.
    pytest.param("CO", "170", (), "provider_enrollment", True, id="CO-170 provider type"),
    # CARC 242: not provided by a network or primary care provider: network, not authorization.
    pytest.param("CO", "242", (), "provider_enrollment", True, id="CO-242 out of network"),
    # CARC 252: the payer asks for an attachment; sending it is the fix, not a corrected claim.
    pytest.param("CO", "252", ("M127",), "documentation_requested", True, id="CO-252 attachment"),
    # W1 and P12: a workers' compensation jurisdictional fee schedule reduction, like a contract.
    pytest.param("CO", "W1", (), "contractual", False, id="CO-W1 WC fee schedule"),
    pytest.param("CO", "P12", (), "contractual", False, id="CO-P12 WC fee schedule"),
    # CARC 191 / P2: not work related; CARC 214 / P4: WC non-compensable: bill the health plan.
    pytest.param("CO", "191", (), "coordination_of_benefits", True, id="CO-191 not work related"),
    pytest.param("CO", "214", (), "coordination_of_benefits", True, id="CO-214 non-compensable"),
    pytest.param("CO", "P2", (), "coordination_of_benefits", True, id="CO-P2 not work related"),
    pytest.param("CO", "P4", (), "coordination_of_benefits", True, id="CO-P4 non-compensable"),
    # Property and casualty: fee schedules and PPO reductions are contractual ...
    pytest.param("CO", "P5", (), "contractual", False, id="CO-P5 reasonable and customary"),
    pytest.param("CO", "P23", (), "contractual", False, id="CO-P23 MPC/PIP fee schedule"),
    pytest.param("CO", "P24", (), "contractual", False, id="CO-P24 PPO reduction"),
    pytest.param("CO", "P29", (), "contractual", False, id="CO-P29 liability fee schedule"),
    # ... the rest say why they were denied.
    pytest.param("CO", "P7", (), "coding", True, id="CO-P7 code not in the fee schedule"),
    pytest.param("CO", "P14", (), "bundling", True, id="CO-P14 included in another service"),
    pytest.param("CO", "P15", (), "medical_necessity", True, id="CO-P15 treatment guideline"),
    pytest.param("CO", "P16", (), "provider_enrollment", True, id="CO-P16 not WC certified"),
    pytest.param("CO", "P17", (), "authorization", True, id="CO-P17 referral not authorized"),
    pytest.param("CO", "P21", (), "non_covered", True, id="CO-P21 MPC/PIP regulations"),
    pytest.param("CO", "P30", (), "missing_information", True, id="CO-P30 documentation"),
    # P8 (under investigation) and P11 (pending litigation): no decision yet; a person reads it.
    pytest.param("OA", "P8", (), "needs_review", False, id="OA-P8 under investigation"),
    pytest.param("OA", "P11", (), "needs_review", False, id="OA-P11 pending litigation"),
    # A code the table has no rule for.
    pytest.param("CO", "999", (), "needs_review", False, id="CO-999 unknown"),
    pytest.param("OA", "Z9", (), "needs_review", False, id="OA-Z9 unknown"),
]


@pytest.mark.parametrize(("group", "carc", "remarks", "category", "denial"), CASES)
def test_the_audited_codes_land_where_the_payer_means_them(
    group: str, carc: str, remarks: tuple[str, ...], category: str, denial: bool
) -> None:
    found = TABLE.classify(group, carc, remarks)
    assert found.category.name == category
    assert found.counts_as_denial is denial


@pytest.mark.parametrize(
    "carc", [f"P{n}" for n in range(1, 31)] + ["W1", "23", "191", "214", "170", "242", "252"]
)
def test_every_property_and_casualty_code_has_a_rule_of_its_own(carc: str) -> None:
    assert carc in TABLE.carcs


def test_an_unknown_code_is_held_for_a_tier_2_review_not_counted_as_a_denial() -> None:
    found = TABLE.classify("CO", "999")
    # The amount stays on insurance A/R as at stake (posting holds what is_denial says) ...
    assert found.is_denial
    # ... but it is counted as "needs review", never as a denial.
    assert found.needs_review
    assert not found.counts_as_denial
    assert found.action is WorkAction.CALL_PAYER
    route = shipped_policy().route(WorkKind.DENIAL, found.category.work_category)
    assert route.tier == 2


def test_a_prior_payer_amount_is_neither_held_nor_reviewed() -> None:
    found = TABLE.classify("OA", "23")
    assert not found.is_denial
    assert not found.needs_review
