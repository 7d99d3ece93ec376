"""The payer simulator answers a 276 with a 277 claim status (005010X212) that claimdesk reads:
not found, then in process with the payer's claim number, then paid with the 835's trace."""

from __future__ import annotations

from datetime import timedelta

from claimdesk.domain.money import Money
from claimdesk.edi.x276.write import ClaimStatusRequest, write_276
from claimdesk.edi.x277.read import CLAIM_STATUS, ClaimStatusDetail, read_277
from claimdesk.edi.x277.write_status import IN_PROCESS, NOT_FOUND, PAID
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.status_x12 import answer_276
from unit.edi.claim_builders import ENVELOPE, claim_input
from unit.edi.x12_checks import check_envelope, check_hierarchy
from unit.payer_sim.small_world import RECEIVED, send, world


def _answer(simulator: PayerSimulator, question: str, days: int) -> ClaimStatusDetail:
    text = answer_276(simulator, question, RECEIVED + timedelta(days=days))
    assert text is not None
    check_hierarchy(check_envelope(text))
    read = read_277(text)
    assert read.findings == ()
    (response,) = read.responses
    assert response.implementation == CLAIM_STATUS
    (claim,) = response.claims
    assert claim.patient_control_number == "S-1"  # TRN02 echoes the 276's trace
    return claim


def test_the_277_follows_the_claim_from_unknown_to_paid() -> None:
    simulator = PayerSimulator(world())
    question = write_276([ClaimStatusRequest(claim_input(), "S-1")], ENVELOPE)

    unknown = _answer(simulator, question, 0)
    assert unknown.codes == (NOT_FOUND,)
    assert unknown.payer_claim_number is None

    send(simulator, [claim_input()])
    pending = _answer(simulator, question, 1)
    assert pending.codes == (IN_PROCESS,)
    assert pending.payer_claim_number == "BCBS011-C-1001"
    assert pending.reference("EJ") == "C-1001"
    assert pending.statuses[0].paid is None

    (remittance,) = simulator.remittances(RECEIVED + timedelta(days=14))
    paid = _answer(simulator, question, 15)
    assert paid.codes == (PAID,)
    assert paid.finalized
    status = paid.statuses[0]
    # The small world's visit: 100.00 allowed less the 20.00 copay; its lab line meets the
    # deductible.
    assert status.paid == Money("80.00")
    trace = remittance.remittances[0].trace.number
    # STC09 holds at most 16 characters: a longer 835 trace is left out, never cut.
    assert status.check_number == (trace if len(trace) <= 16 else "")
    assert status.check_date == RECEIVED + timedelta(days=14)
    assert status.payment_method == "ACH"
