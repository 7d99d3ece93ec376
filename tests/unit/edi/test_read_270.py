"""270 reader: round trip through the writer, hand-written inquiries, findings and fuzzing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from claimdesk.domain.coverage import Relationship
from claimdesk.domain.providers import Provider
from claimdesk.edi.inspect import inspect_x12
from claimdesk.edi.x12.composites import EntityName, Procedure, Reference, Trace
from claimdesk.edi.x12.delimiters import Delimiters
from claimdesk.edi.x12.errors import Severity, X12Error
from claimdesk.edi.x12.hierarchy import Period
from claimdesk.edi.x12.writer import SegmentWriter
from claimdesk.edi.x270.read import (
    EligibilityQuestion,
    InquiredPerson,
    eligibility_question,
    read_270,
)
from claimdesk.edi.x270.write import EligibilityRequest, write_270

from .claim_builders import (
    BILLING,
    COMMERCIAL,
    DOS,
    ENVELOPE,
    FIRST_NAMES,
    LAST_NAMES,
    MEDICAID,
    MEDICARE,
    RENDERING,
    coverage,
    make_npi,
    patient,
)
from .x12_mutations import mutations

CLEAN = SegmentWriter()
SERVICE_TYPES = ("30", "1", "33", "35", "47", "48", "50", "86", "88", "98", "AL", "MH", "UC")
OTHER_CLINIC = replace(BILLING, npi=make_npi(77), name="Lakeside Clinic", tax_id="98-7654321")


def request(
    n: int,
    *,
    relationship: Relationship = Relationship.SELF,
    last: str = "Garcia",
    first: str = "Ana",
    service_date: date = DOS,
    service_types: tuple[str, ...] = ("30",),
    payer_index: int = 0,
    provider: Provider = BILLING,
) -> EligibilityRequest:
    payer = (COMMERCIAL, MEDICARE, MEDICAID)[payer_index]
    return EligibilityRequest(
        coverage=coverage(
            f"P{n}",
            payer,
            coverage_id=f"COV{n}",
            relationship=relationship,
            member_id=f"M{n:06d}",
        ),
        patient=patient(f"P{n}", last=last, first=first),
        payer=payer,
        provider=provider,
        service_date=service_date,
        trace_number=f"tr{n}",
        service_types=service_types,
    )


def expected_question(request: EligibilityRequest) -> EligibilityQuestion:
    """What the 270 says about ``request``, in the writer's free-text form."""
    patient = request.patient
    subscriber = request.coverage.subscriber
    dependent = request.coverage.relationship is not Relationship.SELF
    last, first = (
        (subscriber.last_name, subscriber.first_name)
        if subscriber is not None
        else (patient.last_name, patient.first_name)
    )
    return EligibilityQuestion(
        trace_number=request.trace_number.upper(),
        payer_id=request.payer.payer_id,
        provider_npi=request.provider.npi,
        member_id=request.coverage.member_id,
        subscriber_last_name=CLEAN.text(last, 60),
        subscriber_first_name=CLEAN.text(first, 35),
        patient_last_name=CLEAN.text(patient.last_name, 60),
        patient_first_name=CLEAN.text(patient.first_name, 35),
        birth_date=patient.birth_date,
        sex=patient.sex.value,
        is_dependent=dependent,
        service_dates=Period("291", request.service_date, request.service_date),
        service_types=request.service_types,
        requested_on=ENVELOPE.created.date(),
    )


def round_trip(requests: list[EligibilityRequest]) -> None:
    result = read_270(write_270(requests, ENVELOPE))
    assert result.findings == ()
    (transaction,) = result.transactions
    assert transaction.created == ENVELOPE.created.date()
    questions = {q.trace_number: q for q in map(eligibility_question, result.inquiries)}
    assert len(result.inquiries) == len(requests)
    assert questions == {r.trace_number.upper(): expected_question(r) for r in requests}


