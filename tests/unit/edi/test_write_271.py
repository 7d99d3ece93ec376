"""271 writer: no pyx12 map exists for 271, so answers are checked by structure and by reading
them back with the 271 reader (write, read, compare)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from claimdesk.domain.coverage import Relationship
from claimdesk.domain.money import Money
from claimdesk.edi.x12.composites import EntityName, Procedure
from claimdesk.edi.x12.hierarchy import Period
from claimdesk.edi.x12.writer import X12WriteError
from claimdesk.edi.x270.write import EligibilityRequest
from claimdesk.edi.x271.read import (
    Benefit,
    BenefitCode,
    CoverageLevel,
    FollowUpAction,
    PlanNetwork,
    TimePeriod,
    read_271,
)
from claimdesk.edi.x271.write import BenefitAnswer, EligibilityAnswer, Rejection, write_271

from .claim_builders import BILLING, COMMERCIAL, DOS, ENVELOPE, MEDICAID, coverage, patient
from .x12_checks import check_envelope, check_hierarchy

IN, OUT, BOTH = PlanNetwork.IN_NETWORK, PlanNetwork.OUT_OF_NETWORK, PlanNetwork.NOT_APPLICABLE
YEAR = Period("291", date(2024, 1, 1), date(2024, 12, 31))


def request(n: int = 1, **changes: object) -> EligibilityRequest:
    base = EligibilityRequest(
        coverage=coverage(f"P{n}", coverage_id=f"COV{n}", member_id=f"M{n:05d}"),
        patient=patient(f"P{n}", last="Nguyen", first="Li"),
        payer=COMMERCIAL,
        provider=BILLING,
        service_date=DOS,
        trace_number=f"T{n}",
        service_types=("30", "98"),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


PLAN = (
    BenefitAnswer(
        BenefitCode.ACTIVE,
        coverage_level=CoverageLevel.INDIVIDUAL,
        insurance_type="PR",
        plan_description="PPO GOLD",
        dates=(YEAR,),
        messages=("NETWORK TIER 1 - PREFERRED",),
    ),
    BenefitAnswer(BenefitCode.COPAYMENT, ("98",), amount=Money("25"), network=IN),
    BenefitAnswer(BenefitCode.COPAYMENT, ("98",), amount=Money("60"), network=OUT),
    BenefitAnswer(BenefitCode.COINSURANCE, ("30",), percent=Decimal("0.2"), network=IN),
    BenefitAnswer(BenefitCode.COINSURANCE, ("30",), percent=Decimal("0.4"), network=OUT),
    BenefitAnswer(
        BenefitCode.DEDUCTIBLE,
        ("30",),
        CoverageLevel.INDIVIDUAL,
        time_period=TimePeriod.CALENDAR_YEAR,
        amount=Money("1500"),
        network=IN,
    ),
    BenefitAnswer(
        BenefitCode.DEDUCTIBLE,
        ("30",),
        CoverageLevel.INDIVIDUAL,
        time_period=TimePeriod.REMAINING,
        amount=Money("1234.56"),
        network=IN,
    ),
    BenefitAnswer(
        BenefitCode.OUT_OF_POCKET,
        ("30",),
        CoverageLevel.INDIVIDUAL,
        time_period=TimePeriod.CALENDAR_YEAR,
        amount=Money("6000"),
        network=BOTH,
    ),
    BenefitAnswer(
        BenefitCode.OUT_OF_POCKET,
        ("30",),
        CoverageLevel.INDIVIDUAL,
        time_period=TimePeriod.REMAINING,
        amount=Money("5100"),
        network=BOTH,
    ),
    BenefitAnswer(
        BenefitCode.NON_COVERED,
        ("62", "MH"),
        authorization_required=True,
        messages=("IMAGING AND MENTAL HEALTH NEED PRIOR AUTHORIZATION",),
    ),
    BenefitAnswer(
        BenefitCode.PRIMARY_CARE_PROVIDER,
        related_entity=EntityName("P3", "1", "SMITH", "ANNA", id_qualifier="XX", id="1987654320"),
    ),
)


def _as_answer(benefit: Benefit) -> BenefitAnswer:
    assert benefit.code is not None
    return BenefitAnswer(
        code=benefit.code,
        service_types=benefit.service_types,
        coverage_level=benefit.coverage_level,
        insurance_type=benefit.insurance_type,
        plan_description=benefit.plan_description,
        time_period=benefit.time_period,
        amount=benefit.amount,
        percent=benefit.percent,
        authorization_required=benefit.authorization_required,
        network=benefit.network,
        procedure=benefit.procedure,
        dates=benefit.dates,
        messages=benefit.messages,
        related_entity=benefit.related_entities[0].name if benefit.related_entities else None,
    )


def test_active_coverage_reads_back_with_its_cost_share() -> None:
    answer = EligibilityAnswer(
        request(),
        PLAN,
        plan_begin=date(2024, 1, 1),
        plan_end=date(2024, 12, 31),
        payer_trace_number="PAYER-1",
    )
    x12 = write_271([answer], ENVELOPE)
    segs = check_envelope(x12)
    check_hierarchy(segs)
    assert segs[1][1] == "HB"
    assert segs[3][:3] == ["BHT", "0022", "11"]
    assert ["EB", "1", "IND", "30", "PR", "PPO GOLD"] in segs
    assert ["EB", "I", "", "62^MH", "", "", "", "", "", "", "", "Y"] in segs
    assert ["LS", "2120"] in segs
    result = read_271(x12)
    assert result.findings == ()
    (member,) = result.members
    assert [_as_answer(b) for b in member.benefits] == list(PLAN)
    assert member.request_trace == "T1"
    assert member.member_id == "M00001"
    assert not member.is_dependent
    assert member.birth_date == date(1980, 6, 1)
    assert member.sex == "F"
    assert member.payer is not None
    assert member.payer.id == "BCBS01"
    assert member.receiver is not None
    assert member.receiver.id == BILLING.npi
    assert member.is_active() is True
    assert member.is_active(DOS) is True
    assert member.is_active(date(2025, 1, 2)) is False
    assert member.plan_description == "PPO GOLD"
    office = member.cost_share("98", IN)
    assert (office.copay, office.coinsurance) == (Money("25"), Decimal("0.2"))
    assert (office.deductible, office.deductible_remaining) == (Money("1500"), Money("1234.56"))
    assert (office.out_of_pocket, office.out_of_pocket_remaining) == (Money(6000), Money(5100))
    assert office.authorization_required is None
    away = member.cost_share("98", OUT)
    assert (away.copay, away.coinsurance, away.deductible) == (Money("60"), Decimal("0.4"), None)
    assert away.out_of_pocket_remaining == Money("5100")  # W: the same in and out of network
    assert member.authorization_required("MH") is True
    assert "NETWORK TIER 1 - PREFERRED" in member.messages
    (pcp,) = next(b for b in member.benefits if b.related_entities).related_entities
    assert pcp.name.id == "1987654320"


def test_procedures_needing_authorization_round_trip_in_eb13() -> None:
    benefits = (
        PLAN[0],
        BenefitAnswer(BenefitCode.COPAYMENT, ("98",), amount=Money("25"), network=IN),
        BenefitAnswer(
            BenefitCode.BENEFIT_DESCRIPTION,
            (),
            authorization_required=True,
            network=IN,
            procedure=Procedure("HC", "20610"),
        ),
        BenefitAnswer(
            BenefitCode.BENEFIT_DESCRIPTION,
            (),
            authorization_required=True,
            network=IN,
            procedure=Procedure("HC", "73721", ("RT",)),
        ),
        BenefitAnswer(
            BenefitCode.BENEFIT_DESCRIPTION,
            (),
            authorization_required=False,
            network=IN,
            procedure=Procedure("HC", "99213"),
        ),
    )
    x12 = write_271([EligibilityAnswer(request(), benefits)], ENVELOPE)
    segs = check_envelope(x12)
    assert ["EB", "D", "", "", "", "", "", "", "", "", "", "Y", "Y", "HC:20610"] in segs
    assert ["EB", "D", "", "", "", "", "", "", "", "", "", "Y", "Y", "HC:73721:RT"] in segs
    result = read_271(x12)
    assert result.findings == ()
    (member,) = result.members
    assert [_as_answer(b) for b in member.benefits] == list(benefits)
    assert member.authorization_codes() == frozenset({"20610", "73721"})
    # A procedure's EB11 is not the plan's: no service type needs authorization.
    assert member.authorization_required() is None
    assert member.cost_share("98", IN).authorization_required is None


def test_an_eb13_qualifier_not_sent_is_refused() -> None:
    answer = EligibilityAnswer(
        request(),
        (
            BenefitAnswer(
                BenefitCode.BENEFIT_DESCRIPTION,
                authorization_required=True,
                procedure=Procedure("", "20610"),
            ),
        ),
    )
    with pytest.raises(X12WriteError, match="EB13-1 procedure qualifier"):
        write_271([answer], ENVELOPE)


def test_dependent_inactive_and_rejected_answers_in_one_file() -> None:
    dependent = request(
        2,
        coverage=coverage(
            "P2", coverage_id="COV2", member_id="M00002", relationship=Relationship.CHILD
        ),
    )
    inactive = request(3, payer=MEDICAID)
    rejected = request(4)
    answers = [
        EligibilityAnswer(dependent, (BenefitAnswer(BenefitCode.ACTIVE, plan_description="PPO"),)),
        EligibilityAnswer(
            inactive,
            (BenefitAnswer(BenefitCode.INACTIVE),),
            plan_end=date(2023, 12, 31),
        ),
        EligibilityAnswer(rejected, rejection=Rejection("75", FollowUpAction.CORRECT_AND_RESUBMIT)),
    ]
    x12 = write_271(answers, ENVELOPE)
    check_hierarchy(check_envelope(x12))
    result = read_271(x12)
    assert result.findings == ()
    assert len(result.members) == 4  # the child's subscriber has a level of its own
    # Answers are grouped by payer: the two to the commercial payer come first.
    child, unknown, lapsed = result.patients
    assert child.is_dependent
    assert child.member_id == "M00002"
    assert child.subscriber is not None
    assert child.subscriber.last_or_organization == "GARCIA"
    assert child.request_trace == "T2"
    assert child.is_active(DOS) is True
    assert lapsed.payer is not None
    assert lapsed.payer.id == "MCD01"
    assert lapsed.is_active() is False
    assert lapsed.is_active(DOS) is False
    assert unknown.rejected
    (aaa,) = unknown.rejections
    assert (aaa.valid_request, aaa.reason, aaa.follow_up, aaa.loop) == (
        False,
        "75",
        FollowUpAction.CORRECT_AND_RESUBMIT,
        "2100C",
    )
    assert unknown.is_active() is None
    assert unknown.benefits == ()


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        (EligibilityAnswer(request()), "EB"),
        (
            EligibilityAnswer(
                request(), (BenefitAnswer(BenefitCode.COINSURANCE, percent=Decimal(20)),)
            ),
            "EB08 percent",
        ),
        (
            EligibilityAnswer(request(), (BenefitAnswer(BenefitCode.ACTIVE, ("3O0",)),)),
            "EB03 service type",
        ),
        (
            EligibilityAnswer(request(trace_number="T~1"), (BenefitAnswer(BenefitCode.ACTIVE),)),
            "TRN02 trace number",
        ),
    ],
)
def test_unwritable_answers_are_refused(answer: EligibilityAnswer, field: str) -> None:
    with pytest.raises(X12WriteError) as caught:
        write_271([answer], ENVELOPE)
    assert caught.value.field == field
    assert caught.value.record == "coverage COV1"


def test_no_answers_is_an_error() -> None:
    with pytest.raises(X12WriteError, match="no eligibility answers"):
        write_271([], ENVELOPE)
