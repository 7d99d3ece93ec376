import random
from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimdesk.domain.claims import FrequencyCode
from claimdesk.domain.coverage import Priority, Relationship
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Sex
from claimdesk.domain.payers import PayerKind
from claimdesk.edi.x12.codes import AdjustmentGroup, ClaimFilingIndicator, SegmentSyntaxError
from claimdesk.edi.x12.errors import Severity, X12Error
from claimdesk.edi.x837.claim_input import ClaimInput
from claimdesk.edi.x837.model import Claims837
from claimdesk.edi.x837.read import read_837
from claimdesk.edi.x837.to_domain import (
    ClaimImportError,
    ImportDefaults,
    diagnosis_with_dot,
    payer_kind,
    to_claim_input,
)
from claimdesk.edi.x837.write import write_837i, write_837p

from .claim_builders import (
    BILLING,
    CREATED,
    DOS,
    ENVELOPE,
    LAB,
    REFERRING,
    RENDERING,
    claim,
    claim_input,
    coverage,
    institutional_input,
    line,
    patient,
    random_claim,
    secondary_input,
)

DEFAULTS = ImportDefaults(created_at=CREATED, created_by="tester")


def errors(result: Claims837) -> set[str]:
    return {f.rule for f in result.findings if f.severity is Severity.ERROR}


def clean(text: str) -> Claims837:
    result = read_837(text)
    assert [str(f) for f in result.findings] == []
    return result


