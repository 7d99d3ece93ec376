"""999 writer: acknowledgments of read interchanges pass pyx12 and read back the same."""

from __future__ import annotations

from datetime import datetime

import pytest

from claimdesk.edi.x12.codes import (
    AcknowledgmentStatus,
    ElementSyntaxError,
    FunctionalGroupError,
    SegmentSyntaxError,
    TransactionSetError,
)
from claimdesk.edi.x12.envelope import read_envelopes
from claimdesk.edi.x12.errors import X12Finding
from claimdesk.edi.x12.reading import ElementReader
from claimdesk.edi.x12.writer import Envelope, X12WriteError
from claimdesk.edi.x837.write import write_837p
from claimdesk.edi.x999.model import (
    Acknowledgment,
    ElementError,
    ErrorContext,
    SegmentError,
    TransactionSetAck,
)
from claimdesk.edi.x999.read import read_999
from claimdesk.edi.x999.write import acknowledge, write_999

from .claim_builders import ENVELOPE, claim_input
from .pyx12_oracle import pyx12_errors
from .x12_checks import check_envelope

ACK_ENVELOPE = Envelope("ACMECH", "RBFP001", 5150, 515, datetime(2024, 5, 3, 9, 0))


def _dates_checked(text: str) -> list[X12Finding]:
    """Envelope findings plus a reader's date check of every DTP03, as a transaction reader
    would report them."""
    envelopes = read_envelopes(text)
    findings = list(envelopes.findings)
    for transaction in envelopes.transaction_sets:
        el = ElementReader(transaction)
        el.loop = "2400"
        for segment in transaction.segments:
            if segment.id == "DTP" and segment.get(2) == "D8":
                el.date(segment, 3)
        findings.extend(el.findings)
    return findings


def _round_trip(acks: tuple[Acknowledgment, ...]) -> str:
    x12 = write_999(acks, ACK_ENVELOPE)
    check_envelope(x12)
    assert pyx12_errors(x12) == []
    read = read_999(x12)
    assert read.findings == ()
    assert len(read.acknowledgments) == len(acks)
    for got, sent in zip(read.acknowledgments, acks, strict=True):
        assert (got.functional_id, got.group_control_number, got.version) == (
            sent.functional_id,
            sent.group_control_number,
            sent.version,
        )
        assert got.status is sent.status
        assert got.transaction_sets == sent.transaction_sets
        assert got.errors == sent.errors
        count = len(sent.transaction_sets)
        assert (got.included, got.received, got.accepted_count) == (
            count,
            count,
            sent.accepted_count,
        )
    return x12


def test_a_clean_837_is_accepted() -> None:
    text = write_837p([claim_input()], ENVELOPE)
    interchange = read_envelopes(text).interchanges[0]
    (ack,) = acknowledge(interchange, _dates_checked(text))
    assert ack.status is AcknowledgmentStatus.ACCEPTED
    assert ack.functional_id == "HC"
    assert ack.version == "005010X222A1"
    (ts,) = ack.transaction_sets
    assert ts.accepted
    assert ts.segment_errors == ()
    x12 = _round_trip((ack,))
    assert "AK2*837*0001*005010X222A1~IK5*A~AK9*A*1*1*1~" in x12


def test_bad_date_and_wrong_count_reject_with_ik3_ik4_ik5() -> None:
    good = write_837p([claim_input()], ENVELOPE)
    text = good.replace("DTP*472*D8*20240422", "DTP*472*D8*20241322", 1).replace(
        "~SE*", "~NTE*ADD*EXTRA~SE*", 1
    )
    st_position = text.split("~").index("ST*837*0001*005010X222A1") + 1
    dtp_position = text.split("~").index("DTP*472*D8*20241322") + 1
    (ack,) = acknowledge(read_envelopes(text).interchanges[0], _dates_checked(text))
    assert ack.status is AcknowledgmentStatus.REJECTED
    (ts,) = ack.transaction_sets
    assert ts.status is AcknowledgmentStatus.REJECTED
    assert ts.errors == (
        TransactionSetError.SEGMENT_COUNT_MISMATCH,
        TransactionSetError.SEGMENTS_IN_ERROR,
    )
    (error,) = ts.segment_errors
    assert (error.segment_id, error.position, error.loop_id, error.code) == (
        "DTP",
        dtp_position - st_position + 1,
        "2400",
        SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS,
    )
    (element,) = error.element_errors
    assert (element.position, element.code, element.bad_value) == (
        3,
        ElementSyntaxError.INVALID_DATE,
        "20241322",
    )
    x12 = _round_trip((ack,))
    assert f"IK3*DTP*{error.position}*2400*8~IK4*3**8*20241322~IK5*R*4*5~AK9*R*1*1*0~" in x12


