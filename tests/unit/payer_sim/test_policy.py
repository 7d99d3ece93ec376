"""The policy file: the shipped one reads, and a mistake is named by key and reason."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claimdesk.domain.coverage import NetworkTier
from claimdesk.domain.money import Money
from claimdesk.edi.x12.codes import AdjustmentGroup
from claimdesk.payer_sim.policy import (
    AdjustmentCode,
    PolicyError,
    default_policy,
    parse_policy,
)

from .small_world import POLICY


def test_the_shipped_policy_reads_with_per_payer_overrides() -> None:
    shipped = default_policy()
    summit = shipped.for_payer("SHP01")
    assert summit.remit_lag_days == 12
    assert summit.authorization_codes == frozenset({"20610"})
    assert summit.adjustments.authorization_missing == AdjustmentCode(
        AdjustmentGroup.CONTRACTUAL_OBLIGATION, "197", "N54"
    )
    gold = shipped.plan("SHP01", "Summit PPO Gold")
    assert gold.for_tier(NetworkTier.TIER_2).copay == Money("40.00")
    medicare = shipped.plan("MCR01", "Medicare Part B").for_tier(NetworkTier.TIER_1)
    assert medicare.out_of_pocket_max is None
    # A payer the file does not list behaves as the defaults, with a stable tax id.
    unknown = shipped.for_payer("ZZZ99")
    assert unknown.remit_lag_days == shipped.defaults.remit_lag_days
    assert unknown.tax_id == shipped.for_payer("ZZZ99").tax_id
    assert len(unknown.tax_id) == 9


def test_a_tiers_design_defaults_by_network_and_reads_its_optional_keys() -> None:
    shipped = default_policy()
    prairie = shipped.plan("PBA03", "Prairie Choice PPO")
    tier_1 = prairie.for_tier(NetworkTier.TIER_1)
    assert (tier_1.copay, tier_1.specialist_copay) == (Money("20.00"), Money("45.00"))
    assert tier_1.copay_services == frozenset({"office_visit", "specialist_visit"})
    assert (tier_1.preventive_free, tier_1.balance_billing) == (True, False)
    assert not tier_1.copay_with_coinsurance
    out = prairie.for_tier(NetworkTier.OUT_OF_NETWORK)
    assert (out.preventive_free, out.balance_billing) == (False, True)
    assert (out.allowed_without_contract, out.maximum_allowable) == ("maximum", Decimal("0.60"))
    # A tier that names no specialist copay charges the office visit copay.
    hmo = shipped.plan("SHP01", "Summit HMO Select").for_tier(NetworkTier.TIER_2)
    assert hmo.specialist_copay == hmo.copay == Money("35.00")
    assert "G0105" in shipped.services.preventive


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('bundled = "CO-97:M15"', 'bundled = "97"', "defaults.adjustments.bundled"),
        ("pend_days = 30", "pend_days = -1", "defaults.pend_days"),
        ('annual_interest_rate = "0.10"', 'annual_interest_rate = "10"', "annual_interest_rate"),
        ('invalid_npi = "A7:562"', 'invalid_npi = "562"', "rejections.invalid_npi"),
        ("tier_2]", "tier_9]", "plans.PPO Gold.tier_9"),
        (
            'allowed_without_contract = "maximum"',
            'allowed_without_contract = "usual"',
            "out_of_network.allowed_without_contract",
        ),
        ('maximum_allowable = "0.80"', "balance_billing = 1", "out_of_network.balance_billing"),
        ('visit = ["99202-99215"]', 'visit = ["99215-99202"]', "services.visit"),
    ],
)
def test_a_mistake_is_named_by_its_key(old: str, new: str, message: str) -> None:
    text = POLICY.format(
        pend_rate="0",
        medical_necessity_rate="0",
        non_covered_rate="0",
        recoupment_rate="0",
        authorization_codes="",
        secondary_method="patient_share",
    )
    assert old in text
    with pytest.raises(PolicyError, match="my.toml: .*" + message.replace(".", r"\.")):
        parse_policy(text.replace(old, new), "my.toml")