def edit(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


# -- what is read ---------------------------------------------------------------------------


def test_professional_claim_fields() -> None:
    given_claim = claim_input(
        claim=claim(prior_authorization="AUTH9"), referring=REFERRING, facility=LAB
    )
    (read,) = clean(write_837p([given_claim], ENVELOPE)).claims
    assert read.claim_id == "C-1001"
    assert read.total_charge == Money("140.50")
    assert (read.facility_code, read.facility_qualifier, read.frequency) == (
        "81",
        "B",
        FrequencyCode.ORIGINAL,
    )
    assert (read.provider_signature, read.assignment, read.benefits_assigned) == (True, "A", True)
    assert read.diagnoses == ("J069", "R059")
    assert read.prior_authorization == "AUTH9"
    assert read.header.submitter is not None
    assert read.header.submitter.name.id == "RBFP001"
    assert read.header.receiver is not None
    assert read.header.receiver.name.id == "ACMECH"
    billing = read.billing
    assert billing.provider is not None
    assert billing.provider.npi == BILLING.npi
    assert billing.tax_id == "123456789"
    assert billing.taxonomy == "207Q00000X"
    assert billing.provider.address is not None
    assert billing.provider.address.postal_code == "627011234"
    sub = read.subscriber
    assert (sub.priority, sub.relationship, sub.group_number) == (Priority.PRIMARY, "18", "GRP7788")
    assert sub.filing_indicator is ClaimFilingIndicator.COMMERCIAL
    assert sub.member_id == "XYZ123456789"
    assert sub.subscriber is not None
    assert (sub.subscriber.birth_date, sub.subscriber.sex) == (date(1980, 6, 1), Sex.FEMALE)
    assert sub.payer is not None
    assert (sub.payer.name.id, sub.payer.name.last_or_organization) == (
        "BCBS01",
        "BLUE CROSS BLUE SHIELD",
    )
    assert read.patient is None
    assert read.rendering is not None
    assert read.rendering.npi == RENDERING.npi
    assert read.rendering.taxonomy == "207Q00000X"
    assert read.referring is not None
    assert read.referring.npi == REFERRING.npi
    assert read.service_facility is not None
    assert read.service_facility.name.last_or_organization == "NORTHSIDE LAB ANNEX"
    first, second = read.lines
    assert first.procedure is not None
    assert first.procedure.code == "99213"
    assert (first.charge, first.units, first.diagnosis_pointers) == (Money("125"), Decimal(1), (1,))
    assert first.service_period is not None
    assert first.service_period.start == DOS
    assert first.control_number == "C-1001-1"
    assert second.charge == Money("15.50")
    # SV105 is left out when the line's place of service is the claim's.
    assert first.place_of_service == "11"
    assert read.line_charge_total == read.total_charge


def test_dependent_patient_level() -> None:
    given_claim = claim_input(coverage=coverage(relationship=Relationship.CHILD))
    (read,) = clean(write_837p([given_claim], ENVELOPE)).claims
    assert read.patient is not None
    assert read.patient.relationship is Relationship.CHILD
    assert read.patient.patient is not None
    assert read.patient.patient.name.last_or_organization == "GARCIA"
    assert read.patient.patient.birth_date == date(1980, 6, 1)
    assert read.subscriber.relationship == ""
    assert read.subscriber.subscriber is not None
    assert read.subscriber.subscriber.name.first == "LUIS"


def test_secondary_claim_with_line_adjudication() -> None:
    (read,) = clean(write_837p([secondary_input(line_level=True)], ENVELOPE)).claims
    (other,) = read.other_payers
    assert other.priority is Priority.PRIMARY
    assert other.payer_id == "BCBS01"
    assert other.paid == Money("80")
    assert other.patient_responsibility == Money("35.50")
    assert other.payer_claim_number == "BCBS-998877"
    first, second = read.lines
    (svd,) = first.adjudications
    assert (svd.payer_id, svd.paid, svd.adjudicated_on) == ("BCBS01", Money(80), date(2024, 4, 30))
    assert [(a.group, a.reason, a.amount) for a in svd.adjustments] == [
        (AdjustmentGroup.CONTRACTUAL_OBLIGATION, "45", Money(25)),
        (AdjustmentGroup.PATIENT_RESPONSIBILITY, "2", Money(20)),
    ]
    assert second.adjudications[0].patient_responsibility == Money("15.50")


def test_institutional_claim_fields() -> None:
    (read,) = clean(write_837i([institutional_input(inpatient=True)], ENVELOPE)).claims
    assert read.institutional_claim
    assert (read.facility_code, read.facility_qualifier) == ("11", "A")
    assert read.institutional is not None
    assert (read.institutional.admission_type, read.institutional.patient_status) == ("1", "01")
    assert read.admission_date == date(2024, 4, 22)
    assert read.admission_time == time(8, 15)
    assert read.admitting_diagnosis == "R079"
    assert read.diagnoses == ("R079", "I10", "E119")
    assert read.attending is not None
    assert read.attending.npi == RENDERING.npi
    assert [ln.revenue_code for ln in read.lines] == ["0450", "0300", "0320"]
    assert read.lines[0].procedure is not None
    assert read.lines[0].procedure.modifiers == ("25",)
    assert read.statement_period is not None
    assert read.statement_period.start == DOS


# -- checks ---------------------------------------------------------------------------------


def test_claim_total_must_equal_line_charges() -> None:
    text = edit(write_837p([claim_input()], ENVELOPE), "CLM*C-1001*140.5*", "CLM*C-1001*150*")
    result = read_837(text)
    (finding,) = [f for f in result.findings if f.rule == "837.balance.claim"]
    assert finding.location.segment_id == "CLM"
    assert finding.location.element_position == 2
    assert finding.location.loop_id == "2300"
    assert "150.00" in finding.message
    assert "140.50" in finding.message


def test_other_payer_figures_must_balance() -> None:
    text = write_837p([secondary_input(line_level=True)], ENVELOPE)
    assert "AMT*D*80~" in text
    result = read_837(edit(text, "AMT*D*80~", "AMT*D*81~"))
    assert errors(result) == {"837.balance.other_payer"}
    result = read_837(edit(text, "SVD*BCBS01*80*", "SVD*BCBS01*79*"))
    assert errors(result) == {"837.balance.other_payer_line"}


def test_hl_parent_must_be_an_earlier_level_of_the_right_kind() -> None:
    text = write_837p([claim_input()], ENVELOPE)
    result = read_837(edit(text, "HL*2*1*22*0~", "HL*2*2*22*0~"))
    assert "hl.parent" in errors(result)
    result = read_837(edit(text, "HL*2*1*22*0~", "HL*2**22*0~"))
    (finding,) = [f for f in result.findings if f.rule == "837.hl_parent_level"]
    assert (finding.location.segment_id, finding.location.element_position) == ("HL", 2)
    dependent = write_837p(
        [claim_input(coverage=coverage(relationship=Relationship.SPOUSE))], ENVELOPE
    )
    result = read_837(edit(dependent, "HL*3*2*23*0~", "HL*3*1*23*0~"))
    assert "837.hl_parent_level" in errors(result)


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("NM1*85*", "NM1*86*", "837.billing_provider_missing"),
        ("SBR*P*18*", "XXX*P*18*", "837.sbr_missing"),
        ("NM1*PR*2*BLUE", "NM1*XX*2*BLUE", "837.payer_missing"),
        ("SV1*HC:36415", "SV2*HC:36415", "837.service_missing"),
        ("DTP*472*D8*20240422~REF*6R*C-1001-2", "REF*6R*C-1001-2", "837.service_date_missing"),
        ("HI*ABK:J069*ABF:R059~", "", "837.hi_missing"),
        ("HI*ABK:J069*", "HI*ABF:J069*", "837.principal_diagnosis_missing"),
        ("HI*ABK:J069*", "HI*ABK:J06.9*", "837.diagnosis_dot"),
        ("CLM*C-1001*", "XYZ*C-1001*", "837.no_claim"),
        ("DTP*472*D8*20240422", "DTP*472*D8*20241322", "element.date"),
        ("SV1*HC:99213*125*", "SV1*HC:99213*12x5*", "element.number"),
        ("SV1*HC:99213*125*", "SV1*HC:99213*12.345*", "element.amount"),
        ("*UN*1***1~", "*UN*1***7~", "837.pointer"),
        ("DMG*D8*19800601*F", "DMG*D8*19800601*Q", "element.code"),
        ("REF*EI*123456789~", "REF*EI*123456789~PAT*19~", "segment.unexpected"),
        ("REF*EI*123456789~", "REF*EI*123456789~ZZZ*1~", "segment.unknown"),
        ("NM1*82*", "NM1*QQ*", "837.nm1_entity"),
        ("N3*100 MAIN STREET*SUITE 200~", "", "837.address_missing"),
        (
            "N3*100 MAIN STREET*SUITE 200~N4*SPRINGFIELD*IL*627011234~",
            "N4*SPRINGFIELD*IL*627011234~N3*100 MAIN STREET*SUITE 200~",
            "segment.order",
        ),
        ("NM1*PR*2*", "NM1*PR**", "element.required"),
    ],
)
def test_problems_are_located_findings(old: str, new: str, rule: str) -> None:
    text = edit(write_837p([claim_input()], ENVELOPE), old, new)
    result = read_837(text)
    found = [f for f in result.findings if f.rule == rule]
    assert found, [str(f) for f in result.findings]
    assert all(f.location.segment_position is not None for f in found)
    assert all(f.location.segment_id for f in found)


