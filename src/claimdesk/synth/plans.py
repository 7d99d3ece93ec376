"""The synthetic practice's plan/tier directory: the benefits of its payers' plans, per network
tier, as the billing office keeps them from each plan's summary of benefits and coverage.

Written as ``plans.csv`` beside the bundle, in the layout ``claimdesk plans import`` reads
(``services/estimates.py``, docs/estimates.md). The figures are the plans the simulated payers
adjudicate with (``payer_sim/policy.toml``): a practice types in what the payers publish, while
each side prices with its own code, so the estimate-accuracy KPI measures pricing and timing,
not a typo. A test keeps the two in step.

Original Medicare Part B has no out-of-pocket limit, which a directory row cannot say (its
``out_of_pocket_max`` is required), so Medicare is left out: its estimates take the 271's
figures (copay 0, 20 percent coinsurance, the deductible still to meet) with no cap.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from claimdesk.services.estimates import DIRECTORY_COLUMNS, OPTIONAL_COLUMNS
from claimdesk.synth import catalog

PLANS_FILE = "plans.csv"
PLAN_COLUMNS = (*DIRECTORY_COLUMNS, *OPTIONAL_COLUMNS)
OUT_OF_NETWORK = 9


@dataclass(frozen=True, slots=True)
class TierSpec:
    """One tier of a plan; blank optional cells take the directory's defaults (copay for office
    and specialist visits, no deductible on them, preventive care free in network, balance
    billing out of network, the billed charge allowed without a contract)."""

    network_tier: int
    copay: str
    coinsurance: str
    deductible: str
    out_of_pocket_max: str
    specialist_copay: str = ""
    allowed_without_contract: str = ""
    maximum_allowable: str = ""

    def row(self, payer_id: str, plan_name: str) -> dict[str, str]:
        return {
            "payer_id": payer_id,
            "plan_name": plan_name,
            "network_tier": str(self.network_tier),
            "copay": self.copay,
            "coinsurance": self.coinsurance,
            "deductible": self.deductible,
            "out_of_pocket_max": self.out_of_pocket_max,
            "specialist_copay": self.specialist_copay,
            "allowed_without_contract": self.allowed_without_contract,
            "maximum_allowable": self.maximum_allowable,
        }


def _tiers(*rows: tuple[str, str, str, str]) -> tuple[TierSpec, ...]:
    return tuple(TierSpec(n, *row) for n, row in enumerate(rows, start=1))


# Per plan: tiers 1 to 3 (copay, coinsurance, deductible, out-of-pocket maximum), then out of
# network. A PPO's out-of-network benefit allows a share of the charge (its maximum allowable);
# an HMO's or EPO's allows the billed charge, and the provider balance-bills the rest.
PLANS: dict[tuple[str, str], tuple[TierSpec, ...]] = {
    ("MCD01", "Medicaid Fee-for-Service"): (
        # Medicaid: a nominal copay per visit and a small yearly limit (42 CFR 447.56).
        TierSpec(1, "4.00", "0.00", "0.00", "100.00"),
    ),
    ("SHP01", "Summit PPO Gold"): (
        *_tiers(
            ("25.00", "0.10", "500.00", "3000.00"),
            ("40.00", "0.20", "1000.00", "5000.00"),
            ("60.00", "0.30", "2000.00", "8000.00"),
        ),
        TierSpec(OUT_OF_NETWORK, "0.00", "0.40", "3000.00", "12000.00", "", "maximum", "0.70"),
    ),
    ("SHP01", "Summit HMO Select"): (
        *_tiers(
            ("20.00", "0.00", "0.00", "2500.00"),
            ("35.00", "0.10", "250.00", "4000.00"),
            ("50.00", "0.20", "750.00", "6000.00"),
        ),
        TierSpec(OUT_OF_NETWORK, "0.00", "0.50", "5000.00", "15000.00"),
    ),
    ("LMI02", "Lakeshore EPO Standard"): (
        *_tiers(
            ("30.00", "0.15", "750.00", "4500.00"),
            ("45.00", "0.25", "1500.00", "6500.00"),
            ("65.00", "0.35", "2500.00", "9000.00"),
        ),
        TierSpec(OUT_OF_NETWORK, "0.00", "0.50", "5000.00", "15000.00"),
    ),
    ("LMI02", "Lakeshore HDHP Bronze"): (
        # HSA-qualified: no copay, office visits go to the deductible; preventive care stays free
        # in network (IRS Notice 2004-23).
        *_tiers(
            ("0.00", "0.20", "3500.00", "7000.00"),
            ("0.00", "0.30", "4500.00", "8500.00"),
            ("0.00", "0.40", "5500.00", "9500.00"),
        ),
        TierSpec(OUT_OF_NETWORK, "0.00", "0.50", "7000.00", "14000.00"),
    ),
    ("PBA03", "Prairie Choice PPO"): (
        TierSpec(1, "20.00", "0.20", "1000.00", "5000.00", "45.00"),
        TierSpec(2, "35.00", "0.30", "1500.00", "7000.00", "60.00"),
        TierSpec(3, "50.00", "0.40", "2500.00", "9000.00", "75.00"),
        TierSpec(OUT_OF_NETWORK, "0.00", "0.50", "4000.00", "14000.00", "", "maximum", "0.60"),
    ),
    ("KWC01", "Workers' Compensation"): (
        # The employer's carrier pays the whole allowed amount: the worker owes nothing.
        TierSpec(1, "0.00", "0.00", "0.00", "0.00"),
    ),
}


def plan_rows() -> Iterator[dict[str, str]]:
    """One directory row per plan and tier of the synthetic payers (Medicare aside)."""
    known = {(p.payer_id, plan) for p in catalog.PAYERS for plan in p.plans}
    for (payer_id, plan_name), tiers in PLANS.items():
        if (payer_id, plan_name) not in known:
            raise catalog.CatalogError(f"plan {payer_id}/{plan_name} is no synthetic payer's")
        for tier in tiers:
            yield tier.row(payer_id, plan_name)
