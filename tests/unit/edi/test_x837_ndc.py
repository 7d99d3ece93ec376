"""Loop 2410 (drug identification) in the 837P and 837I: LIN*N4 with the 11-digit NDC, CTP with
the quantity and its unit, one REF (XZ prescription number or VY link sequence). pyx12 accepts
what is written, the reader gives it back, and a round trip writes the same file again."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from claimdesk.domain.encounters import DrugDetail, DrugUnit, EncounterError, ServiceLine
from claimdesk.edi.x837.claim_input import ClaimInput
from claimdesk.edi.x837.read import read_837
from claimdesk.edi.x837.to_domain import ImportDefaults, to_claim_input
from claimdesk.edi.x837.write import write_837i, write_837p

from .claim_builders import ENVELOPE, MEDICAID, claim, claim_input, coverage, institutional_input
from .claim_builders import line as make_line
from .pyx12_oracle import pyx12_errors
from .test_read_837 import CREATED, assert_same

DEFAULTS = ImportDefaults(created_at=CREATED, created_by="tester")
# Triamcinolone 40 mg/mL, 1 mL vial billed as J3301 x 4 (10 mg per unit).
KENALOG = DrugDetail("00003029320", Decimal("1"), DrugUnit.MILLILITER)
# Dexamethasone sodium phosphate 4 mg/mL, 2 mL billed as J1100 x 8 (1 mg per unit).
DEXAMETHASONE = DrugDetail("63323016501", Decimal("2"), DrugUnit.MILLILITER, "RX12345")


def _with_drugs(*drugs: tuple[str, str, DrugDetail | None]) -> ClaimInput:
    lines = [make_line(1, code="96372", charge="50.00")]
    for number, (code, units, drug) in enumerate(drugs, start=2):
        lines.append(replace(make_line(number, code=code, charge="24.00", units=units), drug=drug))
    return claim_input(
        claim=claim("C-NDC1", payer=MEDICAID, coverage_id="COV1", lines=tuple(lines)),
        coverage=coverage(payer=MEDICAID, member_id="MCD55"),
        payer=MEDICAID,
    )


def _segments(text: str, sid: str) -> list[list[str]]:
    return [s.split("*") for s in text.split("~") if s.strip().startswith(sid + "*")]


def test_a_professional_drug_line_carries_loop_2410_and_pyx12_accepts_it() -> None:
    original = _with_drugs(("J3301", "4", KENALOG), ("J1100", "8", DEXAMETHASONE))
    text = write_837p([original], ENVELOPE)
    assert pyx12_errors(text) == []
    assert [s[1:] for s in _segments(text, "LIN")] == [
        ["", "N4", "00003029320"],
        ["", "N4", "63323016501"],
    ]
    # CTP04 quantity, CTP05-1 unit of measure.
    assert [s[4:] for s in _segments(text, "CTP")] == [["1", "ML"], ["2", "ML"]]
    assert ["REF", "XZ", "RX12345"] in _segments(text, "REF")
    # 2410 follows the line's REF*6R and comes before the next LX.
    body = [s.strip().split("*")[0] for s in text.split("~")]
    first_lin = body.index("LIN")
    assert body[first_lin - 1] == "REF"
    assert body[first_lin + 1] == "CTP"


def test_the_837p_reads_back_the_drug_and_writes_the_same_file() -> None:
    original = _with_drugs(("J3301", "4", KENALOG), ("J1100", "8", DEXAMETHASONE))
    text = write_837p([original], ENVELOPE)
    result = read_837(text)
    assert [str(f) for f in result.findings] == []
    (read,) = result.claims
    drugs = [ln.drug for ln in read.lines]
    assert drugs[0] is None
    assert [(d.qualifier, d.ndc, d.quantity, d.unit) for d in drugs[1:] if d] == [
        ("N4", "00003029320", Decimal(1), "ML"),
        ("N4", "63323016501", Decimal(2), "ML"),
    ]
    back = to_claim_input(read, DEFAULTS)
    assert_same(original, back)
    assert [ln.drug for ln in back.claim.lines] == [None, KENALOG, DEXAMETHASONE]
    assert write_837p([back], ENVELOPE) == text


def test_a_compound_link_sequence_goes_in_ref_vy() -> None:
    compound = DrugDetail("00409488820", Decimal("0.5"), DrugUnit.GRAM, link_sequence="1")
    original = _with_drugs(("J3490", "1", compound))
    text = write_837p([original], ENVELOPE)
    assert pyx12_errors(text) == []
    assert ["REF", "VY", "1"] in _segments(text, "REF")
    back = to_claim_input(read_837(text).claims[0], DEFAULTS)
    assert back.claim.lines[1].drug == compound


def test_an_institutional_drug_line_round_trips_and_pyx12_accepts_it() -> None:
    base = institutional_input()
    details = base.institutional
    assert details is not None
    lines = (*base.claim.lines, replace(make_line(4, code="J3301", units="4"), drug=KENALOG))
    original = replace(
        base,
        claim=replace(base.claim, encounter=replace(base.claim.encounter, lines=lines)),
        institutional=replace(details, revenue_codes={**details.revenue_codes, 4: "0636"}),
    )
    text = write_837i([original], ENVELOPE)
    assert pyx12_errors(text) == []
    (read,) = read_837(text).claims
    back = to_claim_input(read, DEFAULTS)
    assert_same(original, back)
    assert write_837i([back], ENVELOPE) == text


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        pytest.param("LIN**N4*00003029320", "LIN**N4*3029320", "837.ndc", id="NDC not 11 digits"),
        pytest.param("LIN**N4*", "LIN**EN*", "837.ndc_qualifier", id="LIN02 not N4"),
        pytest.param("~CTP****1*ML", "", "837.ctp_missing", id="no CTP"),
    ],
)
def test_a_malformed_2410_is_a_located_finding(old: str, new: str, rule: str) -> None:
    text = write_837p([_with_drugs(("J3301", "4", KENALOG))], ENVELOPE)
    assert old in text
    found = read_837(text.replace(old, new, 1)).findings
    assert rule in {f.rule for f in found}
    assert all(f.location.loop_id == "2410" for f in found if f.rule == rule)


@pytest.mark.parametrize(
    ("ndc", "quantity", "rx", "link"),
    [
        pytest.param("0003-0293-20", "1", "", "", id="hyphens: 5-4-2 is sent as 11 digits"),
        pytest.param("0000302932", "1", "", "", id="10 digits"),
        pytest.param("00003029320", "0", "", "", id="zero quantity"),
        pytest.param("00003029320", "1", "RX1", "1", id="two references"),
    ],
)
def test_the_domain_refuses_a_drug_it_could_not_bill(
    ndc: str, quantity: str, rx: str, link: str
) -> None:
    with pytest.raises(EncounterError):
        DrugDetail(ndc, Decimal(quantity), DrugUnit.UNIT, rx, link)


def test_a_line_without_a_drug_writes_no_2410() -> None:
    text = write_837p([claim_input()], ENVELOPE)
    assert _segments(text, "LIN") == []
    assert isinstance(claim_input().claim.lines[0], ServiceLine)
