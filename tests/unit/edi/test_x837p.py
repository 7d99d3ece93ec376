import random
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimdesk.domain.claims import FrequencyCode
from claimdesk.domain.coverage import Priority, Relationship
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address
from claimdesk.domain.payers import Payer, PayerKind
from claimdesk.domain.providers import ProviderKind
from claimdesk.edi.x12.writer import X12WriteError
from claimdesk.edi.x837.claim_input import (
    Adjustment,
    AdjustmentGroup,
    ClaimInput,
    LineAdjudication,
    PayTo,
    PrimaryAdjudication,
    Receiver,
)
from claimdesk.edi.x837.write import write_837p

from .claim_builders import (
    BILLING,
    CLINIC,
    COMMERCIAL,
    DIAGNOSES,
    DOS,
    ENVELOPE,
    LAB,
    MEDICAID,
    MEDICARE,
    MODIFIERS,
    REFERRING,
    RENDERING,
    claim,
    claim_input,
    coverage,
    line,
    patient,
    random_claim,
    secondary_input,
)
from .pyx12_oracle import pyx12_errors
from .x12_checks import check_envelope, check_hierarchy


def written(*claims: ClaimInput) -> list[list[str]]:
    """Write ``claims`` as one 837P, assert pyx12 and the envelope checks accept it."""
    x12 = write_837p(list(claims), ENVELOPE)
    assert pyx12_errors(x12) == []
    segs = check_envelope(x12)
    check_hierarchy(segs)
    return segs


def find(segs: list[list[str]], *prefix: str) -> list[list[str]]:
    return [s for s in segs if s[: len(prefix)] == list(prefix)]


def test_subscriber_is_patient() -> None:
    segs = written(claim_input())
    assert find(segs, "HL") == [["HL", "1", "", "20", "1"], ["HL", "2", "1", "22", "0"]]
    assert find(segs, "SBR") == [["SBR", "P", "18", "GRP7788", "", "", "", "", "", "CI"]]
    assert find(segs, "NM1", "IL")[0][3:5] == ["GARCIA", "ANA"]
    assert find(segs, "DMG") == [["DMG", "D8", "19800601", "F"]]
    assert find(segs, "PAT") == []
    assert find(segs, "CLM") == [["CLM", "C-1001", "140.5", "", "", "11:B:1", "Y", "A", "Y", "Y"]]
    assert find(segs, "HI") == [["HI", "ABK:J069", "ABF:R059"]]
    assert find(segs, "REF", "EI") == [["REF", "EI", "123456789"]]
    assert find(segs, "NM1", "82")[0][-1] == RENDERING.npi
    assert find(segs, "PRV", "PE") == [["PRV", "PE", "PXC", "207Q00000X"]]
    # The clinic is at the billing address: no 2310C.
    assert find(segs, "NM1", "77") == []


def test_dependent_gets_a_patient_loop() -> None:
    dependent = claim_input(coverage=coverage(relationship=Relationship.CHILD))
    segs = written(dependent)
    assert find(segs, "HL")[1:] == [["HL", "2", "1", "22", "1"], ["HL", "3", "2", "23", "0"]]
    assert find(segs, "SBR")[0][2] == ""
    assert find(segs, "NM1", "IL")[0][3:5] == ["GARCIA", "LUIS"]
    assert find(segs, "PAT") == [["PAT", "19"]]
    assert find(segs, "NM1", "QC")[0][3:6] == ["GARCIA", "ANA", "M"]
    # Subscriber N3/N4/DMG only when the subscriber is the patient: one DMG, the patient's.
    assert find(segs, "DMG") == [["DMG", "D8", "19800601", "F"]]


@pytest.mark.parametrize("count", [1, 12])
def test_one_to_twelve_diagnoses_without_dots(count: int) -> None:
    codes = DIAGNOSES[:count]
    the_claim = claim(
        diagnoses=codes, lines=(line(1, pointers=tuple(range(1, min(4, count) + 1))),)
    )
    segs = written(claim_input(claim=the_claim))
    hi = find(segs, "HI")[0]
    assert len(hi) == count + 1
    assert hi[1] == "ABK:" + codes[0].replace(".", "")
    assert all(h.startswith("ABF:") and "." not in h for h in hi[2:])


