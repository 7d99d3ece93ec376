"""Helpers for the Tier 1 integration tests: the small practice imported, 271 answers built."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal

from store_practice import ACME, CHILD, CHILD_ACME, GROUP, NOW, small_bundle

from claimdesk.domain.money import Money
from claimdesk.edi.hierarchical import Period
from claimdesk.edi.write_271 import BenefitAnswer, EligibilityAnswer, Rejection, write_271
from claimdesk.edi.writer import Envelope
from claimdesk.edi.x270 import EligibilityRequest
from claimdesk.edi.x271 import BenefitCode, CoverageLevel, FollowUpAction, PlanNetwork, TimePeriod
from claimdesk.services.import_bundle import import_bundle
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
IN, OUT = PlanNetwork.IN_NETWORK, PlanNetwork.OUT_OF_NETWORK
YEAR = Period("291", date(2024, 1, 1), date(2024, 12, 31))

ACTIVE_PLAN = (
    BenefitAnswer(
        BenefitCode.ACTIVE,
        coverage_level=CoverageLevel.INDIVIDUAL,
        plan_description="ACME PPO",
        dates=(YEAR,),
        messages=("NETWORK TIER 1 - PREFERRED",),
    ),
    BenefitAnswer(BenefitCode.COPAYMENT, ("98",), amount=Money("25"), network=IN),
    BenefitAnswer(BenefitCode.COINSURANCE, ("30",), percent=Decimal("0.2"), network=IN),
    BenefitAnswer(BenefitCode.COINSURANCE, ("30",), percent=Decimal("0.4"), network=OUT),
    BenefitAnswer(
        BenefitCode.DEDUCTIBLE,
        ("30",),
        time_period=TimePeriod.CALENDAR_YEAR,
        amount=Money("1500"),
        network=IN,
    ),
    BenefitAnswer(
        BenefitCode.DEDUCTIBLE,
        ("30",),
        time_period=TimePeriod.REMAINING,
        amount=Money("40"),
        network=IN,
    ),
    BenefitAnswer(
        BenefitCode.OUT_OF_POCKET,
        ("30",),
        time_period=TimePeriod.REMAINING,
        amount=Money("2100.50"),
        network=IN,
    ),
    BenefitAnswer(
        BenefitCode.COPAYMENT, ("98",), amount=Money("25"), network=IN, authorization_required=True
    ),
)
INACTIVE_PLAN = (BenefitAnswer(BenefitCode.INACTIVE, plan_description="ACME PPO"),)


def import_small_practice(uow_factory: UowFactory, now: datetime = NOW) -> None:
    import_bundle(
        uow_factory,
        small_bundle(),
        source="/bundles/small",
        files_sha256="0" * 64,
        user="t",
        now=now,
    )


def request_for(trace: str, service_date: date) -> EligibilityRequest:
    return EligibilityRequest(CHILD_ACME, CHILD, ACME, GROUP, service_date, trace)


def answer_271(
    requests: Sequence[EligibilityRequest],
    *,
    benefits: tuple[BenefitAnswer, ...] = ACTIVE_PLAN,
    reject: str = "",
    control: int = 900,
    created: datetime = NOW,
) -> str:
    answers = [
        EligibilityAnswer(
            r,
            benefits=() if reject else benefits,
            rejection=Rejection(reject, FollowUpAction.CORRECT_AND_RESUBMIT) if reject else None,
            plan_begin=date(2024, 1, 1),
        )
        for r in requests
    ]
    return write_271(answers, Envelope("ACME", "CLAIMDESK", control, control, created))
