from dataclasses import replace

import pytest

from claimdesk.domain.coverage import Relationship
from claimdesk.edi.x12.writer import X12WriteError
from claimdesk.edi.x270.write import EligibilityRequest, write_270

from .claim_builders import BILLING, COMMERCIAL, DOS, ENVELOPE, MEDICAID, coverage, patient
from .x12_checks import check_envelope, check_hierarchy


def request(n: int = 1, **changes: object) -> EligibilityRequest:
    base = EligibilityRequest(
        coverage=coverage(f"P{n}", coverage_id=f"COV{n}", member_id=f"M{n:05d}"),
        patient=patient(f"P{n}", last="Zoë~Smith"),
        payer=COMMERCIAL,
        provider=BILLING,
        service_date=DOS,
        trace_number=f"T{n}",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def find(segs: list[list[str]], *prefix: str) -> list[list[str]]:
    return [s for s in segs if s[: len(prefix)] == list(prefix)]


def test_subscriber_is_patient() -> None:
    segs = check_envelope(write_270([request()], ENVELOPE))
    assert segs[1][1] == "HS"
    assert segs[1][8] == "005010X279A1"
    assert segs[2] == ["ST", "270", "0001", "005010X279A1"]
    assert segs[3][:3] == ["BHT", "0022", "13"]
    assert segs[4:-3] == [
        ["HL", "1", "", "20", "1"],
        ["NM1", "PR", "2", "BLUE CROSS BLUE SHIELD", "", "", "", "", "PI", "BCBS01"],
        ["HL", "2", "1", "21", "1"],
        ["NM1", "1P", "2", "RIVERBEND FAMILY PRACTICE LLC", "", "", "", "", "XX", BILLING.npi],
        ["HL", "3", "2", "22", "0"],
        ["TRN", "1", "T1", "1123456789"],
        ["NM1", "IL", "1", "ZOE SMITH", "ANA", "M", "", "", "MI", "M00001"],
        ["DMG", "D8", "19800601", "F"],
        ["DTP", "291", "D8", "20240422"],
        ["EQ", "30"],
    ]


def test_dependent_inquiry_is_at_the_dependent_level() -> None:
    dependent = request(coverage=coverage("P1", relationship=Relationship.CHILD))
    segs = check_envelope(write_270([dependent], ENVELOPE))
    hls = check_hierarchy(segs)
    assert [(h[3], h[4]) for h in hls] == [("20", "1"), ("21", "1"), ("22", "1"), ("23", "0")]
    start = segs.index(["HL", "4", "3", "23", "0"])
    assert [s[0] for s in segs[start:-3]] == ["HL", "TRN", "NM1", "DMG", "DTP", "EQ"]
    assert segs[start + 2][:5] == ["NM1", "03", "1", "ZOE SMITH", "ANA"]
    assert find(segs, "NM1", "IL")[0][3:5] == ["GARCIA", "LUIS"]
    assert len(find(segs, "TRN")) == 1


def test_batch_groups_by_payer_and_provider_with_several_service_types() -> None:
    requests = [
        request(1),
        request(2, service_types=("30", "98", "UC")),
        request(3, payer=MEDICAID, coverage=coverage("P3", MEDICAID, coverage_id="COV3")),
        request(4, coverage=coverage("P4", coverage_id="C4", relationship=Relationship.SPOUSE)),
    ]
    segs = check_envelope(write_270(requests, ENVELOPE))
    hls = check_hierarchy(segs)
    assert [(h[3], h[2]) for h in hls] == [
        ("20", ""), ("21", "1"), ("22", "2"), ("22", "2"), ("22", "2"), ("23", "5"),
        ("20", ""), ("21", "7"), ("22", "8"),
    ]  # fmt: skip
    assert [s[1] for s in find(segs, "EQ")] == ["30", "30", "98", "UC", "30", "30"]
    assert [s[2] for s in find(segs, "TRN")] == ["T1", "T2", "T4", "T3"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"provider": replace(BILLING, tax_id="")}, "TRN03"),
        ({"trace_number": ""}, "TRN02"),
        ({"service_types": ()}, "EQ01"),
        ({"service_types": ("300",)}, "EQ01"),
        ({"coverage": coverage("P1", member_id="")}, "2100C NM109"),
    ],
)
def test_unwritable_requests_are_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(X12WriteError) as caught:
        write_270([request(**changes)], ENVELOPE)
    assert caught.value.record.startswith("coverage ")
    assert field in caught.value.field


def test_no_requests_is_an_error() -> None:
    with pytest.raises(X12WriteError, match="no eligibility requests"):
        write_270([], ENVELOPE)