def test_fifty_lines_with_modifiers_and_pointers() -> None:
    lines = tuple(
        line(
            n,
            code="97110",
            charge=f"{n}.25",
            units="2",
            modifiers=tuple(MODIFIERS[(n + k) % len(MODIFIERS)] for k in range(n % 5)),
            pointers=(1, 2, 3, 4)[: n % 4 + 1],
            pos="22" if n % 7 == 0 else "11",
        )
        for n in range(1, 51)
    )
    the_claim = claim(diagnoses=DIAGNOSES[:4], lines=lines)
    segs = written(claim_input(claim=the_claim))
    sv1 = find(segs, "SV1")
    assert len(sv1) == 50
    assert [s[1] for s in find(segs, "LX")] == [str(n) for n in range(1, 51)]
    assert sv1[2] == ["SV1", "HC:97110:95:LT:RT", "3.25", "UN", "2", "", "", "1:2:3:4"]
    assert sv1[3][1] == "HC:97110:LT:RT:XU:76"
    # SV105 only where the line's place of service differs from CLM05-1.
    assert sv1[6][5] == "22"
    assert sv1[5][5] == ""
    assert find(segs, "REF", "6R")[49] == ["REF", "6R", "C-1001-50"]
    assert find(segs, "CLM")[0][2] == "1287.5"  # 1 + ... + 50 dollars and 50 quarters


def test_fifty_one_lines_are_refused() -> None:
    lines = tuple(line(n) for n in range(1, 52))
    with pytest.raises(X12WriteError, match=r"claim C-1001: 2400 service lines: 51 lines"):
        write_837p([claim_input(claim=claim(lines=lines))], ENVELOPE)


@pytest.mark.parametrize("frequency", [FrequencyCode.REPLACEMENT, FrequencyCode.VOID])
def test_replacement_and_void_carry_the_payer_claim_number(frequency: FrequencyCode) -> None:
    the_claim = claim(frequency=frequency, replaces="PCN-77", prior_authorization="AUTH-1")
    segs = written(claim_input(claim=the_claim))
    assert find(segs, "CLM")[0][5] == f"11:B:{frequency.value}"
    refs = [s for s in segs if s[0] == "REF" and s[1] in ("G1", "F8")]
    assert refs == [["REF", "G1", "AUTH-1"], ["REF", "F8", "PCN-77"]]


def test_original_has_no_f8_and_prior_authorization_can_be_overridden() -> None:
    segs = written(claim_input(claim=claim(prior_authorization="ENC"), prior_authorization="OVR"))
    assert find(segs, "REF", "F8") == []
    assert find(segs, "REF", "G1") == [["REF", "G1", "OVR"]]


def test_referring_facility_and_pay_to() -> None:
    pay_to = PayTo(Address("PO Box 55", "Springfield", "IL", "62705"))
    segs = written(claim_input(referring=REFERRING, facility=LAB, pay_to=pay_to))
    names = [s[1] for s in find(segs, "NM1")]
    assert names == ["41", "40", "85", "87", "IL", "PR", "DN", "82", "77"]
    assert find(segs, "NM1", "DN")[0][3:5] == ["O'BRIEN", "SEAN"]
    assert find(segs, "NM1", "77")[0][3] == "NORTHSIDE LAB ANNEX"
    assert find(segs, "CLM")[0][5] == "81:B:1"
    assert find(segs, "SV1")[0][5] == "11"


def test_rendering_same_as_billing_is_not_repeated() -> None:
    segs = written(claim_input(rendering=BILLING), claim_input(rendering=None))
    assert find(segs, "NM1", "82") == []


@pytest.mark.parametrize("line_level", [True, False])
def test_secondary_claim_carries_the_primary_adjudication(line_level: bool) -> None:
    segs = written(secondary_input(line_level=line_level))
    assert find(segs, "SBR")[0][1] == "S"
    assert find(segs, "SBR")[1][:3] == ["SBR", "P", "18"]
    assert find(segs, "OI") == [["OI", "", "", "Y", "P", "", "Y"]]
    assert [s[3] for s in find(segs, "NM1", "PR")] == ["STATE MEDICAID", "BLUE CROSS BLUE SHIELD"]
    if line_level:
        assert find(segs, "AMT", "D") == [["AMT", "D", "80"]]
        assert find(segs, "SVD") == [
            ["SVD", "BCBS01", "80", "HC:99213", "", "1"],
            ["SVD", "BCBS01", "0", "HC:36415", "", "1"],
        ]
        assert find(segs, "CAS") == [
            ["CAS", "CO", "45", "25"],
            ["CAS", "PR", "2", "20"],
            ["CAS", "PR", "1", "15.5"],
        ]
        assert len(find(segs, "DTP", "573")) == 2
        assert find(segs, "REF", "F8") == [["REF", "F8", "BCBS-998877"]]
    else:
        assert find(segs, "AMT", "D") == [["AMT", "D", "100.5"]]
        assert find(segs, "CAS") == [["CAS", "CO", "45", "30"], ["CAS", "PR", "3", "10", "1"]]
        assert find(segs, "SVD") == []
        assert find(segs, "DTP", "573") == [["DTP", "573", "D8", "20240430"]]