def test_lines_must_exist_and_use_the_guides_service_segment() -> None:
    text = write_837i([institutional_input()], ENVELOPE)
    result = read_837(edit(text, "SV2*0450*", "SV1*0450*"))
    assert {"segment.unexpected", "837.service_missing"} <= errors(result)
    prof = write_837p([claim_input(claim=claim(lines=(line(1),)))], ENVELOPE)
    cut = prof[: prof.index("LX*1")] + prof[prof.index("SE*") :]
    assert "837.lines_missing" in errors(read_837(cut))


def test_header_loops_are_required() -> None:
    text = write_837p([claim_input()], ENVELOPE)
    result = read_837(edit(text, "NM1*41*", "NM1*49*"))
    assert {"837.submitter_missing", "837.nm1_entity"} <= errors(result)


def test_other_transaction_sets_are_skipped_with_a_warning() -> None:
    text = write_837p([claim_input()], ENVELOPE).replace("ST*837*", "ST*835*")
    text = text.replace("GS*HC*", "GS*HP*")  # an 835 in its own group
    result = read_837(text)
    assert result.claims == ()
    assert [f.rule for f in result.findings] == ["837.not_837"]
    assert not result.has_errors


def test_non_x12_input_is_refused() -> None:
    with pytest.raises(X12Error) as caught:
        read_837("hello")
    assert caught.value.finding.message


def test_many_claims_and_levels() -> None:
    rng = random.Random(7)
    claims = [random_claim(rng, n) for n in range(150)]
    result = clean(write_837p(claims, ENVELOPE))
    # The writer groups claims by billing provider, so the order may differ from the input.
    assert sorted(c.claim_id for c in result.claims) == sorted(c.claim.claim_id for c in claims)
    dependents = [c for c in claims if not c.patient_is_subscriber]
    assert sum(1 for c in result.claims if c.patient is not None) == len(dependents)


