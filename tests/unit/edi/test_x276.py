from dataclasses import replace
from datetime import date

import pytest

from claimdesk.domain.coverage import Relationship
from claimdesk.edi.x12.writer import X12WriteError
from claimdesk.edi.x276.write import ClaimStatusRequest, write_276
from claimdesk.edi.x837.claim_input import Submitter

from .claim_builders import (
    BILLING,
    ENVELOPE,
    MEDICAID,
    claim,
    claim_input,
    coverage,
    institutional_input,
    line,
)
from .x12_checks import check_envelope, check_hierarchy


def find(segs: list[list[str]], *prefix: str) -> list[list[str]]:
    return [s for s in segs if s[: len(prefix)] == list(prefix)]


def test_claim_status_for_a_subscriber() -> None:
    the_claim = claim()
    the_claim.payer_claim_number = "PCN-555"
    segs = check_envelope(
        write_276([ClaimStatusRequest(claim_input(claim=the_claim), "TR1")], ENVELOPE)
    )
    assert segs[1][1] == "HR"
    assert segs[2] == ["ST", "276", "0001", "005010X212"]
    assert segs[3][:3] == ["BHT", "0010", "13"]
    assert segs[4:-3] == [
        ["HL", "1", "", "20", "1"],
        ["NM1", "PR", "2", "BLUE CROSS BLUE SHIELD", "", "", "", "", "PI", "BCBS01"],
        ["HL", "2", "1", "21", "1"],
        ["NM1", "41", "2", "RIVERBEND FAMILY PRACTICE", "", "", "", "", "46", "RBFP001"],
        ["HL", "3", "2", "19", "1"],
        ["NM1", "1P", "2", "RIVERBEND FAMILY PRACTICE LLC", "", "", "", "", "XX", BILLING.npi],
        ["HL", "4", "3", "22", "0"],
        ["DMG", "D8", "19800601", "F"],
        ["NM1", "IL", "1", "GARCIA", "ANA", "M", "", "", "MI", "XYZ123456789"],
        ["TRN", "1", "TR1"],
        ["REF", "1K", "PCN-555"],
        ["REF", "EJ", "C-1001"],
        ["AMT", "T3", "140.5"],
        ["DTP", "472", "D8", "20240422"],
    ]


def test_dependent_institutional_claim_over_several_days() -> None:
    base = institutional_input()
    later = replace(
        line(3, code="71046", charge="210.00"),
        date_of_service=date(2024, 4, 25),
    )
    the_claim = claim("I-3001", lines=(*base.claim.lines[:2], later), diagnoses=("R07.9",))
    dependent = replace(base, claim=the_claim, coverage=coverage(relationship=Relationship.CHILD))
    segs = check_envelope(write_276([ClaimStatusRequest(dependent, "TR9")], ENVELOPE))
    hls = check_hierarchy(segs)
    assert [h[3] for h in hls] == ["20", "21", "19", "22", "23"]
    start = segs.index(hls[-1])
    assert [s[:2] for s in segs[start:-3]] == [
        ["HL", "5"], ["DMG", "D8"], ["NM1", "QC"], ["TRN", "1"], ["REF", "BLT"], ["REF", "EJ"],
        ["AMT", "T3"], ["DTP", "472"],
    ]  # fmt: skip
    assert find(segs, "REF", "BLT") == [["REF", "BLT", "131"]]
    assert find(segs, "DTP", "472") == [["DTP", "472", "RD8", "20240422-20240425"]]
    assert find(segs, "NM1", "IL")[0][3:5] == ["GARCIA", "LUIS"]
    assert len(find(segs, "DMG")) == 1


def test_batch_groups_by_payer_submitter_and_provider() -> None:
    second_submitter = Submitter("Billing Co", "BILLCO", "Pat", email="pat@example.com")
    medicaid_claim = claim_input(
        claim=claim("C-M", payer=MEDICAID, coverage_id="COVM"),
        payer=MEDICAID,
        coverage=coverage(payer=MEDICAID, coverage_id="COVM"),
    )
    requests = [
        ClaimStatusRequest(claim_input(claim=claim("C-1")), "T1"),
        ClaimStatusRequest(claim_input(claim=claim("C-2")), "T2"),
        ClaimStatusRequest(medicaid_claim, "T3"),
        ClaimStatusRequest(claim_input(claim=claim("C-4"), submitter=second_submitter), "T4"),
    ]
    segs = check_envelope(write_276(requests, ENVELOPE))
    hls = check_hierarchy(segs)
    assert [(h[3], h[2]) for h in hls] == [
        ("20", ""), ("21", "1"), ("19", "2"), ("22", "3"), ("22", "3"),
        ("21", "1"), ("19", "6"), ("22", "7"),
        ("20", ""), ("21", "9"), ("19", "10"), ("22", "11"),
    ]  # fmt: skip
    assert [s[2] for s in find(segs, "TRN")] == ["T1", "T2", "T4", "T3"]
    assert [s[2] for s in find(segs, "REF", "EJ")] == ["C-1", "C-2", "C-4", "C-M"]


@pytest.mark.parametrize("trace", ["", "A*B"])
def test_bad_trace_number_is_refused(trace: str) -> None:
    with pytest.raises(X12WriteError) as caught:
        write_276([ClaimStatusRequest(claim_input(), trace)], ENVELOPE)
    assert caught.value.record == "claim C-1001"
    assert caught.value.field == "TRN02 trace number"


def test_no_requests_is_an_error() -> None:
    with pytest.raises(X12WriteError, match="no claim status requests"):
        write_276([], ENVELOPE)