def test_secondary_for_a_dependent_names_the_other_subscriber() -> None:
    base = secondary_input(line_level=False)
    assert base.primary is not None
    child_primary = coverage(coverage_id="COV1", relationship=Relationship.CHILD)
    child = replace(
        base,
        coverage=replace(
            base.coverage, relationship=Relationship.CHILD, subscriber=child_primary.subscriber
        ),
        primary=replace(base.primary, coverage=child_primary),
    )
    segs = written(child)
    assert find(segs, "SBR")[1][:3] == ["SBR", "P", "19"]
    assert [s[3:5] for s in find(segs, "NM1", "IL")] == [["GARCIA", "LUIS"], ["GARCIA", "LUIS"]]


def test_unbalanced_primary_adjudication_is_refused() -> None:
    base = secondary_input(line_level=False)
    assert base.primary is not None
    bad = replace(base, primary=replace(base.primary, paid=Money("99.00")))
    with pytest.raises(X12WriteError, match=r"claim C-2001: 2320 AMT\*D prior payer paid"):
        write_837p([bad], ENVELOPE)
    lines = replace(secondary_input(line_level=True))
    assert lines.primary is not None
    wrong_line = LineAdjudication(
        1, Money("90.00"), (Adjustment(AdjustmentGroup.CONTRACTUAL, "45", Money("25.00")),)
    )
    unbalanced = replace(
        lines, primary=replace(lines.primary, lines=(wrong_line, *lines.primary.lines[1:]))
    )
    with pytest.raises(X12WriteError, match="2430 line 1"):
        write_837p([unbalanced], ENVELOPE)


def test_primary_adjudication_on_a_primary_claim_is_refused() -> None:
    primary = PrimaryAdjudication(COMMERCIAL, coverage(), Money("0"), DOS)
    with pytest.raises(X12WriteError, match="primary adjudication"):
        claim_input(primary=primary)


def test_medicare_secondary_needs_the_insurance_type() -> None:
    base = secondary_input(line_level=False)
    medicare_claim = claim("C-2001", payer=MEDICARE, coverage_id="COV2")
    as_medicare = replace(
        base,
        claim=medicare_claim,
        payer=MEDICARE,
        coverage=coverage(payer=MEDICARE, coverage_id="COV2", priority=Priority.SECONDARY),
    )
    with pytest.raises(X12WriteError, match="SBR05"):
        write_837p([as_medicare], ENVELOPE)
    segs = written(replace(as_medicare, medicare_secondary_type="47"))
    assert find(segs, "SBR")[0][5] == "47"


def test_names_are_upper_cased_and_cleaned() -> None:
    odd = patient(last="Smith~Jones*García", first="Zoë:Ann")
    segs = written(claim_input(patient=odd))
    assert find(segs, "NM1", "IL")[0][3:5] == ["SMITH JONES GARCIA", "ZOE ANN"]


def test_too_many_diagnoses_are_refused() -> None:
    the_claim = claim()
    object.__setattr__(the_claim.encounter, "diagnoses", DIAGNOSES[:13])
    with pytest.raises(X12WriteError, match=r"claim C-1001: HI diagnoses: 13 diagnoses"):
        write_837p([claim_input(claim=the_claim)], ENVELOPE)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"claim": claim(diagnoses=("J0",))}, "HI diagnosis 1"),
        ({"claim": claim(diagnoses=("J06.9", "R05-9"))}, "HI diagnosis 2"),
        ({"coverage": coverage(member_id=" ")}, "2010BA subscriber NM109 member id"),
        ({"billing_provider": replace(BILLING, npi="1234567890")}, "2010AA billing provider NM109"),
        ({"billing_provider": replace(BILLING, tax_id="12345")}, "tax id"),
        ({"billing_provider": replace(BILLING, address=None)}, "billing provider address"),
        (
            {"billing_provider": replace(BILLING, address=Address("1 A", "B", "IL", "62701"))},
            "2010AA billing provider N403",
        ),
        ({"referring": replace(REFERRING, kind=ProviderKind.ORGANIZATION)}, "2310A referring"),
        ({"claim": claim("C" * 39)}, "CLM01"),
        ({"claim": claim(lines=(line(1, modifiers=("2",)),))}, "modifier 1"),
        ({"claim": claim(lines=(line(1, pos="1A"),))}, "SV105"),
        ({"receiver": Receiver("X", "")}, "1000B NM109"),
    ],
)
def test_unwritable_data_is_refused_naming_claim_and_field(
    changes: dict[str, object], field: str
) -> None:
    claim_id = changes["claim"].claim_id if "claim" in changes else "C-1001"  # type: ignore[attr-defined]
    bad = claim_input(**changes)
    with pytest.raises(X12WriteError) as caught:
        write_837p([bad], ENVELOPE)
    assert field in caught.value.field
    if not field.startswith("1000B"):
        assert caught.value.record == f"claim {claim_id}"


