"""The synthetic practice's plan/tier directory (``plans.csv``): readable by ``claimdesk plans
import``, covering every commercial coverage the practice can have, and stating the same plans
the simulated payers adjudicate with (the practice types in what the payers publish; each side
prices with its own code)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from claimdesk.domain.benefits import AllowedBasis, ServiceCategory
from claimdesk.domain.coverage import NetworkTier
from claimdesk.domain.money import Money
from claimdesk.payer_sim.policy import default_policy
from claimdesk.services.estimates import read_directory
from claimdesk.synth import catalog
from claimdesk.synth.plans import PLANS_FILE
from claimdesk.synth.practice import write_practice


def _write(tmp_path: Path) -> Path:
    out = tmp_path / "practice"
    write_practice(out, patients=40, encounters=60, seed=3, as_of=date(2026, 9, 30))
    return out


def test_the_directory_reads_and_names_every_plan_and_tier_of_the_coverages(
    tmp_path: Path,
) -> None:
    out = _write(tmp_path)
    tiers = read_directory(out / PLANS_FILE)
    listed = {(t.payer_id, t.plan_name, t.network_tier) for t in tiers}
    assert len(listed) == len(tiers)
    with (out / "coverages.csv").open(newline="", encoding="utf-8") as stream:
        coverages = list(csv.DictReader(stream))
    # Every coverage but Medicare's (no out-of-pocket limit: the 271 prices it) has its entry.
    for row in coverages:
        if row["payer_id"] == catalog.MEDICARE.payer_id:
            continue
        key = (row["payer_id"], row["plan_name"], NetworkTier(int(row["network_tier"])))
        assert key in listed, key
    # Each design the issue names is in the directory.
    summit = next(
        t for t in tiers if t.plan_name == "Summit PPO Gold" and t.network_tier == NetworkTier(1)
    )
    assert summit.copay == Money("25.00")
    assert summit.deductible == Money("500.00")
    assert summit.copay_services == frozenset(
        {ServiceCategory.OFFICE_VISIT, ServiceCategory.SPECIALIST_VISIT}
    )
    assert summit.design.preventive_free
    assert summit.out_of_pocket_max == Money("3000.00")
    hdhp = next(
        t
        for t in tiers
        if t.plan_name == "Lakeshore HDHP Bronze" and t.network_tier == NetworkTier(1)
    )
    assert not hdhp.copay  # office visits go to the deductible, then coinsurance
    out_of_network = [t for t in tiers if t.network_tier is NetworkTier.OUT_OF_NETWORK]
    assert {t.allowed_without_contract for t in out_of_network} == set(AllowedBasis)
    assert all(t.design.balance_billing and not t.design.preventive_free for t in out_of_network)
    prairie = [t for t in tiers if t.plan_name == "Prairie Choice PPO" and t.in_network]
    assert all(t.specialist_copay and t.specialist_copay > t.copay for t in prairie)


def test_the_directory_states_the_plans_the_simulated_payers_adjudicate_with(
    tmp_path: Path,
) -> None:
    policy = default_policy()
    tiers = read_directory(_write(tmp_path) / PLANS_FILE)
    assert tiers
    for entry in tiers:
        plan = policy.plan(entry.payer_id, entry.plan_name)
        assert entry.network_tier in plan.tiers, (entry.plan_name, entry.network_tier)
        published = plan.tiers[entry.network_tier]
        design = entry.design
        where = (entry.payer_id, entry.plan_name, int(entry.network_tier))
        assert entry.copay == published.copay, where
        assert design.specialist_copay == published.specialist_copay, where
        assert entry.coinsurance == published.coinsurance, where
        assert entry.deductible == published.deductible, where
        assert entry.out_of_pocket_max == published.out_of_pocket_max, where
        assert {c.value for c in entry.copay_services} == set(published.copay_services), where
        assert design.preventive_free == published.preventive_free, where
        assert design.copay_with_coinsurance == published.copay_with_coinsurance, where
        assert design.balance_billing == published.balance_billing, where
        assert entry.allowed_without_contract.value == published.allowed_without_contract, where
        if published.allowed_without_contract == AllowedBasis.MAXIMUM.value:
            assert entry.maximum_allowable == published.maximum_allowable, where
    # Every tier the payers list for a synthetic plan is in the directory, Medicare's aside.
    listed = {(t.payer_id, t.plan_name, t.network_tier) for t in tiers}
    for payer in catalog.PAYERS:
        if payer is catalog.MEDICARE:
            assert not any(t.payer_id == payer.payer_id for t in tiers)
            assert (
                policy.plan(payer.payer_id, payer.plans[0])
                .tiers[NetworkTier.TIER_1]
                .out_of_pocket_max
                is None
            )
            continue
        for plan_name in payer.plans:
            for tier in policy.plan(payer.payer_id, plan_name).tiers:
                assert (payer.payer_id, plan_name, tier) in listed


def test_the_directory_is_the_same_for_any_seed(tmp_path: Path) -> None:
    first = _write(tmp_path / "a") / PLANS_FILE
    second = tmp_path / "b"
    write_practice(second, patients=5, encounters=5, seed=99, as_of=date(2026, 9, 30))
    assert first.read_bytes() == (second / PLANS_FILE).read_bytes()
    assert len(first.read_text().splitlines()) > 1
