"""276 reader: round trip through the writer, hand-written requests, findings and fuzzing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from claimdesk.domain.coverage import Relationship
from claimdesk.domain.money import Money
from claimdesk.edi.inspect import inspect_x12
from claimdesk.edi.x12.composites import EntityName, Procedure, Reference
from claimdesk.edi.x12.errors import Severity, X12Error
from claimdesk.edi.x12.hierarchy import Period
from claimdesk.edi.x12.writer import SegmentWriter
from claimdesk.edi.x270.read import InquiredPerson
from claimdesk.edi.x276.read import StatusQuestion, read_276, status_question
from claimdesk.edi.x276.write import ClaimStatusRequest, write_276
from claimdesk.edi.x837.claim_input import ClaimInput, Submitter

from .claim_builders import (
    DOS,
    ENVELOPE,
    FIRST_NAMES,
    LAST_NAMES,
    MEDICAID,
    MEDICARE,
    claim,
    claim_input,
    coverage,
    institutional_input,
    line,
    patient,
)
from .x12_mutations import mutations

CLEAN = SegmentWriter()
BILLING_SERVICE = Submitter("Billing Co", "BILLCO", "Pat", email="pat@example.com")


def status_request(
    n: int,
    *,
    relationship: Relationship = Relationship.SELF,
    day_offsets: tuple[int, ...] = (0,),
    institutional: bool = False,
    payer_claim_number: str = "",
    payer_index: int = 0,
    other_submitter: bool = False,
    last: str = "Garcia",
    first: str = "Ana",
) -> ClaimStatusRequest:
    base = institutional_input() if institutional else claim_input()
    payer = (base.payer, MEDICARE, MEDICAID)[payer_index]
    lines = tuple(
        replace(
            line(k, charge=f"{10 * k + n}.25"),
            date_of_service=DOS + timedelta(days=offset),
        )
        for k, offset in enumerate(day_offsets, start=1)
    )
    the_claim = claim(f"C-{n}", patient_account=f"P{n}", payer=payer, lines=lines)
    the_claim.payer_claim_number = payer_claim_number
    claim_in: ClaimInput = replace(
        base,
        claim=the_claim,
        patient=patient(f"P{n}", last=last, first=first),
        payer=payer,
        coverage=coverage(f"P{n}", payer, relationship=relationship, member_id=f"M{n:05d}"),
        submitter=BILLING_SERVICE if other_submitter else base.submitter,
    )
    return ClaimStatusRequest(claim_in, f"trace{n}")


def expected_question(request: ClaimStatusRequest) -> StatusQuestion:
    """What the 276 says about ``request``, in the writer's free-text form."""
    claim_in = request.claim
    the_claim = claim_in.claim
    dates = [ln.date_of_service for ln in the_claim.lines]
    institutional = claim_in.institutional
    return StatusQuestion(
        trace_number=request.trace_number.upper(),
        payer_id=claim_in.payer.payer_id,
        submitter_id=claim_in.submitter.identifier,
        provider_npi=claim_in.billing_provider.npi,
        member_id=claim_in.coverage.member_id,
        patient_last_name=CLEAN.text(claim_in.patient.last_name, 60),
        patient_first_name=CLEAN.text(claim_in.patient.first_name, 35),
        birth_date=claim_in.patient.birth_date,
        is_dependent=not claim_in.patient_is_subscriber,
        patient_control_number=the_claim.claim_id,
        payer_claim_number=the_claim.payer_claim_number,
        bill_type=(
            institutional.facility_type_code + the_claim.frequency.value
            if institutional is not None
            else ""
        ),
        charge=the_claim.total_charge,
        service_dates=Period("472", min(dates), max(dates)),
        line_control_numbers=(),
    )


def round_trip(requests: list[ClaimStatusRequest]) -> None:
    result = read_276(write_276(requests, ENVELOPE))
    assert result.findings == ()
    (transaction,) = result.transactions
    assert transaction.created == ENVELOPE.created.date()
    assert len(result.inquiries) == len(requests)
    questions = {q.trace_number: q for q in map(status_question, result.inquiries)}
    assert questions == {r.trace_number.upper(): expected_question(r) for r in requests}


