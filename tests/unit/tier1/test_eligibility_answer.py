"""What a 271 answer means for a coverage on a date of service: active, inactive, unknown
member, rejected, no status; with the cost share per service type and network."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from claimdesk.domain.coverage import Coverage, NetworkTier, Priority, Relationship
from claimdesk.domain.eligibility import EligibilityProblem
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address, Patient, Sex
from claimdesk.domain.payers import Payer, PayerKind
from claimdesk.domain.providers import Provider, ProviderKind, npi_check_digit
from claimdesk.edi.x12.hierarchy import Period
from claimdesk.edi.x12.writer import Envelope
from claimdesk.edi.x270.write import EligibilityRequest
from claimdesk.edi.x271.read import BenefitCode, FollowUpAction, PlanNetwork, TimePeriod, read_271
from claimdesk.edi.x271.write import BenefitAnswer, EligibilityAnswer, Rejection, write_271
from claimdesk.services.eligibility_answer import interpret, member_segments

DOS = date(2024, 4, 22)
PAYER = Payer("ACME", "Acme Health", PayerKind.COMMERCIAL, 90, 180)
PROVIDER = Provider(
    "123456789" + npi_check_digit("123456789"),
    ProviderKind.ORGANIZATION,
    "Riverbend Clinic",
    "261QP2300X",
    "123456789",
)
PATIENT = Patient(
    "P1", "Garcia", "Ana", date(1980, 6, 1), Sex.FEMALE, Address("1 Elm", "Dublin", "OH", "43017")
)
COVERAGE = Coverage(
    "COV1", "P1", "ACME", "PPO", "A123", "G1", Priority.PRIMARY, Relationship.SELF,
    date(2024, 1, 1), None, NetworkTier.TIER_1,
)  # fmt: skip
REQUEST = EligibilityRequest(COVERAGE, PATIENT, PAYER, PROVIDER, DOS, "T1")
ENVELOPE = Envelope("ACME", "CLAIMDESK", 5, 5, datetime(2024, 4, 20, 9, 0, tzinfo=UTC))
IN, OUT = PlanNetwork.IN_NETWORK, PlanNetwork.OUT_OF_NETWORK


def member_of(answer: EligibilityAnswer):  # type: ignore[no-untyped-def]
    parsed = read_271(write_271([answer], ENVELOPE))
    [response] = parsed.responses
    [member] = response.patients
    return parsed, response, member


def test_active_answer_with_cost_share_per_service_type_and_network() -> None:
    answer = EligibilityAnswer(
        REQUEST,
        benefits=(
            BenefitAnswer(
                BenefitCode.ACTIVE,
                plan_description="PPO GOLD",
                dates=(Period("291", date(2024, 1, 1), date(2024, 12, 31)),),
                messages=("TIER 1 PREFERRED",),
            ),
            BenefitAnswer(BenefitCode.COPAYMENT, ("98",), amount=Money("30"), network=IN),
            BenefitAnswer(BenefitCode.COPAYMENT, ("98",), amount=Money("70"), network=OUT),
            BenefitAnswer(
                BenefitCode.DEDUCTIBLE,
                time_period=TimePeriod.REMAINING,
                amount=Money("250.75"),
                network=IN,
            ),
            BenefitAnswer(
                BenefitCode.COINSURANCE,
                ("MH",),
                percent=Decimal("0.3"),
                network=IN,
                authorization_required=True,
            ),
        ),
    )
    parsed, response, member = member_of(answer)
    reading = interpret(member, DOS)
    assert (reading.active, reading.problem, reading.plan) == (
        True,
        EligibilityProblem.NONE,
        "PPO GOLD",
    )
    assert reading.messages == ("TIER 1 PREFERRED",)
    assert reading.authorization_required is True  # mental health needs authorization
    figures = {(b.service_type, b.network): b for b in reading.benefits}
    assert figures[("98", "in")].copay == Money("30.00")
    assert figures[("98", "out")].copay == Money("70.00")
    assert figures[("98", "in")].deductible_remaining == Money("250.75")
    assert figures[("MH", "in")].coinsurance == Decimal("0.3")
    assert figures[("MH", "in")].authorization_required is True
    assert ("MH", "out") not in figures  # nothing reported out of network for MH
    raw = member_segments(parsed.envelopes.transaction_sets, response, member)
    assert raw.startswith("HL*3*2*22*0~TRN*2*T1*")
    assert "EB*B**98****70*****N~" in raw


def test_a_date_of_service_outside_the_plan_dates_is_inactive() -> None:
    answer = EligibilityAnswer(
        REQUEST,
        benefits=(
            BenefitAnswer(
                BenefitCode.ACTIVE, dates=(Period("291", date(2023, 1, 1), date(2023, 12, 31)),)
            ),
        ),
    )
    reading = interpret(member_of(answer)[2], DOS)
    assert reading.active is False
    assert reading.problem is EligibilityProblem.INACTIVE
    assert reading.reason == "the payer reports the coverage inactive on 2024-04-22"
    assert reading.fix_hint.startswith("Ask the patient for the insurance in force")


def test_an_inactive_benefit_is_inactive() -> None:
    answer = EligibilityAnswer(REQUEST, benefits=(BenefitAnswer(BenefitCode.INACTIVE),))
    assert interpret(member_of(answer)[2], DOS).problem is EligibilityProblem.INACTIVE


@pytest.mark.parametrize(
    ("code", "problem", "said", "fix"),
    [
        (
            "72",
            EligibilityProblem.UNKNOWN_MEMBER,
            "AAA reject reason 72: the member id is invalid or missing",
            "Check the member id with the patient's insurance card and correct the coverage.",
        ),
        (
            "75",
            EligibilityProblem.UNKNOWN_MEMBER,
            "AAA reject reason 75: the payer cannot find the subscriber",
            "Check the member id and the subscriber's name and date of birth against the "
            "patient's card; ask the patient whether the plan changed.",
        ),
        (
            "42",
            EligibilityProblem.REJECTED,
            "AAA reject reason 42: the payer could not respond at the time",
            "Run the eligibility check again later.",
        ),
        (
            "99",
            EligibilityProblem.REJECTED,
            "AAA reject reason 99: the payer rejected the inquiry",
            "Look up the reject reason code, correct the registration and run the check again.",
        ),
    ],
)
def test_aaa_rejections_name_the_reason_and_the_fix(
    code: str, problem: EligibilityProblem, said: str, fix: str
) -> None:
    answer = EligibilityAnswer(
        REQUEST, rejection=Rejection(code, FollowUpAction.CORRECT_AND_RESUBMIT)
    )
    reading = interpret(member_of(answer)[2], DOS)
    assert (reading.active, reading.problem, reading.reason, reading.fix_hint) == (
        False,
        problem,
        said,
        fix,
    )
    assert (reading.reject_reason, reading.follow_up) == (code, "C")
    assert reading.benefits == ()


def test_an_answer_without_coverage_status_is_a_problem() -> None:
    answer = EligibilityAnswer(
        REQUEST, benefits=(BenefitAnswer(BenefitCode.COPAYMENT, amount=Money("10")),)
    )
    reading = interpret(member_of(answer)[2], DOS)
    assert reading.active is False
    assert reading.problem is EligibilityProblem.NO_STATUS
    assert reading.fix_hint == "Call the payer to confirm the coverage, then record the answer."