def test_round_trip_of_a_varied_batch() -> None:
    round_trip(
        [
            request(1),
            request(2, relationship=Relationship.CHILD, last="Müller", first="Zoë"),
            request(3, service_types=("30", "98", "UC", "30"), payer_index=2),
            request(4, relationship=Relationship.SPOUSE, provider=OTHER_CLINIC),
            request(5, service_date=date(2023, 12, 31), payer_index=1),
        ]
    )


relationships = st.sampled_from(list(Relationship))


@st.composite
def batches(draw: st.DrawFn) -> list[EligibilityRequest]:
    count = draw(st.integers(1, 8))
    return [
        request(
            n,
            relationship=draw(relationships),
            last=draw(st.sampled_from(LAST_NAMES)),
            first=draw(st.sampled_from(FIRST_NAMES)),
            service_date=DOS + timedelta(days=draw(st.integers(-400, 400))),
            service_types=tuple(
                draw(st.lists(st.sampled_from(SERVICE_TYPES), min_size=1, max_size=5))
            ),
            payer_index=draw(st.integers(0, 2)),
            provider=draw(st.sampled_from((BILLING, OTHER_CLINIC))),
        )
        for n in range(1, count + 1)
    ]


@settings(max_examples=60, deadline=None)
@given(batches())
def test_round_trip_of_generated_batches(requests: list[EligibilityRequest]) -> None:
    round_trip(requests)


def test_dependent_inquiry_keeps_subscriber_and_dependent_apart() -> None:
    written = write_270([request(7, relationship=Relationship.CHILD)], ENVELOPE)
    (inquiry,) = read_270(written).inquiries
    assert inquiry.is_dependent
    assert inquiry.subscriber is not None
    assert inquiry.subscriber.name is not None
    assert (inquiry.subscriber.name.entity, inquiry.subscriber.member_id) == ("IL", "M000007")
    assert inquiry.subscriber.birth_date is None  # the writer sends the patient's DMG only
    assert inquiry.dependent is not None
    assert inquiry.dependent.name is not None
    assert (inquiry.dependent.name.entity, inquiry.dependent.name.last_or_organization) == (
        "03",
        "GARCIA",
    )
    assert inquiry.patient is inquiry.dependent
    assert inquiry.traces == (Trace("1", "TR7", "1123456789"),)
    assert inquiry.source == EntityName(
        "PR", "2", "BLUE CROSS BLUE SHIELD", id_qualifier="PI", id="BCBS01"
    )


def test_delimiters_other_than_the_defaults_read_the_same() -> None:
    odd = Delimiters(element="|", component="<", repetition="!", segment="\n")
    requests = [request(1, service_types=("30", "98")), request(2, relationship=Relationship.CHILD)]
    default = read_270(write_270(requests, ENVELOPE))
    other = read_270(write_270(requests, ENVELOPE, delimiters=odd, line_breaks=True))
    assert other.findings == ()
    assert list(map(eligibility_question, other.inquiries)) == list(
        map(eligibility_question, default.inquiries)
    )


ISA = (
    "ISA*00*          *00*          *ZZ*RIVERBEND      *ZZ*ACMEPAYER      "
    "*240503*0900*^*00501*000000270*0*P*:~"
)


def interchange(segments: list[str]) -> str:
    body = ["ST*270*0001*005010X279A1", *segments]
    return (
        ISA
        + "GS*HS*RIVERBEND*ACMEPAYER*20240503*0900*270*X*005010X279A1~"
        + "".join(s + "~" for s in body)
        + f"SE*{len(body) + 1}*0001~GE*1*270~IEA*1*000000270~"
    )