def test_round_trip_of_a_varied_batch() -> None:
    round_trip(
        [
            status_request(1, payer_claim_number="PCN-555"),
            status_request(2, relationship=Relationship.CHILD, day_offsets=(0, 3, 1)),
            status_request(3, institutional=True, payer_index=2, last="Müller", first="Zoë"),
            status_request(4, other_submitter=True, relationship=Relationship.SPOUSE),
            status_request(5, day_offsets=(-2, -2)),
        ]
    )


@st.composite
def batches(draw: st.DrawFn) -> list[ClaimStatusRequest]:
    count = draw(st.integers(1, 6))
    return [
        status_request(
            n,
            relationship=draw(st.sampled_from(list(Relationship))),
            day_offsets=tuple(draw(st.lists(st.integers(-30, 30), min_size=1, max_size=4))),
            institutional=draw(st.booleans()),
            payer_claim_number=draw(st.sampled_from(("", f"PCN{n}", f"BCBS-{n}-X"))),
            payer_index=draw(st.integers(0, 2)),
            other_submitter=draw(st.booleans()),
            last=draw(st.sampled_from(LAST_NAMES)),
            first=draw(st.sampled_from(FIRST_NAMES)),
        )
        for n in range(1, count + 1)
    ]


@settings(max_examples=60, deadline=None)
@given(batches())
def test_round_trip_of_generated_batches(requests: list[ClaimStatusRequest]) -> None:
    round_trip(requests)


def test_dependent_request_names_subscriber_and_patient() -> None:
    request = status_request(9, relationship=Relationship.CHILD, institutional=True)
    (inquiry,) = read_276(write_276([request], ENVELOPE)).inquiries
    assert inquiry.is_dependent
    assert inquiry.subscriber is not None
    assert inquiry.subscriber.name == EntityName(
        "IL", "1", "GARCIA", "LUIS", id_qualifier="MI", id="M00009"
    )
    assert inquiry.subscriber.birth_date is None  # only the patient's DMG is sent
    assert inquiry.dependent == InquiredPerson(
        EntityName("QC", "1", "GARCIA", "ANA", "M"), date(1980, 6, 1), "F"
    )
    assert inquiry.patient is inquiry.dependent
    assert (inquiry.bill_type, inquiry.patient_control_number) == ("131", "C-9")
    assert inquiry.receiver is not None
    assert inquiry.receiver.entity == "41"
    assert inquiry.lines == ()


ISA = (
    "ISA*00*          *00*          *ZZ*RIVERBEND      *ZZ*ACMEPAYER      "
    "*240610*0900*^*00501*000000276*0*P*:~"
)


def interchange(segments: list[str]) -> str:
    body = ["ST*276*0001*005010X212", *segments]
    return (
        ISA
        + "GS*HR*RIVERBEND*ACMEPAYER*20240610*0900*276*X*005010X212~"
        + "".join(s + "~" for s in body)
        + f"SE*{len(body) + 1}*0001~GE*1*276~IEA*1*000000276~"
    )


HEAD = [
    "BHT*0010*13*REQ276*20240610*0900",
    "HL*1**20*1",
    "NM1*PR*2*ACME HEALTH PLAN*****PI*ACME01",
    "HL*2*1*21*1",
    "NM1*41*2*RIVERBEND FAMILY PRACTICE*****46*RBFP001",
    "HL*3*2*19*1",
    "NM1*1P*2*RIVERBEND FAMILY PRACTICE*****XX*1234567893",
]
SUBSCRIBER_TWO_CLAIMS = [
    "HL*4*3*22*0",
    "DMG*D8*19750214*F",
    "NM1*IL*1*OKAFOR*NGOZI****MI*OKA555",
    "TRN*1*Q-1",
    "REF*1K*PAY-77",
    "REF*EJ*C-1001",
    "AMT*T3*230.5",
    "DTP*472*RD8*20240420-20240422",
    "TRN*1*Q-2",
    "REF*EJ*C-1002",
    "AMT*T3*95",
    "SVC*HC:99213:25*80.5*****1",
    "REF*FJ*C-1002-1",
    "DTP*472*D8*20240501",
    "SVC*NU:0450*14.5**0450***2",
    "REF*FJ*C-1002-2",
    "DTP*472*D8*20240503",
]
DEPENDENT = [
    "HL*5*3*22*1",
    "NM1*IL*1*GARCIA*LUIS****MI*XYZ123456789",
    "HL*6*5*23",
    "DMG*D8*20100601*M",
    "NM1*QC*1*GARCIA*MATEO",
    "TRN*1*Q-3",
    "REF*BLT*131",
    "REF*EJ*I-3001",
    "AMT*T3*720",
    "DTP*472*D8*20240422",
]


