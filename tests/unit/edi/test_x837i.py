from dataclasses import replace
from datetime import date

import pytest

from claimdesk.domain.coverage import Relationship
from claimdesk.edi.x12.writer import X12WriteError
from claimdesk.edi.x837.claim_input import ClaimInput
from claimdesk.edi.x837.write import write_837i

from .claim_builders import (
    ENVELOPE,
    MEDICAID,
    REFERRING,
    RENDERING,
    claim,
    coverage,
    institutional_input,
    line,
    secondary_input,
)
from .pyx12_oracle import pyx12_errors
from .x12_checks import check_envelope, check_hierarchy


def written(*claims: ClaimInput) -> list[list[str]]:
    x12 = write_837i(list(claims), ENVELOPE)
    assert pyx12_errors(x12) == []
    segs = check_envelope(x12)
    check_hierarchy(segs)
    return segs


def find(segs: list[list[str]], *prefix: str) -> list[list[str]]:
    return [s for s in segs if s[: len(prefix)] == list(prefix)]


def institutional_secondary(*, line_level: bool) -> ClaimInput:
    base = secondary_input(line_level=line_level)
    details = institutional_input().institutional
    assert details is not None
    return replace(base, institutional=replace(details, revenue_codes={1: "0510", 2: "0300"}))


def test_outpatient_claim() -> None:
    segs = written(institutional_input())
    assert segs[2] == ["ST", "837", "0001", "005010X223A2"]
    assert find(segs, "CLM") == [["CLM", "I-3001", "720", "", "", "13:A:1", "", "A", "Y", "Y"]]
    assert find(segs, "DTP", "434") == [["DTP", "434", "RD8", "20240422-20240422"]]
    assert find(segs, "DTP", "435") == []
    assert find(segs, "CL1") == [["CL1", "", "", "01"]]
    assert find(segs, "HI") == [["HI", "ABK:R079"], ["HI", "ABF:I10", "ABF:E119"]]
    assert find(segs, "NM1", "71")[0][3:5] == ["NGUYEN", "LINH"]
    assert find(segs, "PRV", "AT") == [["PRV", "AT", "PXC", "207Q00000X"]]
    assert find(segs, "SV2") == [
        ["SV2", "0450", "HC:99283:25", "450", "UN", "1"],
        ["SV2", "0300", "HC:85025", "60", "UN", "1"],
        ["SV2", "0320", "HC:71046", "210", "UN", "1"],
    ]
    assert len(find(segs, "DTP", "472")) == 3


def test_inpatient_claim_has_admission_and_admitting_diagnosis() -> None:
    segs = written(institutional_input(inpatient=True))
    assert find(segs, "CLM")[0][5] == "11:A:1"
    assert find(segs, "DTP", "435") == [["DTP", "435", "DT", "202404220815"]]
    assert find(segs, "CL1") == [["CL1", "1", "7", "01"]]
    assert find(segs, "HI", "ABJ:R079") == [["HI", "ABJ:R079"]]


def test_statement_period_spans_the_service_dates_or_is_given() -> None:
    base = institutional_input()
    later = replace(line(3, code="71046", charge="210.00"), date_of_service=date(2024, 4, 25))
    the_claim = claim("I-3001", lines=(*base.claim.lines[:2], later), diagnoses=("R07.9",))
    segs = written(replace(base, claim=the_claim))
    assert find(segs, "DTP", "434")[0][3] == "20240422-20240425"
    assert base.institutional is not None
    fixed = replace(
        base.institutional, statement_from=date(2024, 4, 20), statement_through=date(2024, 4, 30)
    )
    segs = written(replace(base, institutional=fixed))
    assert find(segs, "DTP", "434")[0][3] == "20240420-20240430"


def test_dependent_referring_and_rendering_other_than_attending() -> None:
    base = institutional_input()
    assert base.institutional is not None
    attending = replace(RENDERING, npi=REFERRING.npi, name="Attending")
    claim_in = replace(
        base,
        coverage=coverage(relationship=Relationship.SPOUSE),
        referring=REFERRING,
        institutional=replace(base.institutional, attending=attending),
    )
    segs = written(claim_in)
    assert find(segs, "PAT") == [["PAT", "01"]]
    assert [s[1] for s in find(segs, "NM1")][-4:] == ["71", "82", "77", "DN"]


@pytest.mark.parametrize("line_level", [True, False])
def test_secondary_institutional_claim(line_level: bool) -> None:
    segs = written(institutional_secondary(line_level=line_level))
    assert find(segs, "OI") == [["OI", "", "", "Y", "", "", "Y"]]
    if line_level:
        # SVD04: the revenue code of the line adjudicated.
        assert find(segs, "SVD") == [
            ["SVD", "BCBS01", "80", "HC:99213", "0510", "1"],
            ["SVD", "BCBS01", "0", "HC:36415", "0300", "1"],
        ]
    else:
        assert find(segs, "SVD") == []
        assert find(segs, "AMT", "D") == [["AMT", "D", "100.5"]]


def test_many_institutional_claims_in_one_batch() -> None:
    claims = [institutional_input(f"I-{n}", inpatient=n % 3 == 0) for n in range(60)] + [
        institutional_secondary(line_level=True)
    ]
    segs = written(*claims)
    assert len(find(segs, "CLM")) == 61
    assert len(find(segs, "CL1")) == 61
    assert len(find(segs, "DTP", "435")) == 20


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: replace(c, institutional=None), "institutional"),
        (
            lambda c: replace(c, institutional=replace(c.institutional, revenue_codes={1: "0450"})),
            "2400 line 2 SV201",
        ),
        (
            lambda c: replace(
                c, institutional=replace(c.institutional, revenue_codes={1: "45", 2: "1", 3: "2"})
            ),
            "2400 line 1 SV201",
        ),
        (
            lambda c: replace(c, institutional=replace(c.institutional, facility_type_code="1X")),
            "CLM05-1",
        ),
        (
            lambda c: replace(c, institutional=replace(c.institutional, facility_type_code="11")),
            "DTP*435",
        ),
        (lambda c: replace(c, rendering=None), "2310A attending"),
        (
            lambda c: replace(
                c,
                institutional=replace(
                    c.institutional,
                    statement_from=date(2024, 5, 1),
                    statement_through=date(2024, 4, 1),
                ),
            ),
            "DTP*434",
        ),
    ],
)
def test_unwritable_institutional_data_is_refused(change: object, field: str) -> None:
    bad = change(institutional_input())  # type: ignore[operator]
    with pytest.raises(X12WriteError) as caught:
        write_837i([bad], ENVELOPE)
    assert caught.value.record == "claim I-3001"
    assert field in caught.value.field


def test_institutional_payer_may_differ_per_claim() -> None:
    medicaid = replace(
        institutional_input("I-M"),
        claim=claim(
            "I-M", payer=MEDICAID, coverage_id="COVM", lines=institutional_input().claim.lines
        ),
        payer=MEDICAID,
        coverage=coverage(payer=MEDICAID, coverage_id="COVM"),
    )
    segs = written(institutional_input(), medicaid)
    assert [s[3] for s in find(segs, "NM1", "PR")] == ["BLUE CROSS BLUE SHIELD", "STATE MEDICAID"]
    assert [h[3] for h in check_hierarchy(segs)] == ["20", "22", "22"]