HEAD = [
    "BHT*0022*13*REQ0001*20240503*0900",
    "HL*1**20*1",
    "NM1*PR*2*ACME HEALTH PLAN*****PI*ACME01",
    "HL*2*1*21*1",
    "NM1*1P*1*NGUYEN*LINH****XX*1234567893",
    "REF*TJ*123456789",
    "N3*100 MAIN ST",
    "N4*SPRINGFIELD*IL*62701",
    "PRV*PE*PXC*207Q00000X",
]
SUBSCRIBER_WITH_RANGE = [
    "HL*3*2*22*0",
    "TRN*1*TRACE-A*9877281234",
    "TRN*1*CH-TRACE*9999999999*CLEARING",
    "NM1*IL*1*OKAFOR*NGOZI*A***MI*OKA555",
    "REF*6P*GRP7788",
    "N3*12 ELM ST*APT 4",
    "N4*SPRINGFIELD*IL*62704",
    "DMG*D8*19750214*F",
    "INS*Y*18",
    "DTP*291*RD8*20240401-20240430",
    "EQ*30^1^33**IND",
    "EQ**HC:99213:25",
    "DTP*291*D8*20240415",
    "III*ZZ*11",
]
DEPENDENT = [
    "HL*4*2*22*1",
    "NM1*IL*1*GARCIA*LUIS****MI*XYZ123456789",
    "HL*5*4*23*0",
    "TRN*1*TRACE-B*9877281234",
    "NM1*03*1*GARCIA*ANA",
    "DMG*D8*20100601*F",
    "INS*N*19",
    "EQ*35",
]


def test_hand_written_inquiries_with_ranges_repetitions_and_procedures() -> None:
    result = read_270(interchange(HEAD + SUBSCRIBER_WITH_RANGE + DEPENDENT))
    assert result.findings == ()
    (transaction,) = result.transactions
    assert (transaction.reference, transaction.created) == ("REQ0001", date(2024, 5, 3))
    subscriber, dependent = transaction.inquiries
    assert subscriber.traces == (
        Trace("1", "TRACE-A", "9877281234"),
        Trace("1", "CH-TRACE", "9999999999", "CLEARING"),
    )
    assert subscriber.trace_number == "TRACE-A"
    assert subscriber.subscriber == InquiredPerson(
        name=EntityName("IL", "1", "OKAFOR", "NGOZI", "A", id_qualifier="MI", id="OKA555"),
        birth_date=date(1975, 2, 14),
        sex="F",
        references=(Reference("6P", "GRP7788"),),
        address_lines=("12 ELM ST", "APT 4"),
        city="SPRINGFIELD",
        state="IL",
        postal_code="62704",
        relationship="18",
    )
    assert subscriber.subscriber is not None
    assert subscriber.subscriber.reference("6P") == "GRP7788"
    assert subscriber.service_dates == Period("291", date(2024, 4, 1), date(2024, 4, 30))
    first_eq, second_eq = subscriber.services
    assert (first_eq.service_types, first_eq.coverage_level) == (("30", "1", "33"), "IND")
    assert second_eq.service_types == ()
    assert second_eq.procedure == Procedure("HC", "99213", ("25",))
    assert second_eq.dates == (Period("291", date(2024, 4, 15), date(2024, 4, 15)),)
    assert subscriber.service_types == ("30", "1", "33")
    assert subscriber.provider_npi == "1234567893"
    assert subscriber.receiver is not None
    assert subscriber.receiver.first == "LINH"

    question = eligibility_question(dependent)
    assert question == EligibilityQuestion(
        trace_number="TRACE-B",
        payer_id="ACME01",
        provider_npi="1234567893",
        member_id="XYZ123456789",
        subscriber_last_name="GARCIA",
        subscriber_first_name="LUIS",
        patient_last_name="GARCIA",
        patient_first_name="ANA",
        birth_date=date(2010, 6, 1),
        sex="F",
        is_dependent=True,
        service_dates=None,
        service_types=("35",),
        requested_on=date(2024, 5, 3),
    )
    # No date of service: the payer answers for the day of the request.
    assert question.service_date == date(2024, 5, 3)
    assert dependent.dependent is not None
    assert dependent.dependent.relationship == "19"