def test_hand_written_requests_with_lines_and_two_claims_for_one_patient() -> None:
    result = read_276(interchange(HEAD + SUBSCRIBER_TWO_CLAIMS + DEPENDENT))
    assert result.findings == ()
    (transaction,) = result.transactions
    assert (transaction.reference, transaction.created) == ("REQ276", date(2024, 6, 10))
    first, second, third = transaction.inquiries
    assert (first.trace_number, first.payer_claim_number, first.charge) == (
        "Q-1",
        "PAY-77",
        Money("230.50"),
    )
    assert first.service_dates == Period("472", date(2024, 4, 20), date(2024, 4, 22))
    assert first.subscriber == second.subscriber
    assert second.payer_claim_number is None
    assert second.service_dates is None
    assert second.dates_of_service == Period("472", date(2024, 5, 1), date(2024, 5, 3))
    professional, institutional = second.lines
    assert professional.procedure == Procedure("HC", "99213", ("25",))
    assert (professional.charge, professional.units) == (Money("80.50"), Decimal(1))
    assert professional.control_number == "C-1002-1"
    assert institutional.procedure == Procedure("NU", "0450")
    assert (institutional.revenue_code, institutional.units) == ("0450", Decimal(2))
    assert status_question(second).line_control_numbers == ("C-1002-1", "C-1002-2")

    assert status_question(third) == StatusQuestion(
        trace_number="Q-3",
        payer_id="ACME01",
        submitter_id="RBFP001",
        provider_npi="1234567893",
        member_id="XYZ123456789",
        patient_last_name="GARCIA",
        patient_first_name="MATEO",
        birth_date=date(2010, 6, 1),
        is_dependent=True,
        patient_control_number="I-3001",
        payer_claim_number="",
        bill_type="131",
        charge=Money("720"),
        service_dates=Period("472", date(2024, 4, 22), date(2024, 4, 22)),
        line_control_numbers=(),
    )
    assert third.dependent is not None
    assert third.dependent.sex == "M"
    assert third.references == (Reference("BLT", "131"), Reference("EJ", "I-3001"))


def rules(text: str) -> dict[str, list[str]]:
    """Finding rule -> the located descriptions (segment, element, loop) of each."""
    found: dict[str, list[str]] = {}
    for finding in read_276(text).findings:
        found.setdefault(finding.rule, []).append(str(finding.location))
    return found


PATIENT = ["HL*4*3*22*0", "DMG*D8*19750214*F", "NM1*IL*1*OKAFOR*NGOZI****MI*OKA555"]


def test_bad_amounts_dates_and_qualifiers() -> None:
    segments = [*HEAD, *PATIENT, "TRN*1*Q-1", "AMT*T3*12.345", "DTP*472*D8*20241301"]
    segments += ["TRN*1*Q-2", "AMT*T1*100", "DTP*050*D8*20240101", "SVC*HC*abc"]
    found = rules(interchange(segments))
    assert found == {
        "element.amount": ["segment 15, AMT02, loop 2200D"],
        "element.date": ["segment 16, DTP03, loop 2200D"],
        "276.amount_qualifier": ["segment 18, AMT01, loop 2200D"],
        "276.date_qualifier": ["segment 19, DTP01, loop 2200D"],
        "276.procedure": ["segment 20, SVC01, loop 2210D"],
        "element.number": ["segment 20, SVC02, loop 2210D"],
        "276.service_date_missing": ["segment 14, TRN, loop 2200D", "segment 17, TRN, loop 2200D"],
    }
    first, second = read_276(interchange(segments)).inquiries
    assert (first.charge, first.service_dates) == (None, None)
    assert second.charge is None
    (bad_line,) = second.lines
    assert (bad_line.procedure, bad_line.charge) == (None, None)


