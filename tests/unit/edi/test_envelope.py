from __future__ import annotations

import pytest

from claimdesk.edi.x12.codes import (
    ElementSyntaxError,
    FunctionalGroupError,
    InterchangeNote,
    SegmentSyntaxError,
    TransactionSetError,
)
from claimdesk.edi.x12.envelope import read_envelopes

from .samples import BALANCED_835_SEGMENTS, balanced_835, interchange, transaction


def test_valid_envelopes_have_no_findings() -> None:
    envelopes = read_envelopes(balanced_835())
    assert envelopes.findings == ()
    (ic,) = envelopes.interchanges
    assert ic.header.control_number == "000000101"
    assert ic.header.sender_id == "PAYERSENDER"
    assert ic.groups[0].header.version == "005010X221A1"
    (ts,) = envelopes.transaction_sets
    assert (ts.transaction_set_id, ts.control_number, ts.implementation) == (
        "835",
        "0001",
        "005010X221A1",
    )
    assert ts.segments[0].id == "ST"
    assert ts.segments[-1].id == "SE"


@pytest.mark.parametrize(
    ("old", "new", "code", "segment_id", "element"),
    [
        ("SE*48*0001", "SE*47*0001", TransactionSetError.SEGMENT_COUNT_MISMATCH, "SE", 1),
        ("SE*48*0001", "SE*48*0002", TransactionSetError.CONTROL_NUMBER_MISMATCH, "SE", 2),
        ("GE*1*7001", "GE*2*7001", FunctionalGroupError.TRANSACTION_COUNT_MISMATCH, "GE", 1),
        ("GE*1*7001", "GE*1*7002", FunctionalGroupError.CONTROL_NUMBER_MISMATCH, "GE", 2),
        ("IEA*1*000000101", "IEA*3*000000101", InterchangeNote.INVALID_GROUP_COUNT, "IEA", 1),
        ("IEA*1*000000101", "IEA*1*000000102", InterchangeNote.CONTROL_NUMBER_MISMATCH, "IEA", 2),
        ("*240115*1200*", "*241315*1200*", InterchangeNote.INVALID_DATE, "ISA", 9),
        ("*20240115*1200*7001", "*20241315*1200*7001", ElementSyntaxError.INVALID_DATE, "GS", 4),
    ],
)
def test_envelope_mismatches_are_findings_with_location(
    old: str, new: str, code: object, segment_id: str, element: int
) -> None:
    text = balanced_835()
    assert old in text
    envelopes = read_envelopes(text.replace(old, new))
    (finding,) = envelopes.findings
    assert finding.code is code
    assert finding.location.segment_id == segment_id
    assert finding.location.element_position == element


def test_se_count_finding_points_at_the_se() -> None:
    envelopes = read_envelopes(balanced_835().replace("SE*48*0001", "SE*47*0001"))
    (finding,) = envelopes.findings
    assert finding.location.segment_position == 50


@pytest.mark.parametrize(
    ("cut_after", "codes"),
    [
        (
            "LX*1~",
            {
                TransactionSetError.TRAILER_MISSING,
                FunctionalGroupError.TRAILER_MISSING,
                InterchangeNote.PREMATURE_END_OF_FILE,
            },
        ),
        (
            "SE*48*0001~",
            {FunctionalGroupError.TRAILER_MISSING, InterchangeNote.PREMATURE_END_OF_FILE},
        ),
        ("GE*1*7001~", {InterchangeNote.PREMATURE_END_OF_FILE}),
    ],
)
def test_truncated_files_report_missing_trailers(cut_after: str, codes: set[object]) -> None:
    text = balanced_835()
    truncated = text[: text.index(cut_after) + len(cut_after)]
    envelopes = read_envelopes(truncated)
    assert {f.code for f in envelopes.findings} == codes
    assert len(envelopes.transaction_sets) == 1


def test_multiple_transaction_sets_and_groups() -> None:
    two = interchange(
        transaction(BALANCED_835_SEGMENTS, "0001"), transaction(BALANCED_835_SEGMENTS, "0002")
    )
    envelopes = read_envelopes(two)
    assert envelopes.findings == ()
    assert [t.control_number for t in envelopes.transaction_sets] == ["0001", "0002"]


def test_duplicate_transaction_control_number_is_a_finding() -> None:
    two = interchange(
        transaction(BALANCED_835_SEGMENTS, "0001"), transaction(BALANCED_835_SEGMENTS, "0001")
    )
    (finding,) = read_envelopes(two).findings
    assert finding.code is TransactionSetError.CONTROL_NUMBER_NOT_UNIQUE


def test_segment_outside_a_transaction_set_is_a_finding() -> None:
    text = balanced_835().replace("GE*1*7001~", "LX*9~GE*1*7001~")
    (finding,) = read_envelopes(text).findings
    assert finding.code is SegmentSyntaxError.NOT_IN_TRANSACTION_SET
    assert finding.location.segment_id == "LX"


def test_short_isa_fields_are_reported() -> None:
    text = balanced_835().replace("*00*          *00*", "*00*         *00*", 1)
    findings = read_envelopes(text).findings
    assert [(f.location.element_position, f.code) for f in findings] == [
        (2, ElementSyntaxError.TOO_SHORT)
    ]
