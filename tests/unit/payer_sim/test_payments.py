"""Payments equal the contract's allowed amounts less the patient's share, worked out by hand
for each network tier, with the deductible used up across claims and secondary payers paying
what the primary left to the patient."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from claimdesk.domain.coverage import NetworkTier
from claimdesk.domain.money import Money
from claimdesk.edi.x12.codes import AdjustmentGroup, ClaimStatus
from claimdesk.edi.x835.model import ClaimPayment
from claimdesk.edi.x835.read import read_835
from claimdesk.payer_sim.simulator import PayerSimulator
from unit.edi.claim_builders import claim, claim_input, line, secondary_input
from unit.edi.pyx12_oracle import pyx12_errors

from .small_world import RECEIVED, medicaid_secondary, policy, send, world

PAY_DAY = RECEIVED + timedelta(days=14)


def _paid_claims(simulator: PayerSimulator, day: date = PAY_DAY) -> list[ClaimPayment]:
    files = simulator.remittances(day)
    claims: list[ClaimPayment] = []
    for remittance_file in files:
        assert pyx12_errors(remittance_file.text) == []
        read = read_835(remittance_file.text)
        assert read.findings == ()
        claims.extend(c for r in read.remittances for c in r.claims)
    return claims


def _cas(payment: ClaimPayment, line: int) -> dict[str, Money]:
    return {
        f"{a.group.value}-{a.reason}": a.amount for a in payment.service_lines[line].adjustments
    }


# (tier, line 1 paid, line 1 adjustments, line 2 paid, line 2 adjustments, allowed amounts)
# In network line 1 allows 100.00 of 125.00, line 2 10.00 of 15.50 (CO-45 25.00 and 5.50).
CASES = [
    # 99213 is an office visit: the copay 20 only, no deductible: plan 80. 36415 is a lab
    # service: its 10 allowed goes to the deductible of 50: plan 0.
    (NetworkTier.TIER_1, "80.00", {"CO-45": "25.00", "PR-3": "20.00"}, "0.00",
     {"CO-45": "5.50", "PR-1": "10.00"}, ("100.00", "10.00")),
    # copay 40 only (coinsurance is not stacked on it): plan 60; lab: no deductible, 30% of 10.
    (NetworkTier.TIER_2, "60.00", {"CO-45": "25.00", "PR-3": "40.00"}, "7.00",
     {"CO-45": "5.50", "PR-2": "3.00"}, ("100.00", "10.00")),
    # Out of network no contract: the plan allows 80% of the charge (100.00 and 12.40) and the
    # patient owes the rest (PR-45 25.00 and 3.10). No copay: the deductible of 100 takes line
    # 1; line 2: 50% of 12.40 = 6.20.
    (NetworkTier.OUT_OF_NETWORK, "0.00", {"PR-45": "25.00", "PR-1": "100.00"}, "6.20",
     {"PR-45": "3.10", "PR-2": "6.20"}, ("100.00", "12.40")),
]  # fmt: skip


@pytest.mark.parametrize(("tier", "paid1", "cas1", "paid2", "cas2", "allowed"), CASES)
def test_each_network_tier_pays_allowed_less_the_patient_share(
    tier: NetworkTier,
    paid1: str,
    cas1: dict[str, str],
    paid2: str,
    cas2: dict[str, str],
    allowed: tuple[str, str],
) -> None:
    simulator = PayerSimulator(world(tier=tier))
    receipt = send(simulator, [claim_input()])
    assert receipt.accepted == ("C-1001",)
    (payment,) = _paid_claims(simulator)
    assert payment.status is ClaimStatus.PRIMARY
    assert payment.service_lines[0].paid == Money(paid1)
    assert payment.service_lines[1].paid == Money(paid2)
    assert _cas(payment, 0) == {k: Money(v) for k, v in cas1.items()}
    assert _cas(payment, 1) == {k: Money(v) for k, v in cas2.items()}
    patient = sum(
        (Money(v) for k, v in (*cas1.items(), *cas2.items()) if k.startswith("PR")), Money.zero()
    )
    assert payment.patient_responsibility == patient
    assert payment.paid == Money("140.50") - patient - sum(
        (Money(v) for k, v in (*cas1.items(), *cas2.items()) if k.startswith("CO")), Money.zero()
    )
    amounts = [a.amount for line in payment.service_lines for a in line.amounts]
    assert amounts == [Money(a) for a in allowed]


def test_the_deductible_is_used_up_across_claims() -> None:
    simulator = PayerSimulator(world())
    send(simulator, [claim_input()])
    # Another visit's claim, received a day later: a metabolic panel (80053, a lab service) with
    # no contract rate, so the payer allows its no-rate share, 50% of 200.00 = 100.00.
    later = claim_input(claim=claim("C-1002", lines=(line(1, code="80053", charge="200.00"),)))
    send(simulator, [later], RECEIVED + timedelta(days=1), number=2)
    (first,) = _paid_claims(simulator)
    # The visit's copay 20 (plan 80); the lab's 10.00 to the deductible (plan 0).
    assert first.paid == Money("80.00")
    (second,) = _paid_claims(simulator, PAY_DAY + timedelta(days=1))
    # 40.00 of the deductible is left after the first claim, then 20% of 60.00 = 12.00.
    assert second.paid == Money("48.00")
    assert _cas(second, 0) == {
        "CO-45": Money("100.00"),
        "PR-1": Money("40.00"),
        "PR-2": Money("12.00"),
    }


@pytest.mark.parametrize(
    ("method", "line2_paid", "line2_left"),
    [("patient_share", "15.50", None), ("normal_benefit", "8.00", "7.50")],
)
def test_a_secondary_pays_what_the_primary_left_to_the_patient(
    method: str, line2_paid: str, line2_left: str | None
) -> None:
    # The primary left 20.00 (PR-2) on line 1 and 15.50 (PR-1) on line 2; Medicaid would pay
    # 60.00 and 8.00 as primary.
    simulator = PayerSimulator(
        world(policy(secondary_method=method), coverages=(medicaid_secondary(),))
    )
    receipt = send(simulator, [secondary_input(line_level=True)])
    assert receipt.accepted == ("C-2001",)
    (payment,) = _paid_claims(simulator)
    assert payment.status is ClaimStatus.SECONDARY
    first, second = payment.service_lines
    assert first.paid == Money("20.00")
    assert {a.group: a.amount for a in first.adjustments} == {
        AdjustmentGroup.OTHER_ADJUSTMENT: Money("105.00")
    }
    assert second.paid == Money(line2_paid)
    left = [a for a in second.adjustments if a.group is AdjustmentGroup.PATIENT_RESPONSIBILITY]
    if line2_left is None:
        assert left == []
    else:
        assert [(a.reason, a.amount) for a in left] == [("1", Money(line2_left))]
