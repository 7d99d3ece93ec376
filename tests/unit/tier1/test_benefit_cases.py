"""Hand-computed benefit cases, each run against BOTH implementations of the plan's rules:
claimdesk's estimate (``domain.estimate``, the practice's prediction) and the payer simulator's
pricing (``payer_sim.pricing``, the payer's adjudication). They are written apart, so the
estimate-accuracy KPI compares two implementations; here both must give the cents worked out on
paper from the plan's summary of benefits.

Each case says the plan, the services and the arithmetic. Plans (per year, in network tier 1
unless the case says otherwise):

- PPO: office visit copay 25, specialist copay 50, 20% coinsurance, deductible 1000, out-of-pocket
  maximum 5000; copay services take no deductible; preventive care free (ACA).
- HDHP: no copay, 20% coinsurance, deductible 3500, out-of-pocket maximum 7000 (an HSA plan:
  preventive care is still free, IRS Notice 2004-23; everything else meets the deductible).
- OON: out of network, no copay, 50% coinsurance, deductible 2000 (met unless said), maximum
  12000; no contract, so the plan allows the billed charge or its maximum allowable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

import pytest

from claimdesk.domain.benefits import VISITS, AllowedBasis, ServiceCategory, shipped_catalog
from claimdesk.domain.coverage import NetworkTier
from claimdesk.domain.estimate import (
    LineCharge,
    PlanTier,
    ReportedCostShare,
    estimate,
    line_allowed,
    out_of_network_allowed,
    resolve_benefits,
)
from claimdesk.domain.money import Money
from claimdesk.payer_sim.policy import TierBenefits, default_policy
from claimdesk.payer_sim.pricing import ClaimPricer, LineToPrice, kind_of
from claimdesk.payer_sim.state import Accumulator

FAMILY_MEDICINE = "207Q00000X"
CARDIOLOGY = "207RC0000X"


@dataclass(frozen=True)
class Plan:
    tier: NetworkTier = NetworkTier.TIER_1
    copay: str = "25.00"
    specialist_copay: str = "50.00"
    coinsurance: str = "0.20"
    deductible: str = "1000.00"
    out_of_pocket_max: str = "5000.00"
    copay_with_coinsurance: bool = False
    allowed_without_contract: AllowedBasis = AllowedBasis.BILLED
    maximum_allowable: str = "1"
    balance_billing: bool | None = None  # None: out of network only


PPO = Plan()
HDHP = Plan(
    copay="0.00", specialist_copay="0.00", deductible="3500.00", out_of_pocket_max="7000.00"
)
OON = Plan(
    tier=NetworkTier.OUT_OF_NETWORK,
    copay="0.00",
    specialist_copay="0.00",
    coinsurance="0.50",
    deductible="2000.00",
    out_of_pocket_max="12000.00",
)


@dataclass(frozen=True)
class Service:
    code: str
    charge: str
    rate: str | None  # the contract's allowed amount; None: no contract
    taxonomy: str = FAMILY_MEDICINE  # the rendering provider's


@dataclass(frozen=True)
class Case:
    id: str
    plan: Plan
    services: tuple[Service, ...]
    patient: tuple[str, ...]  # what the patient owes per line, worked out by hand
    deductible_met: str = "0.00"
    out_of_pocket_met: str = "0.00"
    parts: tuple[tuple[str, str, str, str], ...] = field(default=())  # (ded, copay, coins, bal)


CASES = (
    # The audit's case: a PPO office visit (99213, 120.00 allowed) with none of the deductible
    # met. The visit takes the 25.00 copay and nothing else (stacking gave 25 + 95 = 120.00).
    Case("ppo-office-visit-copay-only", PPO, (Service("99213", "150.00", "120.00"),), ("25.00",)),
    # The audit's case: an adult preventive visit (99396, 150.00 allowed) is free in network
    # under ACA (45 CFR 147.130), deductible or not (stacking gave 150.00 to the deductible).
    Case("aca-preventive-visit-free", PPO, (Service("99396", "240.00", "150.00"),), ("0.00",)),
    # Arthrocentesis (20610, a procedure) allowed 1200.00, nothing met: the deductible takes
    # 1000.00, then 20% of the 200.00 left = 40.00; patient 1040.00.
    Case(
        "deductible-not-met-then-coinsurance",
        PPO,
        (Service("20610", "1500.00", "1200.00"),),
        ("1040.00",),
        parts=(("1000.00", "0.00", "40.00", "0.00"),),
    ),
    # A metabolic panel (80053, lab) allowed 100.00 with 950.00 of the deductible met: 50.00
    # to the deductible, then 20% of 50.00 = 10.00; patient 60.00.
    Case(
        "deductible-partly-met",
        PPO,
        (Service("80053", "200.00", "100.00"),),
        ("60.00",),
        deductible_met="950.00",
        parts=(("50.00", "0.00", "10.00", "0.00"),),
    ),
    # The audit's case: copay 30, 20% coinsurance, a visit allowed 100.00, deductible met. The
    # plan takes the copay instead of coinsurance: 30.00 (stacking gave 30 + 20% of 70 = 44.00).
    Case(
        "copay-and-coinsurance-not-stacked",
        replace(PPO, copay="30.00"),
        (Service("99214", "180.00", "100.00"),),
        ("30.00",),
        deductible_met="1000.00",
    ),
    # The same visit under a plan whose summary says coinsurance applies after the copay: the
    # deductible (met), the copay 30.00, then 20% of the 70.00 left = 14.00; patient 44.00.
    Case(
        "copay-with-coinsurance-when-the-plan-says-so",
        replace(PPO, copay="30.00", copay_with_coinsurance=True),
        (Service("99214", "180.00", "100.00"),),
        ("44.00",),
        deductible_met="1000.00",
        parts=(("0.00", "30.00", "14.00", "0.00"),),
    ),
    # Deductible met, 4990.00 of the 5000.00 maximum met: the venipuncture (36415, 10.00) owes
    # 20% = 2.00 (8.00 of room left); the arthrocentesis's 20% of 1200.00 = 240.00 is cut to
    # the 8.00 left. The plan pays the rest.
    Case(
        "out-of-pocket-maximum-reached-mid-visit",
        PPO,
        (Service("36415", "20.00", "10.00"), Service("20610", "1500.00", "1200.00")),
        ("2.00", "8.00"),
        deductible_met="1000.00",
        out_of_pocket_met="4990.00",
    ),
    # The maximum was met earlier in the year: not even the copay is owed.
    Case(
        "out-of-pocket-maximum-already-met",
        PPO,
        (Service("99213", "150.00", "120.00"), Service("80053", "200.00", "100.00")),
        ("0.00", "0.00"),
        deductible_met="1000.00",
        out_of_pocket_met="5000.00",
    ),
    # Out of network, no contract, the plan allows 60% of the billed charge: 300.00 -> 180.00;
    # deductible met; 50% of 180.00 = 90.00; the provider may bill the 120.00 above the allowed
    # amount: patient 210.00 (a contract rate would not apply to this plan at all).
    Case(
        "out-of-network-maximum-allowable-and-balance-bill",
        replace(OON, allowed_without_contract=AllowedBasis.MAXIMUM, maximum_allowable="0.60"),
        (Service("20610", "300.00", "1200.00"),),
        ("210.00",),
        deductible_met="2000.00",
        parts=(("0.00", "0.00", "90.00", "120.00"),),
    ),
    # Out of network where the plan allows the billed charge: 300.00 allowed, nothing above it
    # to bill; 50% = 150.00.
    Case(
        "out-of-network-billed-charge",
        OON,
        (Service("20610", "300.00", None),),
        ("150.00",),
        deductible_met="2000.00",
    ),
    # Out of network with balance billing barred (No Surprises Act, or a state law): the same
    # 180.00 maximum allowable, 50% = 90.00 and no more.
    Case(
        "out-of-network-no-balance-billing",
        replace(
            OON,
            allowed_without_contract=AllowedBasis.MAXIMUM,
            maximum_allowable="0.60",
            balance_billing=False,
        ),
        (Service("20610", "300.00", None),),
        ("90.00",),
        deductible_met="2000.00",
    ),
    # Network tier 2 costs more: copay 40, 30% coinsurance (deductible 1500 met). The visit (120)
    # takes 40.00; the lab (100) 30% = 30.00; patient 70.00 (tier 1 would be 25 + 20 = 45).
    Case(
        "network-tier-2-higher-cost-sharing",
        replace(
            PPO, tier=NetworkTier.TIER_2, copay="40.00", coinsurance="0.30", deductible="1500.00"
        ),
        (Service("99213", "150.00", "120.00"), Service("80053", "200.00", "100.00")),
        ("40.00", "30.00"),
        deductible_met="1500.00",
    ),
    # One visit, four lines, deductible met: the visit's copay 25.00 once; a second visit line
    # (99211) owes no second copay; the venipuncture 20% of 10.00 = 2.00; the drug (J1100)
    # 20% of 2.50 = 0.50. Patient 27.50.
    Case(
        "multiple-lines-copay-once-per-visit",
        PPO,
        (
            Service("99213", "150.00", "120.00"),
            Service("99211", "40.00", "25.00"),
            Service("36415", "20.00", "10.00"),
            Service("J1100", "8.00", "2.50"),
        ),
        ("25.00", "0.00", "2.00", "0.50"),
        deductible_met="1000.00",
    ),
    # A preventive visit and a problem visit the same day (99213 with modifier 25): the
    # preventive part is free; the problem visit has its cost sharing, the 25.00 copay.
    Case(
        "preventive-plus-problem-visit-modifier-25",
        PPO,
        (Service("99396", "240.00", "150.00"), Service("99213", "150.00", "120.00")),
        ("0.00", "25.00"),
    ),
    # HSA-qualified high-deductible plan: the preventive visit is free; the office visit has no
    # copay and goes to the deductible in full (120.00 of the 3500.00).
    Case(
        "hdhp-preventive-free-office-visit-to-deductible",
        HDHP,
        (Service("99396", "240.00", "150.00"), Service("99213", "150.00", "120.00")),
        ("0.00", "120.00"),
        parts=(("0.00", "0.00", "0.00", "0.00"), ("120.00", "0.00", "0.00", "0.00")),
    ),
    # A zero-charge line (99024, post-operative visit in a global period) owes nothing and does
    # not use up the visit's copay: the office visit after it still owes 25.00.
    Case(
        "zero-charge-line",
        PPO,
        (Service("99024", "0.00", "0.00"), Service("99213", "150.00", "120.00")),
        ("0.00", "25.00"),
    ),
    # Coinsurance rounds half up to the cent: 12.5% of 9.96 = 1.245 -> 1.25 (half even would
    # give 1.24); 12.5% of 33.33 = 4.16625 -> 4.17.
    Case(
        "coinsurance-rounding-to-the-cent",
        replace(PPO, coinsurance="0.125"),
        (Service("36415", "20.00", "9.96"), Service("80053", "60.00", "33.33")),
        ("1.25", "4.17"),
        deductible_met="1000.00",
    ),
    # A cardiologist's office visit is a specialist visit: the 50.00 specialist copay.
    Case(
        "specialist-visit-copay",
        PPO,
        (Service("99214", "220.00", "160.00", CARDIOLOGY),),
        ("50.00",),
    ),
    # A flu shot and its administration (90686, 90471; ACIP) are preventive: free in network.
    Case(
        "acip-immunization-free",
        PPO,
        (Service("90686", "45.00", "20.00"), Service("90471", "35.00", "25.00")),
        ("0.00", "0.00"),
    ),
    # Out of network preventive care is not free (ACA requires it in network only): the
    # screening mammogram (77067) at the billed 200.00 goes to the deductible (150.00 left),
    # then 50% of 50.00 = 25.00; patient 175.00.
    Case(
        "out-of-network-preventive-is-cost-shared",
        OON,
        (Service("77067", "200.00", None),),
        ("175.00",),
        deductible_met="1850.00",
    ),
)

CATALOG = shipped_catalog()
SERVICES = default_policy().services

Split = tuple[Money, Money, Money, Money, Money]  # deductible, copay, coinsurance, balance, patient


def by_estimate(case: Case) -> list[Split]:
    """claimdesk's estimate, with the 271's remaining figures as the year's accumulators."""
    p = case.plan
    tier = PlanTier(
        "P1",
        "Plan",
        p.tier,
        Money(p.copay),
        Decimal(p.coinsurance),
        Money(p.deductible),
        Money(p.out_of_pocket_max),
        specialist_copay=Money(p.specialist_copay),
        copay_services=VISITS,
        copay_with_coinsurance=p.copay_with_coinsurance,
        allowed_without_contract=p.allowed_without_contract,
        maximum_allowable=Decimal(p.maximum_allowable),
        balance_billing=p.balance_billing,
    )
    reported = ReportedCostShare(
        deductible_remaining=max(Money(p.deductible) - Money(case.deductible_met), Money(0)),
        out_of_pocket_remaining=Money(p.out_of_pocket_max) - Money(case.out_of_pocket_met),
    )
    benefits = resolve_benefits(tier, reported, in_network=tier.in_network)
    lines = []
    for number, service in enumerate(case.services, start=1):
        charge = Money(service.charge)
        if tier.in_network:
            rate = None if service.rate is None else Money(service.rate)
            allowed, basis = line_allowed(rate, Decimal(1), charge)
        else:
            allowed, basis = out_of_network_allowed(tier, charge)
        category = CATALOG.category_of(service.code, service.taxonomy)
        lines.append(LineCharge(number, service.code, charge, allowed, basis, category))
    result = estimate(lines, benefits)
    return [(e.deductible, e.copay, e.coinsurance, e.balance, e.patient) for e in result.lines]