# -- back to the domain ---------------------------------------------------------------------


def assert_same(original: ClaimInput, back: ClaimInput) -> None:
    o, b = original.claim, back.claim
    lines = sorted(o.lines, key=lambda ln: ln.line_number)
    if original.institutional is not None:
        # An 837I line carries neither a place of service nor diagnosis pointers.
        lines = [replace(ln, place_of_service="", diagnosis_pointers=(1,)) for ln in lines]
    assert (b.claim_id, b.frequency, b.replaces_payer_claim_number) == (
        o.claim_id,
        o.frequency,
        o.replaces_payer_claim_number,
    )
    assert b.total_charge == o.total_charge
    assert b.encounter.diagnoses == o.encounter.diagnoses
    assert sorted(b.lines, key=lambda ln: ln.line_number) == lines
    assert back.authorization == original.authorization
    assert back.coverage.member_id == original.coverage.member_id
    assert back.coverage.group_number == original.coverage.group_number
    assert back.coverage.priority is original.coverage.priority
    assert back.coverage.relationship is original.coverage.relationship
    assert (back.payer.payer_id, back.payer.kind) == (original.payer.payer_id, original.payer.kind)
    assert (back.patient.birth_date, back.patient.sex) == (
        original.patient.birth_date,
        original.patient.sex,
    )
    assert back.billing_provider.npi == original.billing_provider.npi
    assert back.billing_provider.taxonomy == original.billing_provider.taxonomy
    assert (back.referring is None) == (original.referring is None)
    if original.primary is None:
        assert back.primary is None
    else:
        p, q = original.primary, back.primary
        assert q is not None
        assert (q.paid, q.adjudicated_on, q.patient_responsibility) == (
            p.paid,
            p.adjudicated_on,
            p.patient_responsibility,
        )
        assert (q.claim_adjustments, q.lines) == (p.claim_adjustments, p.lines)
        assert q.payer_claim_number == p.payer_claim_number
        assert q.payer.payer_id == p.payer.payer_id
        assert q.coverage.member_id == p.coverage.member_id
        assert q.coverage.priority is p.coverage.priority


def test_round_trip_of_varied_professional_claims() -> None:
    rng = random.Random(11)
    claims = [random_claim(rng, n) for n in range(120)]
    text = write_837p(claims, ENVELOPE)
    read = clean(text).claims
    back = [to_claim_input(c, DEFAULTS) for c in read]
    by_id = {c.claim.claim_id: c for c in back}
    assert len(by_id) == len(claims)
    for original in claims:
        assert_same(original, by_id[original.claim.claim_id])
    # Whatever the 837 carries survives: writing the imported claims gives the same file.
    assert write_837p(back, ENVELOPE) == text


@pytest.mark.parametrize("line_level", [True, False])
def test_round_trip_of_secondary_claims(line_level: bool) -> None:
    original = secondary_input(line_level=line_level)
    text = write_837p([original], ENVELOPE)
    (read,) = clean(text).claims
    back = to_claim_input(read, DEFAULTS)
    assert_same(original, back)
    assert back.payer.kind is PayerKind.MEDICAID
    assert write_837p([back], ENVELOPE) == text


@pytest.mark.parametrize("inpatient", [True, False])
def test_round_trip_of_institutional_claims(inpatient: bool) -> None:
    original = institutional_input(inpatient=inpatient)
    text = write_837i([original], ENVELOPE)
    (read,) = clean(text).claims
    back = to_claim_input(read, DEFAULTS)
    assert_same(original, back)
    details, again = original.institutional, back.institutional
    assert details is not None
    assert again is not None
    assert dict(again.revenue_codes) == dict(details.revenue_codes)
    assert again.facility_type_code == details.facility_type_code
    assert (again.admission_type_code, again.admission_source_code) == (
        details.admission_type_code,
        details.admission_source_code,
    )
    assert again.admitted_at == details.admitted_at
    assert again.admitting_diagnosis == details.admitting_diagnosis
    assert write_837i([back], ENVELOPE) == text


