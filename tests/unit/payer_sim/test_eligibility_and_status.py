"""270 in, 271 out: active or inactive on the date with the tier's cost share, a rejection for
members the payer does not know; 276 in, claim status out: not found, pending, finalized."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from claimdesk.domain.eligibility import EligibilityProblem, EligibilityReading
from claimdesk.domain.money import Money
from claimdesk.edi.x270.write import EligibilityRequest, write_270
from claimdesk.edi.x271.read import read_271
from claimdesk.edi.x276.write import ClaimStatusRequest, write_276
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.status import StatusKind
from claimdesk.services.eligibility_answer import interpret
from unit.edi.claim_builders import (
    BILLING,
    COMMERCIAL,
    DOS,
    ENVELOPE,
    claim_input,
    coverage,
    patient,
)
from unit.edi.x12_checks import check_envelope, check_hierarchy

from .small_world import RECEIVED, policy, send, world


def _ask(simulator: PayerSimulator, member_id: str = "XYZ123456789") -> EligibilityReading:
    request = EligibilityRequest(
        coverage=coverage(member_id=member_id),
        patient=patient(),
        payer=COMMERCIAL,
        provider=BILLING,
        service_date=DOS,
        trace_number="T-1",
    )
    reply = simulator.answer_270(write_270([request], ENVELOPE), DOS)
    assert reply.unanswered == ()
    assert reply.text is not None
    # pyx12 has no 005010X279A1 map: the envelope and HL tree are checked as the 271 writer's
    # tests check them.
    check_hierarchy(check_envelope(reply.text))
    read = read_271(reply.text)
    assert read.findings == ()
    (member,) = read.members
    assert [t.number for t in member.traces if t.type_code == "2"] == ["T-1"]
    return interpret(member, DOS)


def test_an_active_member_gets_the_tiers_cost_share_and_the_deductible_left() -> None:
    simulator = PayerSimulator(world(policy(authorization_codes='"20610"')))
    # A paid claim used 10.00 of the 50.00 deductible (its lab line; the visit took the copay).
    send(simulator, [claim_input()])
    reading = _ask(simulator)
    assert reading.active
    assert reading.problem is EligibilityProblem.NONE
    assert reading.plan == "PPO GOLD"  # X12 text is upper case
    assert any("NETWORK TIER 1" in m for m in reading.messages)
    # Only the listed procedure needs authorization, not the plan.
    assert reading.authorization_required is None
    assert reading.authorization_codes == ("20610",)
    in_network = next(b for b in reading.benefits if b.network == "in")
    assert in_network.copay == Money("20.00")
    assert in_network.coinsurance == Decimal("0.20")
    assert in_network.deductible == Money("50.00")
    assert in_network.deductible_remaining == Money("40.00")
    # 1000 - 30 paid by the patient (the 20.00 copay and 10.00 of deductible).
    assert in_network.out_of_pocket_remaining == Money("970.00")
    out = next(b for b in reading.benefits if b.network == "out")
    assert out.coinsurance == Decimal("0.50")


def test_coverage_ended_before_the_date_is_inactive() -> None:
    ended = replace(coverage(), termination=DOS - timedelta(days=1))
    reading = _ask(PayerSimulator(world(coverages=(ended,))))
    assert not reading.active
    assert reading.problem is EligibilityProblem.INACTIVE


def test_an_unknown_member_id_is_rejected_with_aaa() -> None:
    reading = _ask(PayerSimulator(world()), member_id="NOBODY0001")
    assert reading.problem is EligibilityProblem.UNKNOWN_MEMBER
    assert reading.reject_reason == "75"


def test_claim_status_is_not_found_then_pending_then_finalized_with_the_payment() -> None:
    simulator = PayerSimulator(world())
    question = write_276([ClaimStatusRequest(claim_input(), "S-1")], ENVELOPE)
    (before,) = simulator.claim_status(question)
    assert before.kind is StatusKind.NOT_FOUND
    send(simulator, [claim_input()])
    (pending,) = simulator.claim_status(question)
    assert (pending.kind, pending.payer_claim_number) == (StatusKind.PENDING, "BCBS011-C-1001")
    assert pending.paid is None
    (remittance_file,) = simulator.remittances(RECEIVED + timedelta(days=14))
    (done,) = simulator.claim_status(question)
    assert done.kind is StatusKind.FINALIZED
    assert done.trace_number == "S-1"
    assert done.paid == Money("80.00")  # the visit's 100.00 less its copay; the lab: deductible
    assert done.paid_on == RECEIVED + timedelta(days=14)
    assert done.payment_trace == remittance_file.remittances[0].trace.number


def test_each_procedure_needing_authorization_has_its_own_eb_with_eb13() -> None:
    simulator = PayerSimulator(world(policy(authorization_codes='"20610", "73721"')))
    request = EligibilityRequest(
        coverage=coverage(member_id="XYZ123456789"),
        patient=patient(),
        payer=COMMERCIAL,
        provider=BILLING,
        service_date=DOS,
        trace_number="T-1",
    )
    reply = simulator.answer_270(write_270([request], ENVELOPE), DOS)
    assert reply.text is not None
    (member,) = read_271(reply.text).members
    flagged = [b for b in member.benefits if b.authorization_required]
    assert [(b.procedure.qualifier, b.procedure.code) for b in flagged if b.procedure] == [
        ("HC", "20610"),
        ("HC", "73721"),
    ]
    assert all(b.procedure is not None and b.service_types == () for b in flagged)
    assert member.authorization_required() is None