def by_payer(case: Case) -> list[Split]:
    """The payer simulator's pricing against the member's accumulator; in network a line with
    no contract rate is allowed at its charge (no-rate share 1), as the estimate does."""
    p = case.plan
    in_network = p.tier is not NetworkTier.OUT_OF_NETWORK
    benefits = TierBenefits(
        copay=Money(p.copay),
        coinsurance=Decimal(p.coinsurance),
        deductible=Money(p.deductible),
        out_of_pocket_max=Money(p.out_of_pocket_max),
        specialist_copay=Money(p.specialist_copay),
        copay_services=frozenset({"office_visit", "specialist_visit"}),
        preventive_free=in_network,
        copay_with_coinsurance=p.copay_with_coinsurance,
        allowed_without_contract=p.allowed_without_contract.value,
        maximum_allowable=Decimal(p.maximum_allowable),
        balance_billing=(not in_network) if p.balance_billing is None else p.balance_billing,
    )
    accumulator = Accumulator(Money(case.deductible_met), Money(case.out_of_pocket_met))
    pricer = ClaimPricer(
        benefits, SERVICES, accumulator, in_network=in_network, no_rate_share=Decimal(1)
    )
    priced = pricer.price(
        LineToPrice(
            number,
            s.code,
            Money(s.charge),
            None if s.rate is None else Money(s.rate),
            s.taxonomy,
        )
        for number, s in enumerate(case.services, start=1)
    )
    return [
        (
            line.deductible,
            line.copay,
            line.coinsurance,
            line.balance,
            line.cost_share + line.balance,
        )
        for line in priced
    ]