def test_self_pay_is_not_billed() -> None:
    self_pay = Payer("SELF", "Self Pay", PayerKind.SELF_PAY, 30, 30)
    bad = claim_input(
        claim=claim(payer=self_pay), payer=self_pay, coverage=coverage(payer=self_pay)
    )
    with pytest.raises(X12WriteError, match="SBR09"):
        write_837p([bad], ENVELOPE)


def test_no_claims_is_an_error() -> None:
    with pytest.raises(X12WriteError, match="no claims"):
        write_837p([], ENVELOPE)


def test_batch_groups_by_billing_provider_subscriber_and_receiver() -> None:
    same_patient = [claim_input(claim=claim(f"C-{n}")) for n in range(3)]
    other_patient = claim_input(
        claim=claim("C-9", patient_account="P9", coverage_id="COV9"),
        patient=patient("P9"),
        coverage=coverage("P9", coverage_id="COV9"),
    )
    other_billing = claim_input(
        claim=claim("C-B"), billing_provider=replace(BILLING, name="Second Group")
    )
    other_receiver = claim_input(claim=claim("C-R"), receiver=Receiver("Medicaid Gateway", "MCDGW"))
    segs = written(*same_patient, other_patient, other_billing, other_receiver)
    assert [s[2] for s in find(segs, "ST")] == ["0001", "0002"]
    hls = check_hierarchy(segs)
    assert [(h[3], h[2]) for h in hls] == [
        ("20", ""), ("22", "1"), ("22", "1"), ("20", ""), ("22", "4"),  # first ST
        ("20", ""), ("22", "1"),  # second ST: its own numbering
    ]  # fmt: skip
    assert [s[1] for s in find(segs, "CLM")] == ["C-0", "C-1", "C-2", "C-9", "C-B", "C-R"]


def test_more_than_100_claims_for_one_subscriber_start_a_new_hl() -> None:
    claims = [claim_input(claim=claim(f"C-{n}")) for n in range(101)]
    segs = written(*claims)
    assert [h[3] for h in check_hierarchy(segs)] == ["20", "22", "22"]
    assert len(find(segs, "CLM")) == 101


def test_many_varied_claims_pass_pyx12() -> None:
    rng = random.Random(20240502)
    claims = [random_claim(rng, n) for n in range(400)]
    secondaries = [secondary_input(line_level=n % 2 == 0, claim_id=f"S-{n}") for n in range(10)]
    segs = written(*claims, *secondaries)
    assert len(find(segs, "CLM")) == 410
    assert len(find(segs, "PAT")) == sum(not c.patient_is_subscriber for c in claims)
    assert len(find(segs, "LX")) == sum(len(c.claim.lines) for c in claims) + 20
    assert (
        len(find(segs, "REF", "F8"))
        == sum(c.claim.frequency is not FrequencyCode.ORIGINAL for c in claims) + 5
    )


_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=70
).filter(lambda s: any(c.isascii() and c.isalnum() for c in s))


@st.composite
def professional_claims(draw: st.DrawFn) -> ClaimInput:
    n_dx = draw(st.integers(1, 12))
    codes = tuple(draw(st.lists(st.sampled_from(DIAGNOSES), min_size=n_dx, max_size=n_dx)))
    n_lines = draw(st.integers(1, 50))
    lines = tuple(
        line(
            k,
            code=draw(st.sampled_from(("99213", "36415", "J1100", "G0439"))),
            charge=str(Money.from_cents(draw(st.integers(0, 10_000_000)))),
            units=str(draw(st.decimals(Decimal("0.001"), Decimal(9999), places=3))),
            pointers=tuple(
                draw(st.lists(st.integers(1, n_dx), min_size=1, max_size=4, unique=True))
            ),
            modifiers=tuple(draw(st.lists(st.sampled_from(MODIFIERS), max_size=4))),
            pos=draw(st.sampled_from(("11", "22", "02", "12"))),
        )
        for k in range(1, n_lines + 1)
    )
    payer = draw(st.sampled_from((COMMERCIAL, MEDICAID, MEDICARE)))
    frequency = draw(st.sampled_from(FrequencyCode))
    relationship = draw(st.sampled_from(Relationship))
    the_patient = patient("P1", last=draw(_text), first=draw(_text))
    return claim_input(
        claim=claim(
            "C-H",
            payer=payer,
            diagnoses=codes,
            lines=lines,
            frequency=frequency,
            replaces="" if frequency is FrequencyCode.ORIGINAL else "PCN1",
        ),
        patient=the_patient,
        coverage=coverage(payer=payer, relationship=relationship),
        payer=payer,
        referring=draw(st.sampled_from((None, REFERRING))),
        facility=draw(st.sampled_from((None, CLINIC, LAB))),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(professional_claims())
def test_pyx12_accepts_random_valid_claims(claim_in: ClaimInput) -> None:
    segs = written(claim_in)
    assert len(find(segs, "LX")) == len(claim_in.claim.lines)
