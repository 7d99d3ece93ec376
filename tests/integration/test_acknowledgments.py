"""999 and 277CA on SQLite and PostgreSQL: accepted claims move on, rejected ones become Tier 1
work with reason and location, and the batch's first-pass acceptance follows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from store_practice import NOW
from tier1_practice import UowFactory, import_submit_practice, run_submit

from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.money import Money
from claimdesk.domain.work import WorkKind
from claimdesk.edi.x12.codes import (
    AcknowledgmentStatus,
    ElementSyntaxError,
    SegmentSyntaxError,
    TransactionSetError,
)
from claimdesk.edi.x12.composites import EntityName
from claimdesk.edi.x12.envelope import read_envelopes
from claimdesk.edi.x12.writer import Envelope
from claimdesk.edi.x277.read import StatusCode
from claimdesk.edi.x277.write import AcknowledgmentBatch, ClaimDecision, write_277ca
from claimdesk.edi.x999.model import Acknowledgment, ElementError, SegmentError, TransactionSetAck
from claimdesk.edi.x999.write import acknowledge, write_999
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.acknowledgments import (
    ingest_acknowledgment,
    ingest_tier1_file,
    problem_key,
    release_rejected,
)
from claimdesk.store.repositories.batches import BatchRecord

ACK_TIME = NOW + timedelta(hours=2)
GROUP_NPI = EntityName("85", "2", "SPRINGFIELD CLINIC", id_qualifier="XX", id="9876543213")


def _submitted(uow_factory: UowFactory, tmp_path: Path) -> BatchRecord:
    import_submit_practice(uow_factory)
    [batch] = run_submit(uow_factory, tmp_path).batches
    return batch


def _envelope(batch: BatchRecord, number: int) -> Envelope:
    # The payer answers: it sends to our submitter id.
    return Envelope(batch.receiver_id, batch.sender_id, number, number, ACK_TIME)


def _status(uow_factory: UowFactory, claim_id: str) -> ClaimStatus:
    with uow_factory() as uow:
        claim = uow.claims.get(claim_id)
    assert claim is not None
    return claim.status


def test_an_accepting_999_changes_no_claim(uow_factory: UowFactory, tmp_path: Path) -> None:
    batch = _submitted(uow_factory, tmp_path)
    sent = read_envelopes((tmp_path / batch.file_name).read_text())
    groups = acknowledge(sent.interchanges[0], sent.findings)
    report = ingest_acknowledgment(
        uow_factory,
        write_999(groups, _envelope(batch, 50)),
        source="999-ok.x12",
        now=ACK_TIME,
        policy=shipped_policy(),
    )
    assert report.kind == "999"
    assert report.syntax_accepted == ["CE1", "CE2"]
    assert report.rejected == []
    assert _status(uow_factory, "CE1") is ClaimStatus.SUBMITTED


def test_a_rejected_transaction_set_rejects_its_claims_as_tier1_work(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    batch = _submitted(uow_factory, tmp_path)
    rejected_set = TransactionSetAck(
        transaction_set_id="837",
        control_number="0001",
        implementation="005010X222A1",
        status=AcknowledgmentStatus.REJECTED,
        errors=(TransactionSetError.SEGMENTS_IN_ERROR,),
        segment_errors=(
            SegmentError(
                "NM1",
                23,
                "2010",
                SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
                element_errors=(
                    ElementError(9, None, None, "67", ElementSyntaxError.INVALID_CHARACTER, "A1"),
                ),
            ),
        ),
    )
    group = Acknowledgment.of_sets(
        "HC", str(batch.group_control_number), "005010X222A1", (rejected_set,)
    )
    text = write_999([group], _envelope(batch, 51))
    report = ingest_tier1_file(
        uow_factory, text, source="999-bad.x12", now=ACK_TIME, policy=shipped_policy()
    )
    assert report is not None
    assert report.as_json()["kind"] == "999"
    assert [r.claim_id for r in report.rejected] == ["CE1", "CE2"]  # type: ignore[union-attr]
    assert report.work_items_opened == 2
    assert _status(uow_factory, "CE1") is ClaimStatus.REJECTED
    with uow_factory() as uow:
        item = uow.work_items.active_for("CE1", problem_key("999"))
        stored = uow.batches.get(batch.batch_id)
    assert item is not None
    assert (item.kind, item.tier, item.queue) == (
        WorkKind.CLEARINGHOUSE_REJECTION,
        1,
        "t1-rejections",
    )
    assert "segment NM1: has data element errors" in item.summary
    assert "element NM19: invalid character (value 'A1')" in item.summary
    assert f"functional group {batch.group_control_number}, transaction set 0001" in item.summary
    assert "segment NM1 #23 in loop 2010" in item.summary
    assert stored is not None
    assert (stored.accepted, stored.rejected) == (0, 2)
    assert stored.first_pass_acceptance == Decimal(0)

    again = ingest_acknowledgment(
        uow_factory, text, source="999-bad.x12", now=ACK_TIME, policy=shipped_policy()
    )
    assert again.already_read
    assert again.rejected == []


def test_277ca_accepts_one_claim_and_rejects_the_other(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    batch = _submitted(uow_factory, tmp_path)
    patient = EntityName("QC", "1", "DOE", "JANE", id_qualifier="MI", id="A12345678")
    answer = AcknowledgmentBatch(
        source=EntityName("PR", "2", "ACME HEALTH", id_qualifier="PI", id="ACME"),
        receiver=EntityName("41", "2", "SPRINGFIELD CLINIC", id_qualifier="46", id="RFMG001"),
        batch_reference=f"{batch.interchange_control_number:09d}0001",
        received=date(2024, 3, 1),
        processed=date(2024, 3, 2),
        claims=(
            ClaimDecision(
                "CE1",
                patient,
                GROUP_NPI,
                Money("190.00"),
                date(2024, 2, 10),
                payer_claim_number="PAY-0001",
            ),
            ClaimDecision(
                "CE2",
                patient,
                GROUP_NPI,
                Money("150.00"),
                date(2024, 2, 12),
                statuses=(StatusCode("A7", "164", "IL"),),
                message="SUBSCRIBER ID NOT ON FILE",
            ),
        ),
    )
    text = write_277ca([answer], _envelope(batch, 52))
    report = ingest_acknowledgment(
        uow_factory, text, source="277ca.x12", now=ACK_TIME, policy=shipped_policy()
    )
    assert report.kind == "277CA"
    assert report.accepted == ["CE1"]
    [rejection] = report.rejected
    assert rejection.claim_id == "CE2"
    assert rejection.reason == "STC A7:164:IL (SUBSCRIBER ID NOT ON FILE)"
    assert rejection.location == "claim CE2 (TRN02)"
    with uow_factory() as uow:
        accepted = uow.claims.get("CE1")
        stored = uow.batches.get(batch.batch_id)
        item = uow.work_items.active_for("CE2", problem_key("277CA"))
    assert accepted is not None
    assert accepted.status is ClaimStatus.ACCEPTED
    assert accepted.payer_claim_number == "PAY-0001"
    assert stored is not None
    assert stored.first_pass_acceptance == Decimal("0.5")
    assert item is not None
    assert "SUBSCRIBER ID NOT ON FILE" in item.summary

    # The biller corrects CE2 and releases it: the item closes and the next submit sends it.
    release_rejected(uow_factory, "CE2", now=ACK_TIME, by="alice")
    with uow_factory() as uow:
        assert uow.work_items.active_for("CE2", problem_key("277CA")) is None
    resent = run_submit(uow_factory, tmp_path, ACK_TIME + timedelta(minutes=5))
    assert [b.submitted for b in resent.batches] == [1]
    assert _status(uow_factory, "CE2") is ClaimStatus.SUBMITTED


def test_a_997_rejecting_a_transaction_set_rejects_its_claims(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    batch = _submitted(uow_factory, tmp_path)
    rejected_set = TransactionSetAck(
        transaction_set_id="837",
        control_number="0001",
        implementation="005010X222A1",
        status=AcknowledgmentStatus.REJECTED,
        errors=(TransactionSetError.SEGMENTS_IN_ERROR,),
        segment_errors=(SegmentError("NM1", 23, "2010", SegmentSyntaxError.UNEXPECTED_SEGMENT),),
    )
    group = Acknowledgment.of_sets(
        "HC", str(batch.group_control_number), "005010X222A1", (rejected_set,)
    )
    # The same answer as a 997 (X12 005010 functional acknowledgment): AK3/AK5, no guide.
    text = (
        write_999([group], _envelope(batch, 53))
        .replace("ST*999*0001*005010X231A1", "ST*997*0001")
        .replace("*X*005010X231A1~", "*X*005010~")
        .replace("IK3*", "AK3*")
        .replace("IK5*", "AK5*")
    )
    report = ingest_tier1_file(
        uow_factory, text, source="bad.997", now=ACK_TIME, policy=shipped_policy()
    )
    assert report is not None
    assert [r.claim_id for r in report.rejected] == ["CE1", "CE2"]  # type: ignore[union-attr]
    assert _status(uow_factory, "CE1") is ClaimStatus.REJECTED


def test_a_277ca_rejecting_the_billing_provider_rejects_every_claim_under_it(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    batch = _submitted(uow_factory, tmp_path)
    patient = EntityName("QC", "1", "DOE", "JANE", id_qualifier="MI", id="A12345678")
    answer = AcknowledgmentBatch(
        source=EntityName("PR", "2", "ACME HEALTH", id_qualifier="PI", id="ACME"),
        receiver=EntityName("41", "2", "SPRINGFIELD CLINIC", id_qualifier="46", id="RFMG001"),
        batch_reference=f"{batch.interchange_control_number:09d}0001",
        received=date(2024, 3, 1),
        processed=date(2024, 3, 2),
        claims=(
            ClaimDecision("CE1", patient, GROUP_NPI, Money("190.00"), date(2024, 2, 10)),
            ClaimDecision("CE2", patient, GROUP_NPI, Money("150.00"), date(2024, 2, 12)),
        ),
    )
    text = write_277ca([answer], _envelope(batch, 54))
    provider_stc = next(s for s in text.split("~") if s.startswith("STC*A1:19:85"))
    text = text.replace(provider_stc, "STC*A7:562:85*20240302*U*340")
    report = ingest_acknowledgment(
        uow_factory, text, source="provider.277", now=ACK_TIME, policy=shipped_policy()
    )
    assert [r.claim_id for r in report.rejected] == ["CE1", "CE2"]
    assert report.work_items_opened == 2
    assert report.accepted == []
    assert _status(uow_factory, "CE2") is ClaimStatus.REJECTED
