"""Answer 270 eligibility inquiries with what the payer knows: active or not on the date, the
plan's cost share per network tier, what is left of the deductible, which codes need a prior
authorization. A 271 cannot code network tiers, so the plan and tier names travel as MSG text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from claimdesk.domain.coverage import (
    Coverage,
    NetworkTier,
    Priority,
    Relationship,
    Subscriber,
)
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address, Patient, Sex
from claimdesk.domain.patterns import full_match
from claimdesk.domain.payers import Payer
from claimdesk.domain.providers import Provider, ProviderKind
from claimdesk.edi.x12.composites import Procedure
from claimdesk.edi.x12.hierarchy import Period
from claimdesk.edi.x270.read import EligibilityInquiry, EligibilityQuestion, eligibility_question
from claimdesk.edi.x270.write import EligibilityRequest
from claimdesk.edi.x271.read import (
    PROCEDURE_QUALIFIER,
    BenefitCode,
    CoverageLevel,
    FollowUpAction,
    PlanNetwork,
    TimePeriod,
)
from claimdesk.edi.x271.write import BenefitAnswer, EligibilityAnswer, Rejection
from claimdesk.payer_sim.policy import TierBenefits
from claimdesk.payer_sim.state import Accumulator, SimState
from claimdesk.payer_sim.world import Member, PayerWorld

# AAA03 reject reasons (005010X279A1).
INVALID_MEMBER_ID = "72"
SUBSCRIBER_NOT_FOUND = "75"
_SEXES = {s.value: s for s in Sex}
_TIER_NAMES = {
    NetworkTier.TIER_1: "NETWORK TIER 1",
    NetworkTier.TIER_2: "NETWORK TIER 2",
    NetworkTier.TIER_3: "NETWORK TIER 3",
    NetworkTier.OUT_OF_NETWORK: "OUT OF NETWORK",
}


@dataclass(frozen=True, slots=True)
class Unanswered:
    """An inquiry a 271 cannot answer (it must echo what the inquiry lacks)."""

    trace_number: str
    reason: str


def _network(tier: NetworkTier) -> PlanNetwork:
    return (
        PlanNetwork.OUT_OF_NETWORK if tier is NetworkTier.OUT_OF_NETWORK else PlanNetwork.IN_NETWORK
    )


def tier_benefits(
    plan: str, tier: NetworkTier, benefits: TierBenefits, met: Accumulator | None
) -> list[BenefitAnswer]:
    """Copay, coinsurance, deductible and out-of-pocket for one tier (what is left of the
    year's deductible and out-of-pocket when ``met`` says what the member used)."""
    network = _network(tier)
    text = (f"PLAN {plan} {_TIER_NAMES[tier]}",)
    answers = [
        BenefitAnswer(
            BenefitCode.COPAYMENT,
            time_period=TimePeriod.VISIT,
            amount=benefits.copay,
            network=network,
            messages=text,
        ),
        BenefitAnswer(
            BenefitCode.COINSURANCE, percent=benefits.coinsurance, network=network, messages=text
        ),
        BenefitAnswer(
            BenefitCode.DEDUCTIBLE,
            coverage_level=CoverageLevel.INDIVIDUAL,
            time_period=TimePeriod.CALENDAR_YEAR,
            amount=benefits.deductible,
            network=network,
            messages=text,
        ),
    ]
    if met is not None:
        answers.append(
            BenefitAnswer(
                BenefitCode.DEDUCTIBLE,
                coverage_level=CoverageLevel.INDIVIDUAL,
                time_period=TimePeriod.REMAINING,
                amount=max(benefits.deductible - met.deductible_met, Money.zero()),
                network=network,
                messages=text,
            )
        )
    maximum = benefits.out_of_pocket_max
    if maximum is not None:
        answers.append(
            BenefitAnswer(
                BenefitCode.OUT_OF_POCKET,
                coverage_level=CoverageLevel.INDIVIDUAL,
                time_period=TimePeriod.CALENDAR_YEAR,
                amount=maximum,
                network=network,
                messages=text,
            )
        )
        if met is not None:
            answers.append(
                BenefitAnswer(
                    BenefitCode.OUT_OF_POCKET,
                    coverage_level=CoverageLevel.INDIVIDUAL,
                    time_period=TimePeriod.REMAINING,
                    amount=max(maximum - met.out_of_pocket_met, Money.zero()),
                    network=network,
                    messages=text,
                )
            )
    return answers


class EligibilityDesk:
    def __init__(self, world: PayerWorld, state: SimState) -> None:
        self.world = world
        self.state = state

    def answer(self, inquiry: EligibilityInquiry, today: date) -> EligibilityAnswer | Unanswered:
        question = eligibility_question(inquiry)
        trace = question.trace_number
        payer = self.world.payers.get(question.payer_id)
        if payer is None:
            return Unanswered(trace, f"payer {question.payer_id!r} is not a simulated payer")
        provider = self._provider(inquiry, question)
        if provider is None:
            return Unanswered(trace, "the inquiry names no provider NPI and tax id (TRN03)")
        if question.birth_date is None or not question.member_id or not trace:
            return Unanswered(trace, "the inquiry lacks the member id, birth date or trace")
        day = question.service_date or today
        member = self.world.member(
            payer.payer_id,
            question.member_id,
            first_name=question.patient_first_name,
            birth_date=question.birth_date,
        )
        pattern = payer.member_id_pattern
        if member is None:
            malformed = bool(pattern) and not full_match(pattern, question.member_id)
            reason = INVALID_MEMBER_ID if malformed else SUBSCRIBER_NOT_FOUND
            request = self._request(question, payer, provider, day, None)
            return EligibilityAnswer(
                request, rejection=Rejection(reason, FollowUpAction.CORRECT_AND_RESUBMIT)
            )
        request = self._request(question, payer, provider, day, member)
        coverage = member.coverage
        return EligibilityAnswer(
            request,
            benefits=tuple(self._benefits(member, day)),
            plan_begin=coverage.effective,
            plan_end=coverage.termination,
        )

    def _benefits(self, member: Member, day: date) -> list[BenefitAnswer]:
        coverage = member.coverage
        plan = coverage.plan_name
        span = (Period("307", coverage.effective, coverage.termination or day),)
        if not coverage.active_on(day):
            ended = coverage.termination.isoformat() if coverage.termination else ""
            message = f"PLAN {plan} ENDED {ended}" if ended else f"PLAN {plan} NOT YET IN FORCE"
            return [BenefitAnswer(BenefitCode.INACTIVE, plan_description=plan, messages=(message,))]
        tier = coverage.network_tier
        answers = [
            BenefitAnswer(
                BenefitCode.ACTIVE,
                coverage_level=CoverageLevel.INDIVIDUAL,
                plan_description=plan,
                dates=span if coverage.termination else (),
                messages=(f"PLAN {plan} {_TIER_NAMES[tier]}",),
            )
        ]
        met = self.state.accumulators.get(
            (coverage.payer_id, member.patient.account, day.year), Accumulator()
        )
        benefits = self.world.policy.plan(coverage.payer_id, plan)
        # The member's own tier first: a reader takes the first figure for a network.
        answers += tier_benefits(plan, tier, benefits.for_tier(tier), met)
        for other in sorted(benefits.tiers):
            if other is not tier:
                answers += tier_benefits(plan, other, benefits.tiers[other], None)
        # One EB per procedure needing prior authorization: EB11 Y for the code in EB13, which
        # names the service instead of an EB03 service type; the plan as a whole needs none.
        answers += [
            BenefitAnswer(
                BenefitCode.BENEFIT_DESCRIPTION,
                service_types=(),
                authorization_required=True,
                network=_network(tier),
                procedure=Procedure(PROCEDURE_QUALIFIER, code),
                messages=(f"PRIOR AUTHORIZATION REQUIRED FOR {code}",),
            )
            for code in sorted(self.world.policy.for_payer(coverage.payer_id).authorization_codes)
        ]
        return answers

    def _provider(
        self, inquiry: EligibilityInquiry, question: EligibilityQuestion
    ) -> Provider | None:
        known = self.world.providers.get(question.provider_npi)
        if known is not None:
            return known
        receiver = inquiry.receiver
        originator = inquiry.traces[0].originator if inquiry.traces else ""
        # TRN03 is "1" followed by the provider's EIN.
        tax_id = originator[1:] if originator.startswith("1") else ""
        if receiver is None or not question.provider_npi or len(tax_id) != 9:
            return None
        person = receiver.entity_type == "1"
        return Provider(
            npi=question.provider_npi,
            kind=ProviderKind.INDIVIDUAL if person else ProviderKind.ORGANIZATION,
            name=receiver.last_or_organization,
            taxonomy="",
            tax_id=tax_id,
            first_name=receiver.first if person else "",
        )

    def _request(
        self,
        question: EligibilityQuestion,
        payer: Payer,
        provider: Provider,
        day: date,
        member: Member | None,
    ) -> EligibilityRequest:
        """The request as the payer understood it: the member on file, else as asked."""
        if member is not None:
            coverage, patient = member.coverage, member.patient
        else:
            assert question.birth_date is not None
            dependent = question.is_dependent
            patient = Patient(
                account="",
                last_name=question.patient_last_name,
                first_name=question.patient_first_name,
                birth_date=question.birth_date,
                sex=_SEXES.get(question.sex, Sex.UNKNOWN),
                address=Address("", "", "", ""),
            )
            coverage = Coverage(
                coverage_id="",
                patient_account="",
                payer_id=payer.payer_id,
                plan_name="",
                member_id=question.member_id,
                group_number="",
                priority=Priority.PRIMARY,
                relationship=Relationship.OTHER if dependent else Relationship.SELF,
                effective=day,
                termination=None,
                network_tier=NetworkTier.TIER_1,
                subscriber=Subscriber(question.subscriber_last_name, question.subscriber_first_name)
                if dependent
                else None,
            )
        return EligibilityRequest(
            coverage=coverage,
            patient=patient,
            payer=payer,
            provider=provider,
            service_date=day,
            trace_number=question.trace_number,
            service_types=question.service_types,
        )