@pytest.mark.parametrize("implementation", [by_estimate, by_payer], ids=["estimate", "payer"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_patient_owes_what_the_plan_says(case: Case, implementation: object) -> None:
    assert callable(implementation)
    splits: list[Split] = implementation(case)
    assert [str(s[4]) for s in splits] == list(case.patient)
    if case.parts:
        assert [tuple(str(x) for x in s[:4]) for s in splits] == list(case.parts)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_both_implementations_split_the_share_alike(case: Case) -> None:
    assert by_estimate(case) == by_payer(case)


def test_at_least_fifteen_hand_computed_cases() -> None:
    assert len(CASES) >= 15
    assert len({c.id for c in CASES}) == len(CASES)


def _kind(category: ServiceCategory) -> str:
    return category.value


def test_the_payers_service_list_agrees_with_the_practices_catalog() -> None:
    """The demo's estimate accuracy should measure pricing, not two lists drifting apart."""
    codes = (
        [f"{n}" for n in range(99202, 99216)]
        + [f"{n}" for n in range(99381, 99398)]
        + ["G0402", "G0438", "G0439", "G0105", "G0121", "77067", "71271", "G0442", "G0443"]
        + ["G0444", "99406", "99407", "90471", "90472", "90686", "90715", "36415", "81002"]
        + ["85025", "80053", "80061", "83036", "87880", "87804", "93000", "71046", "73610"]
        + ["72100", "96372", "94640", "97110", "20610", "J1100", "J3301", "99024", "0001U"]
    )
    for code in codes:
        for taxonomy in (FAMILY_MEDICINE, CARDIOLOGY, "261QP2300X", ""):
            practice = _kind(CATALOG.category_of(code, taxonomy))
            assert kind_of(SERVICES, code, taxonomy) == practice, (code, taxonomy)