def test_dependent_round_trip_keeps_the_subscriber() -> None:
    original = claim_input(
        patient=patient(last="Garcia", first="Mia"),
        coverage=coverage(relationship=Relationship.CHILD),
    )
    text = write_837p([original], ENVELOPE)
    back = to_claim_input(clean(text).claims[0], DEFAULTS)
    assert back.coverage.subscriber is not None
    assert (back.coverage.subscriber.last_name, back.coverage.subscriber.first_name) == (
        "GARCIA",
        "LUIS",
    )
    assert back.patient.first_name == "MIA"
    assert back.patient.account != back.coverage.member_id
    assert write_837p([back], ENVELOPE) == text


def test_import_refuses_what_the_domain_cannot_hold() -> None:
    text = write_837p([claim_input(coverage=coverage(relationship=Relationship.CHILD))], ENVELOPE)
    (read,) = read_837(edit(text, "PAT*19~", "PAT*53~")).claims
    with pytest.raises(ClaimImportError) as caught:
        to_claim_input(read, DEFAULTS)
    assert caught.value.field == "PAT01 relationship"
    assert caught.value.claim_id == "C-1001"
    (read,) = read_837(edit(text, "DMG*D8*19800601*F~", "")).claims
    with pytest.raises(ClaimImportError, match="birth date"):
        to_claim_input(read, DEFAULTS)


def test_code_helpers() -> None:
    assert diagnosis_with_dot("J069") == "J06.9"
    assert diagnosis_with_dot("I10") == "I10"
    assert payer_kind(ClaimFilingIndicator.MEDICARE_PART_B) is PayerKind.MEDICARE
    assert payer_kind(ClaimFilingIndicator.BLUE_CROSS_BLUE_SHIELD) is PayerKind.COMMERCIAL
    assert payer_kind(None) is PayerKind.COMMERCIAL


def test_admission_time_uses_the_given_zone() -> None:
    text = write_837i([institutional_input(inpatient=True)], ENVELOPE)
    (read,) = clean(text).claims
    back = to_claim_input(read, ImportDefaults(CREATED, "tester", admission_zone=UTC))
    assert back.institutional is not None
    assert back.institutional.admitted_at == datetime(2024, 4, 22, 8, 15, tzinfo=UTC)


# -- fuzz -----------------------------------------------------------------------------------

VALID = (
    write_837p([claim_input(), secondary_input(line_level=True)], ENVELOPE),
    write_837p([claim_input(coverage=coverage(relationship=Relationship.CHILD))], ENVELOPE),
    write_837i([institutional_input(inpatient=True)], ENVELOPE),
)
DELIMITERS = "*:^~\n"


@st.composite
def mutated(draw: st.DrawFn) -> str:
    segments = draw(st.sampled_from(VALID)).split("~")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "delete", "duplicate", "swap", "replace"]))
        if kind == "truncate":
            joined = "~".join(segments)
            segments = joined[: draw(st.integers(0, len(joined)))].split("~")
        elif kind in ("delete", "duplicate", "swap") and len(segments) > 1:
            i = draw(st.integers(0, len(segments) - 2))
            if kind == "delete":
                del segments[i]
            elif kind == "duplicate":
                segments.insert(i, segments[i])
            else:
                segments[i], segments[i + 1] = segments[i + 1], segments[i]
        elif kind == "replace":
            joined = "~".join(segments)
            if joined:
                i = draw(st.integers(0, len(joined) - 1))
                char = draw(st.one_of(st.sampled_from(DELIMITERS), st.characters()))
                joined = joined[:i] + char + joined[i + 1 :]
            segments = joined.split("~")
    return "~".join(segments)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_837_gives_findings_or_x12_error(text: str) -> None:
    refused: X12Error | None = None
    try:
        result = read_837(text)
    except X12Error as exc:
        refused = exc
    if refused is not None:
        assert refused.finding.message
        return
    assert all(finding.message for finding in result.findings)
    for read in result.claims:
        failure: ClaimImportError | None = None
        try:
            to_claim_input(read, DEFAULTS)
        except ClaimImportError as exc:
            failure = exc
        if failure is not None:
            assert failure.field
            assert failure.reason


def test_a_finding_names_its_segment_code() -> None:
    text = edit(write_837p([claim_input()], ENVELOPE), "NM1*85*", "NM1*86*")
    (finding,) = [f for f in read_837(text).findings if f.rule == "837.billing_provider_missing"]
    assert finding.code is SegmentSyntaxError.REQUIRED_SEGMENT_MISSING
    assert finding.location.segment_id == "HL"
    assert finding.location.loop_id == "2000A"
