"""Eligibility checks: the 270s sent and, once read, their 271 answers and benefits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from claimdesk.domain.eligibility import BenefitFigures, EligibilityReading
from claimdesk.domain.money import Money
from claimdesk.store.repositories.sql import chunks
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.eligibility import EligibilityBenefitRow, EligibilityCheckRow

CHECKS = table_of(EligibilityCheckRow)


BENEFITS = table_of(EligibilityBenefitRow)


def _money(value: Decimal | None) -> Money | None:
    return None if value is None else Money(value)


def _amount(value: Money | None) -> Decimal | None:
    return None if value is None else value.amount


@dataclass(frozen=True, slots=True)
class EligibilityCheck:
    """A 270 sent for a coverage and date of service, with its 271 answer once read."""

    check_id: int
    trace_number: str
    coverage_id: str
    payer_id: str
    patient_account: str
    service_date: date
    requested_at: datetime
    request_file: str
    answered_at: datetime | None
    active: bool | None
    plan: str
    problem: str
    reason: str
    fix_hint: str
    reject_reason: str
    follow_up: str
    authorization_required: bool | None
    messages: tuple[str, ...]
    raw_response: str | None
    authorization_codes: tuple[str, ...] = ()  # EB13 codes needing authorization

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


def _check_of(row: Any) -> EligibilityCheck:
    return EligibilityCheck(
        check_id=row.id,
        trace_number=row.trace_number,
        coverage_id=row.coverage_id,
        payer_id=row.payer_id,
        patient_account=row.patient_account,
        service_date=row.service_date,
        requested_at=row.requested_at,
        request_file=row.request_file,
        answered_at=row.answered_at,
        active=row.active,
        plan=row.plan,
        problem=row.problem,
        reason=row.reason,
        fix_hint=row.fix_hint,
        reject_reason=row.reject_reason,
        follow_up=row.follow_up,
        authorization_required=row.authorization_required,
        messages=tuple(row.messages or ()),
        raw_response=row.raw_response,
        authorization_codes=tuple(row.authorization_codes or ()),
    )


class EligibilityRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_check(
        self,
        *,
        trace_number: str,
        coverage_id: str,
        payer_id: str,
        patient_account: str,
        service_date: date,
        requested_at: datetime,
        request_file: str,
    ) -> int:
        result = self._session.execute(
            insert(CHECKS)
            .values(
                trace_number=trace_number,
                coverage_id=coverage_id,
                payer_id=payer_id,
                patient_account=patient_account,
                service_date=service_date,
                requested_at=requested_at,
                request_file=request_file,
                plan="",
                reject_reason="",
                follow_up="",
                problem="",
                reason="",
                fix_hint="",
                messages=[],
            )
            .returning(CHECKS.c.id)
        )
        return int(result.scalar_one())

    def check_by_trace(self, trace_number: str) -> EligibilityCheck | None:
        row = self._session.execute(
            select(CHECKS).where(CHECKS.c.trace_number == trace_number)
        ).first()
        return None if row is None else _check_of(row)

    def record_answer(
        self,
        check_id: int,
        reading: EligibilityReading,
        *,
        answered_at: datetime,
        response_file: str,
        raw_response: str,
    ) -> None:
        self._session.execute(
            update(CHECKS)
            .where(CHECKS.c.id == check_id)
            .values(
                answered_at=answered_at,
                response_file=response_file,
                active=reading.active,
                plan=reading.plan[:60],
                problem=reading.problem.value,
                reason=reading.reason,
                fix_hint=reading.fix_hint,
                reject_reason=reading.reject_reason,
                follow_up=reading.follow_up,
                authorization_required=reading.authorization_required,
                authorization_codes=list(reading.authorization_codes),
                messages=list(reading.messages),
                raw_response=raw_response,
            )
        )
        if reading.benefits:
            self._session.execute(
                insert(BENEFITS),
                [
                    {
                        "check_id": check_id,
                        "service_type": b.service_type,
                        "network": b.network,
                        "copay": _amount(b.copay),
                        "coinsurance": b.coinsurance,
                        "deductible": _amount(b.deductible),
                        "deductible_remaining": _amount(b.deductible_remaining),
                        "out_of_pocket": _amount(b.out_of_pocket),
                        "out_of_pocket_remaining": _amount(b.out_of_pocket_remaining),
                        "authorization_required": b.authorization_required,
                    }
                    for b in reading.benefits
                ],
            )

    def checks_of(self, coverage_ids: Sequence[str]) -> list[EligibilityCheck]:
        """Every check of the coverages, oldest first."""
        found: list[EligibilityCheck] = []
        for chunk in chunks(list(dict.fromkeys(coverage_ids))):
            found.extend(
                _check_of(row)
                for row in self._session.execute(
                    select(CHECKS).where(CHECKS.c.coverage_id.in_(chunk))
                )
            )
        return sorted(found, key=lambda c: (c.requested_at, c.check_id))

    def benefits(self, check_id: int) -> list[BenefitFigures]:
        rows = self._session.execute(
            select(BENEFITS)
            .where(BENEFITS.c.check_id == check_id)
            .order_by(BENEFITS.c.service_type, BENEFITS.c.network)
        )
        return [
            BenefitFigures(
                service_type=row.service_type,
                network=row.network,
                copay=_money(row.copay),
                coinsurance=row.coinsurance,
                deductible=_money(row.deductible),
                deductible_remaining=_money(row.deductible_remaining),
                out_of_pocket=_money(row.out_of_pocket),
                out_of_pocket_remaining=_money(row.out_of_pocket_remaining),
                authorization_required=row.authorization_required,
            )
            for row in rows
        ]