def test_two_groups_are_acknowledged_separately_with_a_group_error() -> None:
    first = write_837p([claim_input()], ENVELOPE)
    second = first.replace("*17*X*", "*18*X*").replace("GE*1*17~", "GE*2*18~")
    interchange_two = (
        (
            first[: first.index("GE*")]
            + "GE*1*17~"
            + second[second.index("GS*") : second.index("IEA")]
        )
        + "IEA*2*"
        + first.split("*")[13]
        + "~"
    )
    envelopes = read_envelopes(interchange_two)
    assert {f.rule for f in envelopes.findings} == {"envelope.ge_count"}
    acks = acknowledge(envelopes.interchanges[0], envelopes.findings)
    assert [a.group_control_number for a in acks] == ["17", "18"]
    assert acks[0].status is AcknowledgmentStatus.ACCEPTED
    assert acks[1].errors == (FunctionalGroupError.TRANSACTION_COUNT_MISMATCH,)
    assert acks[1].status is AcknowledgmentStatus.ACCEPTED_WITH_ERRORS
    x12 = _round_trip(acks)
    assert x12.count("ST*999*") == 2
    assert "AK9*E*1*1*1*5~" in x12


def partially_accepted_sets() -> tuple[TransactionSetAck, TransactionSetAck]:
    """An accepted set and a rejected one with segment and element errors and contexts."""
    accepted = TransactionSetAck(
        "837", "0001", "005010X222A1", AcknowledgmentStatus.ACCEPTED, (), ()
    )
    rejected = TransactionSetAck(
        "837",
        "0002",
        "005010X222A1",
        AcknowledgmentStatus.REJECTED,
        (TransactionSetError.IMPLEMENTATION_SEGMENTS_IN_ERROR,),
        (
            SegmentError(
                "NM1",
                14,
                "2010",
                SegmentSyntaxError.IMPLEMENTATION_DEPENDENT_SEGMENT_MISSING,
                contexts=(ErrorContext("CLM01", "C-1001"),),
                element_errors=(
                    ElementError(
                        9,
                        None,
                        None,
                        "67",
                        ElementSyntaxError.IMPLEMENTATION_PATTERN_MATCH_FAILURE,
                        "12A",
                        contexts=(ErrorContext("SITUATIONAL TRIGGER", "", "CLM", 20, "2300"),),
                    ),
                ),
            ),
        ),
    )
    return accepted, rejected


def test_partial_acceptance_and_contexts_round_trip() -> None:
    ack = Acknowledgment.of_sets("HC", "17", "005010X222A1", partially_accepted_sets())
    assert ack.status is AcknowledgmentStatus.PARTIALLY_ACCEPTED
    x12 = _round_trip((ack,))
    assert "CTX*CLM01:C-1001~IK4*9*67*I12*12A~CTX*SITUATIONAL TRIGGER*CLM*20*2300~" in x12


def test_unwritable_acknowledgments_are_refused() -> None:
    no_reason = TransactionSetAck("837", "0001", "", AcknowledgmentStatus.REJECTED, (), ())
    with pytest.raises(X12WriteError, match="IK502"):
        write_999((Acknowledgment.of_sets("HC", "17", "005010X222A1", (no_reason,)),), ACK_ENVELOPE)
    no_verdict = TransactionSetAck("837", "0001", "", None, (), ())
    with pytest.raises(X12WriteError, match="IK501"):
        write_999(
            (Acknowledgment.of_sets("HC", "17", "005010X222A1", (no_verdict,)),), ACK_ENVELOPE
        )
    with pytest.raises(X12WriteError, match="nothing to acknowledge"):
        write_999((), ACK_ENVELOPE)


def test_findings_without_a_999_code_do_not_reject() -> None:
    text = write_837p([claim_input()], ENVELOPE)
    envelopes = read_envelopes(text)
    clm = next(s for s in envelopes.transaction_sets[0].segments if s.id == "CLM")
    business = X12Finding(
        "scrub.rule", "a business rule", envelopes.transaction_sets[0].location(clm)
    )
    (ack,) = acknowledge(envelopes.interchanges[0], [business])
    assert ack.status is AcknowledgmentStatus.ACCEPTED
