"""999 and 277CA: syntax errors reject a transaction set, clearinghouse edits reject a claim;
every file passes pyx12 and reads back through claimdesk's readers without error findings."""

from __future__ import annotations

from dataclasses import replace

from claimdesk.domain.payers import Payer, PayerKind
from claimdesk.edi.x12.codes import AcknowledgmentStatus
from claimdesk.edi.x277.read import StatusCode, read_277
from claimdesk.edi.x837.write import write_837p
from claimdesk.edi.x999.read import read_999
from claimdesk.payer_sim.simulator import PayerSimulator, Receipt
from unit.edi.claim_builders import (
    COMMERCIAL,
    ENVELOPE,
    RENDERING,
    claim,
    claim_input,
    coverage,
    make_npi,
)
from unit.edi.pyx12_oracle import pyx12_errors

from .small_world import RECEIVED, send, world

TYPO_NPI = make_npi(77)


def _statuses(receipt: Receipt) -> dict[str, tuple[StatusCode, ...]]:
    (text,) = receipt.claim_acks
    assert pyx12_errors(text) == []
    read = read_277(text)
    assert read.findings == ()
    return {
        c.patient_control_number: tuple(code for s in c.statuses for code in s.codes)
        for r in read.responses
        for c in r.claims
    }


def _accepted_999(receipt: Receipt) -> AcknowledgmentStatus | None:
    (text,) = receipt.functional_acks
    assert pyx12_errors(text) == []
    read = read_999(text)
    assert read.findings == ()
    (ack,) = read.acknowledgments
    return ack.status


def test_a_clean_claim_is_accepted_with_the_payers_claim_number() -> None:
    receipt = send(PayerSimulator(world()), [claim_input()])
    assert _accepted_999(receipt) is AcknowledgmentStatus.ACCEPTED
    assert _statuses(receipt) == {"C-1001": (StatusCode("A2", "20"),)}
    assert receipt.accepted == ("C-1001",)
    read = read_277(receipt.claim_acks[0])
    (detail,) = read.responses[0].claims
    assert [r.value for r in detail.references if r.qualifier == "1K"] == ["BCBS011-C-1001"]


def test_the_clearinghouse_rejects_unknown_payers_member_id_formats_and_bad_npis() -> None:
    unknown = Payer("NOPE1", "Nobody Mutual", PayerKind.COMMERCIAL, 180, 180)
    patterned = replace(COMMERCIAL, member_id_pattern="^[A-Z]{3}[0-9]{9}$")
    sim_world = world()
    sim_world = type(sim_world)(
        policy=sim_world.policy,
        codes=sim_world.codes,
        payers=(patterned,),
        providers=(),
        members=(),
        contracts=(),
    )
    claims = [
        claim_input(claim=claim("C-OK")),
        claim_input(
            claim=claim("C-PAYER", payer=unknown),
            payer=unknown,
            coverage=coverage(payer=unknown),
        ),
        claim_input(claim=claim("C-MEMBER"), coverage=coverage(member_id="12345")),
        claim_input(claim=claim("C-NPI"), rendering=replace(RENDERING, npi=TYPO_NPI)),
    ]
    text = write_837p(claims, ENVELOPE)
    # The writer refuses a bad NPI; a typo in the file leaves a wrong check digit.
    bad_npi = TYPO_NPI[:9] + str((int(TYPO_NPI[9]) + 1) % 10)
    assert text.count(TYPO_NPI) == 1
    receipt = PayerSimulator(sim_world).receive_837(text.replace(TYPO_NPI, bad_npi), RECEIVED)
    assert _accepted_999(receipt) is AcknowledgmentStatus.ACCEPTED
    assert _statuses(receipt) == {
        "C-OK": (StatusCode("A2", "20"),),
        "C-PAYER": (StatusCode("A3", "116", "PR"),),
        "C-MEMBER": (StatusCode("A7", "164", "IL"),),
        "C-NPI": (StatusCode("A7", "562", "82"),),
    }
    assert sorted(receipt.rejected) == ["C-MEMBER", "C-NPI", "C-PAYER"]
    assert receipt.accepted == ("C-OK",)


def test_a_syntax_error_rejects_the_transaction_set_in_the_999_and_nothing_is_adjudicated() -> None:
    text = write_837p([claim_input()], ENVELOPE)
    broken = text.replace("SV1*HC:99213*125", "SV1*HC:99213*12X5", 1)
    assert broken != text
    receipt = PayerSimulator(world()).receive_837(broken, RECEIVED)
    assert _accepted_999(receipt) is AcknowledgmentStatus.REJECTED
    assert receipt.claim_acks == ()
    assert receipt.syntax_rejected == ("C-1001",)
    assert receipt.accepted == ()
    assert receipt.adjudications == ()
