"""271 reader: rejections, benefits, coverage dates, cost share per service type and network."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings

from claimdesk.domain.money import Money
from claimdesk.edi.x12.errors import X12Error
from claimdesk.edi.x271.read import (
    BenefitCode,
    CoverageLevel,
    FollowUpAction,
    PlanNetwork,
    TimePeriod,
    read_271,
)

from .x12_mutations import mutations

IN, OUT = PlanNetwork.IN_NETWORK, PlanNetwork.OUT_OF_NETWORK


def interchange(segments: list[str], *, isa11: str = "^", version: str = "005010X279A1") -> str:
    isa = (
        "ISA*00*          *00*          *ZZ*ACMEPAYER      *ZZ*RIVERBEND      "
        f"*240601*0800*{isa11}*00501*000000501*0*P*:~"
    )
    body = [f"ST*271*0001*{version}", *segments]
    return (
        isa
        + f"GS*HB*ACMEPAYER*RIVERBEND*20240601*0800*501*X*{version}~"
        + "".join(s + "~" for s in body)
        + f"SE*{len(body) + 1}*0001~GE*1*501~IEA*1*000000501~"
    )


HEADER = [
    "BHT*0022*11*REQ0001*20240601*0800",
    "HL*1**20*1",
    "NM1*PR*2*ACME HEALTH PLAN*****PI*ACME01",
    "HL*2*1*21*1",
    "NM1*1P*2*RIVERBEND FAMILY PRACTICE*****XX*1234567893",
]

BENEFITS = [
    *HEADER,
    "HL*3*2*22*0",
    "TRN*2*T-100*1371234567",
    "TRN*1*PAYER-9*9ACME",
    "NM1*IL*1*GARCIA*ANA*M***MI*XYZ123456789",
    "REF*6P*GRP7788*PPO GOLD GROUP",
    "N3*12 ELM ST",
    "N4*SPRINGFIELD*IL*62704",
    "DMG*D8*19800601*F",
    "INS*Y*18*001*25",
    "DTP*346*D8*20240101",
    "DTP*347*D8*20241231",
    "EB*1*IND*30^1^33^98*PR*PPO GOLD",
    "MSG*TIER 2 NETWORK - ENHANCED",
    "EB*B*IND*98***27*30*****Y",
    "EB*B*IND*98***27*75*****N",
    "EB*B*IND*30***27*40*****Y",
    "EB*A*IND*30*****.2****Y",
    "EB*A*IND*30*****.5****N",
    "EB*C*FAM*30***23*3000*****Y",
    "EB*C*IND*30***23*1000*****Y",
    "DTP*292*RD8*20240101-20241231",
    "EB*C*IND*30***29*250.75*****Y",
    "EB*G*IND*30***23*5000*****W",
    "EB*G*IND*30***29*4100*****W",
    "EB*I*IND*MH**********U",
    "EB*CB*IND*33******VS*20*Y",
    "HSD*VS*20***27",
    "MSG*CHIROPRACTIC NEEDS PRECERTIFICATION",
    "EB*L",
    "LS*2120",
    "NM1*P3*1*SMITH*ANNA****XX*1987654320",
    "N3*100 MAIN STREET",
    "N4*SPRINGFIELD*IL*62701",
    "PER*IC**TE*5551234567",
    "LE*2120",
]


def test_benefits_and_cost_share() -> None:
    result = read_271(interchange(BENEFITS))
    assert result.findings == ()
    (response,) = result.responses
    assert response.reference == "REQ0001"
    (member,) = result.patients
    assert member.request_trace == "T-100"
    assert member.member_id == "XYZ123456789"
    assert [r.qualifier for r in member.references] == ["6P"]
    assert (member.city, member.state, member.postal_code) == ("SPRINGFIELD", "IL", "62704")
    assert member.birth_date == date(1980, 6, 1)
    active = member.benefits[0]
    assert active.code is BenefitCode.ACTIVE
    assert active.coverage_level is CoverageLevel.INDIVIDUAL
    assert active.service_types == ("30", "1", "33", "98")
    assert active.messages == ("TIER 2 NETWORK - ENHANCED",)
    assert member.plan_description == "PPO GOLD"
    assert member.is_active(date(2024, 6, 1)) is True
    assert member.is_active(date(2023, 12, 31)) is False
    assert member.is_active(date(2025, 1, 1)) is False
    office = member.cost_share("98", IN)
    # The office visit's own copay wins over the plan-wide (30) one.
    assert office.copay == Money("30")
    assert office.coinsurance == Decimal(".2")
    # The individual deductible wins over the family one.
    assert (office.deductible, office.deductible_remaining) == (Money(1000), Money("250.75"))
    assert (office.out_of_pocket, office.out_of_pocket_remaining) == (Money(5000), Money(4100))
    assert office.messages == ()
    plan = member.cost_share("30", IN)
    assert plan.copay == Money("40")
    out = member.cost_share("98", OUT)
    assert (out.copay, out.coinsurance, out.deductible) == (Money("75"), Decimal(".5"), None)
    assert out.out_of_pocket_remaining == Money(4100)
    chiro = member.benefits[-2]
    assert chiro.code is BenefitCode.COVERAGE_BASIS
    assert (chiro.quantity_qualifier, chiro.quantity, chiro.authorization_required) == (
        "VS",
        Decimal(20),
        True,
    )
    assert member.authorization_required("33") is True
    assert member.authorization_required("98") is None
    mental = next(b for b in member.benefits if b.code is BenefitCode.NON_COVERED)
    assert mental.authorization_required is None  # EB11 U: unknown
    deductible = next(b for b in member.benefits if b.time_period is TimePeriod.CALENDAR_YEAR)
    assert deductible.coverage_level is CoverageLevel.FAMILY
    (pcp,) = member.benefits[-1].related_entities
    assert (pcp.name.entity, pcp.name.id, pcp.city, pcp.contacts) == (
        "P3",
        "1987654320",
        "SPRINGFIELD",
        ("5551234567",),
    )


def test_rejections_at_each_level_with_follow_up() -> None:
    segments = [
        "BHT*0022*11*REQ0002*20240601*0800",
        "HL*1**20*1",
        "NM1*PR*2*ACME HEALTH PLAN*****PI*ACME01",
        "HL*2*1*21*1",
        "NM1*1P*2*RIVERBEND FAMILY PRACTICE*****XX*1234567893",
        "AAA*Y**43*N",
        "HL*3*2*22*1",
        "TRN*2*T-200*1371234567",
        "NM1*IL*1*GARCIA*LUIS****MI*XYZ123456700",
        "HL*4*3*23*0",
        "TRN*2*T-201*1371234567",
        "NM1*03*1*GARCIA*ANA",
        "AAA*N**58*C",
        "DMG*D8*19800601",
    ]
    result = read_271(interchange(segments))
    assert result.findings == ()
    (response,) = result.responses
    (provider_rejection,) = response.rejections
    assert (provider_rejection.loop, provider_rejection.reason, provider_rejection.follow_up) == (
        "2100B",
        "43",
        FollowUpAction.RESUBMISSION_NOT_ALLOWED,
    )
    subscriber, dependent = result.members
    assert subscriber.has_dependents
    assert result.patients == (dependent,)
    assert [r.reason for r in dependent.rejections] == ["58", "43"]
    assert dependent.rejections[0].valid_request is False
    assert dependent.rejections[0].follow_up is FollowUpAction.CORRECT_AND_RESUBMIT
    assert dependent.is_active() is None
    assert dependent.subscriber is not None
    assert dependent.member_id == "XYZ123456700"
    assert dependent.request_trace == "T-201"


def test_4010_service_types_have_no_repetition_separator() -> None:
    segments = [*HEADER, "HL*3*2*22*0", "NM1*IL*1*DOE*JOHN****MI*123", "EB*1**30**GOLD"]
    result = read_271(interchange(segments, isa11="U", version="004010X092A1"))
    (member,) = result.members
    assert member.benefits[0].service_types == ("30",)
    assert member.is_active() is True


def test_bad_codes_and_structure_are_findings() -> None:
    segments = [
        *HEADER,
        "HL*3*9*22*0",
        "NM1*IL*1*DOE*JOHN****MI*123",
        "DTP*291*RD8*20241301-20240101",
        "EB*Z*IND*30",
        "EB*A*IND*30*****20",
        "EB*B*XYZ*30***99*abc",
        "LS*2120",
        "NM1*P3*1*SMITH",
    ]
    result = read_271(interchange(segments))
    rules = {f.rule for f in result.findings}
    assert {
        "hl.parent",
        "element.date_range",
        "element.code",
        "271.percent",
        "element.number",
        "271.le_missing",
    } <= rules
    code = next(f for f in result.findings if f.rule == "element.code")
    assert (code.location.segment_id, code.location.element_position) == ("EB", 1)
    assert code.location.loop_id == "2110C"
    (member,) = result.members
    assert [b.code for b in member.benefits] == [
        None,
        BenefitCode.COINSURANCE,
        BenefitCode.COPAYMENT,
    ]
    assert member.benefits[1].percent is None
    copay = member.benefits[2]
    assert (copay.coverage_level, copay.time_period, copay.amount) == (None, None, None)


VALID = (interchange(BENEFITS), interchange([*HEADER, "HL*3*2*22*0", "AAA*N**72*C"]))


@settings(max_examples=400, deadline=None)
@given(mutations(VALID))
def test_damaged_files_never_crash_the_reader(text: str) -> None:
    refused: X12Error | None = None
    try:
        result = read_271(text)
    except X12Error as exc:
        refused = exc
    if refused is not None:
        assert refused.finding.message
        return
    for member in result.members:
        member.is_active(date(2024, 6, 1))
        share = member.cost_share("98")
        assert share.service_type == "98"