def test_date_of_service_only_in_the_eq_loop() -> None:
    segments = [*HEAD, "HL*3*2*22*0", "TRN*1*T1", "NM1*IL*1*A*B****MI*M1", "EQ*30"]
    segments.append("DTP*291*D8*20240420")
    (inquiry,) = read_270(interchange(segments)).inquiries
    assert inquiry.dates == ()
    assert inquiry.service_dates == Period("291", date(2024, 4, 20), date(2024, 4, 20))


def rules(text: str) -> dict[str, list[str]]:
    """Finding rule -> the located descriptions (segment, element, loop) of each."""
    found: dict[str, list[str]] = {}
    for finding in read_270(text).findings:
        found.setdefault(finding.rule, []).append(str(finding.location))
    return found


def test_missing_subscriber_name_is_located_at_its_level() -> None:
    segments = [*HEAD, "HL*3*2*22*0", "TRN*1*T1", "DMG*D8*19750214*F", "EQ*30"]
    text = interchange(segments)
    result = read_270(text)
    (finding,) = result.findings
    assert finding.rule == "270.name_missing"
    assert "NM1*IL" in finding.message
    assert (finding.location.segment_id, finding.location.loop_id) == ("HL", "2000C")
    assert finding.location.segment_position == 3 + len(HEAD) + 1
    (inquiry,) = result.inquiries
    assert inquiry.member_id == ""
    assert eligibility_question(inquiry).subscriber_last_name == ""


def test_member_id_and_entity_code() -> None:
    segments = [*HEAD, "HL*3*2*22*0", "TRN*1*T1", "NM1*QC*1*OKAFOR*NGOZI", "EQ*30"]
    found = read_270(interchange(segments)).findings
    assert {(f.rule, f.location.element_position, f.location.loop_id) for f in found} == {
        ("270.entity_code", 1, "2100C"),
        ("270.member_id_missing", 9, "2100C"),
    }


def test_bad_dates_are_findings_with_their_element() -> None:
    segments = [*HEAD, "HL*3*2*22*0", "TRN*1*T1", "NM1*IL*1*A*B****MI*M1"]
    segments += ["DMG*D8*19751314*F", "DTP*291*RD8*20240430-20240401", "EQ*30"]
    found = rules(interchange(segments))
    assert found == {
        "element.date": ["segment 16, DMG02, loop 2100C"],
        "element.date_range": ["segment 17, DTP03, loop 2100C"],
    }
    (inquiry,) = read_270(interchange(segments)).inquiries
    assert inquiry.subscriber is not None
    assert inquiry.subscriber.birth_date is None
    assert inquiry.service_dates is None


def test_hl_parent_errors() -> None:
    segments = [
        *HEAD,
        "HL*3*9*22*0",  # parent 9 does not exist
        "TRN*1*T1",
        "NM1*IL*1*A*B****MI*M1",
        "EQ*30",
        "HL*4*1*22*0",  # a subscriber under the payer, not under a receiver
        "TRN*1*T2",
        "NM1*IL*1*C*D****MI*M2",
        "EQ*30",
        "HL*5*4*99*0",  # not a 270 level
        "HL*4*2*22*0",  # HL01 used twice
        "TRN*1*T3",
        "NM1*IL*1*E*F****MI*M3",
        "EQ*30",
    ]
    found = rules(interchange(segments))
    assert found == {
        "hl.parent": ["segment 13, HL02, loop 2000C"],
        "270.hl_parent_level": ["segment 17, HL02, loop 2000C"],
        "270.hl_level": ["segment 21, HL03"],
        "hl.duplicate": ["segment 22, HL01, loop 2000C"],
    }
    assert [i.trace_number for i in read_270(interchange(segments)).inquiries] == [
        "T1",
        "T2",
        "T3",
    ]


def test_an_inquiry_without_trace_or_question() -> None:
    segments = [*HEAD, "HL*3*2*22*0", "NM1*IL*1*A*B****MI*M1", "EQ", "HL*4*2*22*0"]
    segments.append("NM1*IL*1*C*D****MI*M2")
    found = rules(interchange(segments))
    assert found == {
        "270.eq_empty": ["segment 15, EQ01, loop 2110C"],
        "270.trn_missing": ["segment 13, HL, loop 2000C", "segment 16, HL, loop 2000C"],
        "270.eq_missing": ["segment 16, HL, loop 2000C"],
    }


