"""835s as the payers issue them: after the lag, with interest when late, reversals with their
corrections, balanced, read back without error findings and accepted by pyx12."""

from __future__ import annotations

from datetime import timedelta

from claimdesk.domain.claims import FrequencyCode
from claimdesk.domain.money import Money
from claimdesk.edi.x12.codes import ClaimStatus
from claimdesk.edi.x835.model import Remittance
from claimdesk.edi.x835.read import read_835
from claimdesk.payer_sim.simulator import PayerSimulator
from unit.edi.claim_builders import claim, claim_input, line
from unit.edi.pyx12_oracle import pyx12_errors

from .small_world import RECEIVED, policy, send, world


def _read(simulator: PayerSimulator, day: object) -> list[Remittance]:
    remittances: list[Remittance] = []
    for remittance_file in simulator.remittances(day):  # type: ignore[arg-type]
        assert pyx12_errors(remittance_file.text) == []
        read = read_835(remittance_file.text)
        assert read.findings == ()
        remittances.extend(read.remittances)
    return remittances


def test_nothing_is_paid_before_the_lag() -> None:
    simulator = PayerSimulator(world())
    send(simulator, [claim_input()])
    assert simulator.remittances(RECEIVED + timedelta(days=13)) == ()
    (remittance,) = _read(simulator, RECEIVED + timedelta(days=14))
    assert remittance.payment is not None
    # The visit: 100.00 allowed less the 20.00 copay; the lab line's 10.00 goes to the deductible.
    assert remittance.payment.amount == Money("80.00")
    # Paid once: the next day has nothing left.
    assert simulator.remittances(RECEIVED + timedelta(days=15)) == ()


def test_a_pended_claim_paid_after_the_prompt_pay_limit_earns_interest_in_a_plb() -> None:
    simulator = PayerSimulator(world(policy(pend_rate="1")))
    send(simulator, [claim_input()])
    assert simulator.remittances(RECEIVED + timedelta(days=43)) == ()
    (remittance,) = _read(simulator, RECEIVED + timedelta(days=44))
    # 44 days after receipt, 14 past the 30-day limit: 80.00 x 10% x 14 / 365 = 0.3068 -> 0.31.
    (plb,) = remittance.provider_adjustments
    assert [(i.reason_code, i.reference, i.amount) for i in plb.items] == [
        ("L6", "BCBS011-C-1001", Money("-0.31"))
    ]
    assert remittance.payment is not None
    assert remittance.payment.amount == Money("80.31")


def test_a_recouped_claim_is_reversed_and_paid_again_corrected_when_money_covers_it() -> None:
    simulator = PayerSimulator(world(policy(recoupment_rate="1")))
    send(simulator, [claim_input()])
    (first,) = _read(simulator, RECEIVED + timedelta(days=14))
    assert first.payment is not None
    assert first.payment.amount == Money("80.00")
    # Reversal (-80.00) and correction (line 1 denied; line 2's 10.00 to the deductible given
    # back by the reversal: 0.00) would pay -80.00: it waits.
    assert simulator.remittances(RECEIVED + timedelta(days=59)) == ()
    later = claim_input(
        claim=claim("C-2002", lines=(line(1, code="99213", charge="125.00", units="2"),))
    )
    send(simulator, [later], RECEIVED + timedelta(days=50), number=2)
    (remittance,) = _read(simulator, RECEIVED + timedelta(days=64))
    by_status = {c.status: c for c in remittance.claims}
    reversal = by_status[ClaimStatus.REVERSAL]
    assert reversal.patient_control_number == "C-1001"
    assert reversal.paid == Money("-80.00")
    assert reversal.charge == Money("-140.50")
    corrected = [c for c in remittance.claims if c.patient_control_number == "C-1001"][1]
    assert corrected.status is ClaimStatus.PRIMARY
    assert corrected.paid == Money("0.00")
    assert [a.reason for a in corrected.service_lines[0].adjustments] == ["50"]
    new = [c for c in remittance.claims if c.patient_control_number == "C-2002"]
    assert new
    assert new[0].paid.is_positive()
    assert remittance.payment is not None
    assert remittance.payment.amount == sum((c.paid for c in remittance.claims), Money.zero())


def test_a_replacement_claim_reverses_the_paid_original_and_is_paid_afresh() -> None:
    simulator = PayerSimulator(world())
    send(simulator, [claim_input()])
    _read(simulator, RECEIVED + timedelta(days=14))
    replacement = claim_input(
        claim=claim(
            frequency=FrequencyCode.REPLACEMENT,
            replaces="BCBS011-C-1001",
            lines=(line(1, charge="130.00"), line(2, code="36415", charge="15.50")),
        )
    )
    send(simulator, [replacement], RECEIVED + timedelta(days=20), number=2)
    (remittance,) = _read(simulator, RECEIVED + timedelta(days=34))
    reversal, again = remittance.claims
    assert (reversal.status, reversal.paid) == (ClaimStatus.REVERSAL, Money("-80.00"))
    assert reversal.payer_claim_control_number == "BCBS011-C-1001"
    # The original's deductible was given back, so the replacement pays as the original did.
    assert (again.status, again.paid) == (ClaimStatus.PRIMARY, Money("80.00"))
    assert again.payer_claim_control_number == "BCBS012-C-1001"
    assert again.service_lines[0].adjustments[0].amount == Money("30.00")
