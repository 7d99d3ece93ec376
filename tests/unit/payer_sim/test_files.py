"""The folder adapter: 837 and 270 files answered into the inbox, 835s delivered when due."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from claimdesk.edi.x270.write import EligibilityRequest, write_270
from claimdesk.edi.x276.write import ClaimStatusRequest, write_276
from claimdesk.edi.x835.read import read_835
from claimdesk.edi.x837.write import write_837p
from claimdesk.payer_sim.files import answer_files, deliver_remittances
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.status import StatusKind
from unit.edi.claim_builders import BILLING, COMMERCIAL, DOS, ENVELOPE, claim_input, coverage
from unit.edi.claim_builders import patient as make_patient

from .small_world import RECEIVED, world


def test_files_in_the_outbox_are_answered_into_the_inbox(tmp_path: Path) -> None:
    outbox, inbox = tmp_path / "outbox", tmp_path / "inbox"
    outbox.mkdir()
    (outbox / "batch1.x12").write_text(write_837p([claim_input()], ENVELOPE))
    request = EligibilityRequest(coverage(), make_patient(), COMMERCIAL, BILLING, DOS, "T-9")
    (outbox / "elig1.x12").write_text(write_270([request], ENVELOPE))
    (outbox / "status1.x12").write_text(
        write_276([ClaimStatusRequest(claim_input(), "S-9")], ENVELOPE)
    )
    simulator = PayerSimulator(world())
    written, statuses = answer_files(simulator, outbox.iterdir(), inbox, RECEIVED)
    assert sorted(p.name for p in written) == ["batch1.1.277", "batch1.1.999", "elig1.271"]
    assert [s.kind for s in statuses] == [StatusKind.PENDING]
    assert deliver_remittances(simulator, inbox, RECEIVED + timedelta(days=13)) == []
    (remit,) = deliver_remittances(simulator, inbox, RECEIVED + timedelta(days=14))
    assert remit.parent == inbox
    read = read_835(remit.read_text())
    assert read.findings == ()
    assert [c.patient_control_number for r in read.remittances for c in r.claims] == ["C-1001"]