def test_inquiry_at_a_subscriber_with_dependents_is_a_warning() -> None:
    segments = [*HEAD, "HL*3*2*22*1", "NM1*IL*1*A*B****MI*M1", "EQ*30"]
    segments += ["HL*4*3*23*0", "TRN*1*T4", "NM1*03*1*A*C", "EQ*30"]
    result = read_270(interchange(segments))
    (finding,) = result.findings
    assert (finding.rule, finding.severity) == ("270.inquiry_above_dependent", Severity.WARNING)
    assert finding.location.segment_id == "EQ"
    (inquiry,) = result.inquiries
    assert inquiry.is_dependent
    assert inquiry.trace_number == "T4"


def test_missing_bht_and_levels() -> None:
    found = rules(interchange(["HL*1**22*0", "TRN*1*T1", "NM1*IL*1*A*B****MI*M1", "EQ*30"]))
    assert found == {
        "270.bht_missing": ["segment 3, ST"],
        "270.hl_parent_level": ["segment 4, HL02, loop 2000C"],
        "270.level_20_missing": ["segment 3, ST"],
        "270.level_21_missing": ["segment 3, ST"],
    }


def test_segments_out_of_place() -> None:
    segments = [*HEAD, "HL*3*2*22*0", "TRN*1*T1", "NM1*IL*1*A*B****MI*M1", "EQ*30"]
    segments += ["NM1*IL*1*A*B****MI*M9", "CLM*1*2", "STC*A1:20"]
    found = rules(interchange(["TRN*1*EARLY", *segments]))
    assert found == {
        "segment.unexpected": ["segment 4, TRN", "segment 18, NM1, loop 2110C"],
        "segment.unknown": ["segment 19, CLM, loop 2110C", "segment 20, STC, loop 2110C"],
    }


def test_other_transaction_sets_are_skipped_with_a_warning() -> None:
    text = interchange([*HEAD]).replace("ST*270*0001", "ST*271*0001")
    result = read_270(text.replace("GS*HS*", "GS*HB*"))  # a 271 in its own group
    assert result.transactions == ()
    (finding,) = result.findings
    assert (finding.rule, finding.severity) == ("270.not_270", Severity.WARNING)


VALID = (
    write_270(
        [request(1, service_types=("30", "98")), request(2, relationship=Relationship.CHILD)],
        ENVELOPE,
    ),
    interchange(HEAD + SUBSCRIBER_WITH_RANGE + DEPENDENT),
)


@settings(max_examples=400, deadline=None)
@given(mutations(VALID))
def test_damaged_inquiries_give_findings_never_exceptions(text: str) -> None:
    refused: X12Error | None = None
    try:
        result = read_270(text)
    except X12Error as exc:
        refused = exc
    if refused is not None:
        assert refused.finding.message
        return
    for finding in result.findings:
        assert finding.message
    for inquiry in result.inquiries:
        eligibility_question(inquiry)
    inspect_x12(text)


def test_damage_is_reported_not_ignored() -> None:
    text = VALID[1].replace("DMG*D8*19750214*F", "DMG*D8*1975021*F")
    (finding,) = [f for f in read_270(text).findings if f.rule == "element.date"]
    assert finding.location.segment_id == "DMG"


def test_the_rendering_provider_can_ask_as_a_person() -> None:
    person = replace(RENDERING, tax_id="11-2223333")
    (inquiry,) = read_270(write_270([request(1, provider=person)], ENVELOPE)).inquiries
    assert inquiry.receiver is not None
    assert (inquiry.receiver.entity_type, inquiry.receiver.first) == ("1", "LINH")
    assert inquiry.provider_npi == RENDERING.npi
