"""Helpers for the Tier 1 integration tests: the small practice imported, 271 answers built."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from store_practice import (
    ACME,
    CHILD,
    CHILD_ACME,
    CLINIC,
    DOCTOR,
    GROUP,
    NOW,
    OFFICE,
    VISIT_ADULT,
    VISIT_CHILD,
    VISIT_CHILD_2,
    line,
    small_bundle,
)

from claimdesk.bundle.model import PracticeBundle
from claimdesk.codes.reference import load_config, load_reference
from claimdesk.domain.money import Money
from claimdesk.edi.x12.hierarchy import Period
from claimdesk.edi.x12.writer import Envelope
from claimdesk.edi.x270.write import EligibilityRequest
from claimdesk.edi.x271.read import (
    BenefitCode,
    CoverageLevel,
    FollowUpAction,
    PlanNetwork,
    TimePeriod,
)
from claimdesk.edi.x271.write import BenefitAnswer, EligibilityAnswer, Rejection, write_271
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.import_bundle import import_bundle
from claimdesk.services.submit import SubmitReport, submit
from claimdesk.services.trading_partners import TradingPartners
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


def submit_bundle(*, zip_plus_four: bool = True) -> PracticeBundle:
    """The small practice with two clean ACME claims (CE1, CE2) and the self-pay visit (CE3),
    whose only coverage lapsed (held by COV007). The 837 needs the billing provider's ZIP+4."""
    bundle = small_bundle()
    if zip_plus_four:
        address = replace(CLINIC, postal_code="627011234")
        bundle = replace(
            bundle,
            providers=(DOCTOR, replace(GROUP, address=address)),
            facilities=(replace(OFFICE, address=address),),
        )
    first = replace(
        VISIT_CHILD,
        lines=(line(1, "99213", "150.00", (1,), ("25",)), line(2, "90686", "40.00", (2,))),
    )
    second = replace(
        VISIT_CHILD_2,
        date_of_service=SECOND_DOS,
        lines=(replace(line(1, "99213", "150.00"), date_of_service=SECOND_DOS),),
    )
    return replace(bundle, encounters=(first, second, VISIT_ADULT))


SECOND_DOS = date(2024, 2, 12)
PARTNERS = TradingPartners(
    submitter_id="RFMG001", contact_name="Billing office", phone="2175550199"
)


def import_submit_practice(
    uow_factory: UowFactory, now: datetime = NOW, *, zip_plus_four: bool = True
) -> None:
    import_bundle(
        uow_factory,
        submit_bundle(zip_plus_four=zip_plus_four),
        source="/bundles/submit",
        files_sha256="1" * 64,
        user="t",
        now=now,
    )


def run_submit(uow_factory: UowFactory, outbox: Path, now: datetime = NOW) -> SubmitReport:
    return submit(
        uow_factory,
        outbox,
        reference=load_reference(outbox / "no-codes"),
        config=load_config(None),
        partners=PARTNERS,
        now=now,
        by="tester",
        policy=shipped_policy(),
    )
