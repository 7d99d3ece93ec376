from __future__ import annotations

from datetime import date

from claimdesk.edi.x12.codes import (
    AcknowledgmentStatus,
    ElementSyntaxError,
    InterchangeAcknowledgmentCode,
    InterchangeNote,
    SegmentSyntaxError,
    TransactionSetError,
)
from claimdesk.edi.x999.read import read_999

from .samples import ACCEPTED_999, ISA, REJECTED_999


def test_accepted_999() -> None:
    result = read_999(ACCEPTED_999)
    assert result.findings == ()
    (ack,) = result.acknowledgments
    assert (ack.functional_id, ack.group_control_number) == ("HC", "5001")
    assert ack.status is AcknowledgmentStatus.ACCEPTED
    assert ack.accepted
    assert (ack.included, ack.received, ack.accepted_count) == (1, 1, 1)
    (ts,) = ack.transaction_sets
    assert (ts.transaction_set_id, ts.control_number) == ("837", "0001")
    assert ts.accepted
    assert ts.segment_errors == ()


def test_rejected_999_carries_error_locations() -> None:
    result = read_999(REJECTED_999)
    assert result.findings == ()
    (ack,) = result.acknowledgments
    assert ack.status is AcknowledgmentStatus.PARTIALLY_ACCEPTED
    rejected, accepted = ack.transaction_sets
    assert rejected.rejected
    assert accepted.accepted
    assert rejected.errors == (TransactionSetError.SEGMENTS_IN_ERROR,)
    (segment_error,) = rejected.segment_errors
    assert (segment_error.segment_id, segment_error.position, segment_error.loop_id) == (
        "NM1",
        12,
        "2010BA",
    )
    assert segment_error.code is SegmentSyntaxError.HAS_DATA_ELEMENT_ERRORS
    assert [(c.name, c.reference) for c in segment_error.contexts] == [("CLM01", "PCN-A")]
    (element_error,) = segment_error.element_errors
    assert (element_error.position, element_error.reference_number) == (9, "67")
    assert element_error.code is ElementSyntaxError.INVALID_CODE_VALUE
    assert element_error.bad_value == "ZZ"
    (context,) = element_error.contexts
    assert (context.segment_id, context.segment_position) == ("CLM", 22)


def test_missing_ik5_and_bad_codes_are_findings() -> None:
    text = REJECTED_999.replace("IK5*R*5~", "").replace("IK4*9*67*7*ZZ", "IK4*9*67*77*ZZ")
    text = text.replace("SE*12*", "SE*11*")
    result = read_999(text)
    rules = sorted(f.rule for f in result.findings)
    assert rules == ["999.ik5_missing", "element.code"]


def test_ta1() -> None:
    text = ISA + "TA1*000000555*240114*0930*R*001~IEA*0*000000101~"
    result = read_999(text)
    assert result.findings == ()
    (ta1,) = result.interchange_acks
    assert ta1.control_number == "000000555"
    assert ta1.date == date(2024, 1, 14)
    assert ta1.code is InterchangeAcknowledgmentCode.REJECTED
    assert ta1.note is InterchangeNote.CONTROL_NUMBER_MISMATCH
    assert not ta1.accepted


def test_ta1_with_unknown_code_is_a_finding() -> None:
    result = read_999(ISA + "TA1*000000555*240114*0930*Q*000~IEA*0*000000101~")
    (finding,) = result.findings
    assert finding.location.element_position == 4
    assert result.interchange_acks[0].code is None
