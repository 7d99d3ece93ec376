"""Patient cost estimate math, pinned to hand-computed cents (the plan cases that run against
both implementations are in test_benefit_cases.py)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from claimdesk.domain.benefits import (
    AllowedBasis,
    BenefitError,
    PlanDesign,
    ServiceCategory,
)
from claimdesk.domain.coverage import NetworkTier
from claimdesk.domain.estimate import (
    BILLED,
    CHARGE,
    CONTRACT,
    DIRECTORY,
    ELIGIBILITY,
    MAXIMUM,
    NONE,
    Benefits,
    EstimateError,
    LineCharge,
    PlanTier,
    ReportedCostShare,
    estimate,
    line_allowed,
    out_of_network_allowed,
    resolve_benefits,
)
from claimdesk.domain.money import Money

VISIT, PROCEDURE = ServiceCategory.OFFICE_VISIT, ServiceCategory.PROCEDURE


def charge(
    number: int, allowed: str, code: str = "99213", category: ServiceCategory = VISIT
) -> LineCharge:
    return LineCharge(number, code, Money("150.00"), Money(allowed), CONTRACT, category)


def benefits(
    copay: str = "0",
    coinsurance: str = "0",
    deductible: str = "0",
    cap: str | None = None,
    *,
    stacked: bool = False,
) -> Benefits:
    design = PlanDesign(
        Money(copay), Money(copay), Decimal(coinsurance), copay_with_coinsurance=stacked
    )
    return Benefits(design, Money(deductible), None if cap is None else Money(cap))


def test_a_plan_that_stacks_takes_deductible_then_copay_then_coinsurance() -> None:
    # Line 1 (the visit): deductible 40.00; 52.50 left; copay 25.00; 27.50 x 20% = 5.50 ->
    # 70.50. Line 2 (an injection, no copay): deductible met; 40.00 x 20% = 8.00.
    result = estimate(
        [charge(2, "40.00", "96372", PROCEDURE), charge(1, "92.50")],
        benefits("25.00", "0.2", "40.00", "2100.50", stacked=True),
    )
    first, second = result.lines
    assert (first.copay, first.deductible, first.coinsurance) == (
        Money("25.00"),
        Money("40.00"),
        Money("5.50"),
    )
    assert (first.patient, first.insurer) == (Money("70.50"), Money("22.00"))
    assert (second.copay, second.deductible, second.coinsurance) == (
        Money(0),
        Money(0),
        Money("8.00"),
    )
    assert (second.patient, second.insurer) == (Money("8.00"), Money("32.00"))
    assert (result.allowed, result.patient, result.insurer) == (
        Money("132.50"),
        Money("78.50"),
        Money("54.00"),
    )


def test_coinsurance_rounds_half_up_to_the_cent() -> None:
    # 9.96 x 12.5% = 1.245: half up gives 1.25 (half even would give 1.24).
    nine = charge(1, "9.96", "85025", PROCEDURE)
    assert estimate([nine], benefits(coinsurance="0.125")).patient == Money("1.25")
    # 33.33 x 15% = 4.9995 -> 5.00.
    [line] = estimate([charge(1, "33.33", "85025", PROCEDURE)], benefits(coinsurance="0.15")).lines
    assert (line.patient, line.insurer) == (Money("5.00"), Money("28.33"))


def test_out_of_pocket_cap_trims_the_share_and_the_plan_pays_the_rest() -> None:
    result = estimate(
        [charge(1, "300.00", "20610", PROCEDURE), charge(2, "50.00", "20610", PROCEDURE)],
        benefits(coinsurance="0.2", deductible="500.00", cap="100.00"),
    )
    first, second = result.lines
    # 300.00 all to the deductible, capped at the 100.00 still open.
    assert (first.deductible, first.coinsurance, first.patient) == (
        Money("100.00"),
        Money(0),
        Money("100.00"),
    )
    assert first.insurer == Money("200.00")
    assert (second.patient, second.insurer) == (Money(0), Money("50.00"))


def test_the_visit_copay_spreads_over_lines_smaller_than_it() -> None:
    # Two visit lines of 20.00 and 50.00: the 30.00 copay once per visit, 20.00 + 10.00.
    result = estimate([charge(1, "20.00"), charge(2, "50.00")], benefits(copay="30.00"))
    assert [e.copay for e in result.lines] == [Money("20.00"), Money("10.00")]
    assert result.patient == Money("30.00")
    assert result.insurer == Money("40.00")


def test_line_allowed_is_rate_times_units_rounded_or_the_charge() -> None:
    assert line_allowed(Money("92.50"), Decimal("1.5"), Money("150")) == (
        Money("138.75"),
        CONTRACT,
    )
    assert line_allowed(Money("33.33"), Decimal("1.5"), Money("150")) == (Money("50.00"), CONTRACT)
    assert line_allowed(None, Decimal(2), Money("80.00")) == (Money("80.00"), CHARGE)


def test_out_of_network_allows_the_billed_charge_or_the_plans_maximum() -> None:
    billed = PlanTier(
        "ACME", "PPO", NetworkTier.OUT_OF_NETWORK, Money(0), Decimal("0.5"), Money(0), Money(0)
    )
    assert out_of_network_allowed(billed, Money("300.00")) == (Money("300.00"), BILLED)
    assert out_of_network_allowed(None, Money("300.00")) == (Money("300.00"), BILLED)
    # 62.5% of 99.99 = 62.49375 -> 62.49.
    maximum = replace(
        billed, allowed_without_contract=AllowedBasis.MAXIMUM, maximum_allowable=Decimal("0.625")
    )
    assert out_of_network_allowed(maximum, Money("99.99")) == (Money("62.49"), MAXIMUM)


def test_the_directorys_defaults_follow_the_network() -> None:
    in_network = TIER_2.design
    assert (in_network.preventive_free, in_network.balance_billing) == (True, False)
    out = replace(TIER_2, network_tier=NetworkTier.OUT_OF_NETWORK).design
    assert (out.preventive_free, out.balance_billing) == (False, True)
    assert in_network.benefit(ServiceCategory.PREVENTIVE).describe() == "no cost sharing"
    assert out.benefit(ServiceCategory.PREVENTIVE).describe() == (
        "deductible, then 30% coinsurance"
    )
    assert in_network.benefit(VISIT).describe() == "copay 40.00"
    assert in_network.benefit(ServiceCategory.DIAGNOSTIC).describe() == (
        "deductible, then 30% coinsurance"
    )


def test_without_a_directory_entry_the_271_makes_a_standard_design() -> None:
    reported = ReportedCostShare(copay=Money("20.00"), coinsurance=Decimal("0.2"))
    design = resolve_benefits(None, reported).design
    assert design.benefit(VISIT).describe() == "copay 20.00"
    assert design.benefit(ServiceCategory.PREVENTIVE).describe() == "no cost sharing"
    out = resolve_benefits(None, reported, in_network=False).design
    assert (out.preventive_free, out.balance_billing) == (False, True)


TIER_2 = PlanTier(
    "ACME",
    "Acme PPO",
    NetworkTier.TIER_2,
    Money("40.00"),
    Decimal("0.3"),
    Money("1000"),
    Money("5000"),
)


def test_directory_gives_copay_and_coinsurance_the_271_what_remains() -> None:
    reported = ReportedCostShare(
        copay=Money("25.00"),
        coinsurance=Decimal("0.2"),
        deductible=Money("1500"),
        deductible_remaining=Money("40.00"),
        out_of_pocket_remaining=Money("2100.50"),
    )
    resolved = resolve_benefits(TIER_2, reported)
    assert (resolved.copay, resolved.coinsurance) == (Money("40.00"), Decimal("0.3"))
    assert resolved.deductible_remaining == Money("40.00")
    assert resolved.out_of_pocket_remaining == Money("2100.50")
    assert dict(resolved.sources) == {
        "copay": DIRECTORY,
        "coinsurance": DIRECTORY,
        "deductible_remaining": ELIGIBILITY,
        "out_of_pocket_remaining": ELIGIBILITY,
    }


def test_without_a_271_the_directory_assumes_nothing_met_and_without_either_nothing_owed() -> None:
    resolved = resolve_benefits(TIER_2, None)
    assert resolved.deductible_remaining == Money("1000.00")
    assert resolved.out_of_pocket_remaining == Money("5000.00")
    empty = resolve_benefits(None, None)
    assert (empty.copay, empty.coinsurance, empty.deductible_remaining) == (
        Money(0),
        Decimal(0),
        Money(0),
    )
    assert empty.out_of_pocket_remaining is None
    assert dict(empty.sources)["copay"] == NONE


def test_impossible_benefits_are_refused_with_the_field() -> None:
    with pytest.raises(EstimateError, match=r"coinsurance 1\.5 is not a fraction"):
        PlanTier("ACME", "PPO", NetworkTier.TIER_1, Money(0), Decimal("1.5"), Money(0), Money(0))
    with pytest.raises(BenefitError, match=r"copay -1\.00 cannot be negative"):
        benefits(copay="-1.00")