def test_missing_names_member_id_and_claims() -> None:
    segments = [*HEAD[:5], "HL*3*2*19*1", "HL*4*3*22*0", "NM1*IL*1*OKAFOR*NGOZI"]
    segments += ["HL*5*3*22*1", "NM1*IL*1*GARCIA*LUIS****MI*M5", "HL*6*5*23", "DMG*D8*20100601*M"]
    segments += ["TRN*1*Q-6", "DTP*472*D8*20240422"]
    found = rules(interchange(segments))
    assert found == {
        "276.name_missing": ["segment 9, HL, loop 2000C", "segment 14, HL, loop 2000E"],
        "276.member_id_missing": ["segment 11, NM109, loop 2100D"],
        "276.trn_missing": ["segment 10, HL, loop 2000D"],
    }
    (inquiry,) = read_276(interchange(segments)).inquiries
    question = status_question(inquiry)
    assert (question.provider_npi, question.patient_last_name, question.member_id) == (
        "",
        "",
        "M5",
    )
    assert question.birth_date == date(2010, 6, 1)


def test_hl_parent_errors_and_entity_codes() -> None:
    segments = [
        *HEAD,
        "HL*4*2*22*0",  # a subscriber under the receiver, not under a provider
        "NM1*QC*1*OKAFOR*NGOZI****MI*OKA555",  # 5010 names the subscriber IL
        "TRN*1*Q-1",
        "DTP*472*D8*20240422",
        "HL*5*8*23",  # parent 8 does not exist
        "NM1*QC*1*A*B",
        "TRN*1*Q-2",
        "DTP*472*D8*20240422",
        "HL*6*3*PT",  # a 277CA level, not a 276 one
    ]
    found = rules(interchange(segments))
    assert found == {
        "276.hl_parent_level": ["segment 11, HL02, loop 2000D"],
        "276.entity_code": ["segment 12, NM101, loop 2100D"],
        "hl.parent": ["segment 15, HL02, loop 2000E"],
        "276.hl_level": ["segment 19, HL03"],
    }
    first, second = read_276(interchange(segments)).inquiries
    assert first.provider is None  # its parent is not a provider level
    assert first.receiver is not None
    assert second.subscriber is None
    assert second.payer is None


def test_segments_out_of_place_and_missing_levels() -> None:
    segments = ["HL*1**22*0", "NM1*IL*1*A*B****MI*M1", "REF*EJ*X", "TRN*1*Q-1"]
    segments += ["DTP*472*D8*20240422", "DMG*D8*19750214*F", "STC*A1:20", "SVC*HC:99213*10"]
    segments.append("AMT*T3*10")
    found = rules(interchange(segments))
    assert found == {
        "276.bht_missing": ["segment 3, ST"],
        "276.hl_parent_level": ["segment 4, HL02, loop 2000D"],
        "segment.unexpected": [
            "segment 6, REF, loop 2100D",
            "segment 9, DMG, loop 2200D",
            "segment 12, AMT, loop 2210D",
        ],
        "segment.unknown": ["segment 10, STC, loop 2200D"],
        "276.level_20_missing": ["segment 3, ST"],
        "276.level_21_missing": ["segment 3, ST"],
        "276.level_19_missing": ["segment 3, ST"],
    }


def test_other_transaction_sets_are_skipped_with_a_warning() -> None:
    text = interchange(HEAD).replace("ST*276*0001", "ST*277*0001")
    result = read_276(text.replace("GS*HR*", "GS*HN*"))  # a 277 in its own group
    assert result.transactions == ()
    (finding,) = result.findings
    assert (finding.rule, finding.severity) == ("276.not_276", Severity.WARNING)


VALID = (
    write_276(
        [
            status_request(1, payer_claim_number="PCN-1"),
            status_request(2, relationship=Relationship.CHILD, institutional=True),
        ],
        ENVELOPE,
    ),
    interchange(HEAD + SUBSCRIBER_TWO_CLAIMS + DEPENDENT),
)


@settings(max_examples=400, deadline=None)
@given(mutations(VALID))
def test_damaged_requests_give_findings_never_exceptions(text: str) -> None:
    refused: X12Error | None = None
    try:
        result = read_276(text)
    except X12Error as exc:
        refused = exc
    if refused is not None:
        assert refused.finding.message
        return
    for finding in result.findings:
        assert finding.message
    for inquiry in result.inquiries:
        status_question(inquiry)
    inspect_x12(text)


def test_damage_is_reported_not_ignored() -> None:
    text = VALID[1].replace("AMT*T3*230.5", "AMT*T3*230,5")
    (finding,) = read_276(text).findings
    assert (finding.rule, finding.location.segment_id) == ("element.number", "AMT")
