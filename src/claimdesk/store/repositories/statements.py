"""Statement runs and statements, holds on accounts, and payment plans."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from claimdesk.domain.money import Money
from claimdesk.domain.payment_plans import PaymentPlan
from claimdesk.domain.statements import HoldReason
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.statements import (
    AccountHoldRow,
    PaymentPlanRow,
    StatementRow,
    StatementRunRow,
)

RUNS = table_of(StatementRunRow)
STATEMENTS = table_of(StatementRow)
HOLDS = table_of(AccountHoldRow)
PLANS = table_of(PaymentPlanRow)


def _plan_of(row: Any) -> PaymentPlan:
    return PaymentPlan(
        plan_id=row.plan_id,
        account=row.account,
        total=Money(row.total),
        amount=Money(row.amount),
        every_days=row.every_days,
        first_due=row.first_due,
        installments=row.installments,
        created_on=row.created_on,
        created_by=row.created_by,
    )


class StatementRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # Runs and statements.

    def run(self, run_date: date) -> dict[str, Any] | None:
        found = self._session.execute(select(RUNS).where(RUNS.c.run_date == run_date))
        row = found.mappings().first()
        return None if row is None else dict(row)

    def runs(self, limit: int = 12) -> list[dict[str, Any]]:
        """The latest runs, newest first."""
        query = select(RUNS).order_by(RUNS.c.run_date.desc()).limit(limit)
        return [dict(r) for r in self._session.execute(query).mappings()]

    def latest_run_date(self) -> date | None:
        return self._session.execute(select(func.max(RUNS.c.run_date))).scalar()

    def add_run(self, values: dict[str, Any], statements: Sequence[dict[str, Any]]) -> None:
        self._session.execute(insert(RUNS).values(values))
        if statements:
            self._session.execute(insert(STATEMENTS), list(statements))

    def last_statement_dates(self) -> dict[str, date]:
        query = select(STATEMENTS.c.account, func.max(STATEMENTS.c.statement_date)).group_by(
            STATEMENTS.c.account
        )
        return {row.account: row[1] for row in self._session.execute(query)}

    def statements(
        self, *, account: str | None = None, run_date: date | None = None, limit: int = 500
    ) -> list[dict[str, Any]]:
        query = select(STATEMENTS)
        if account is not None:
            query = query.where(STATEMENTS.c.account == account)
        if run_date is not None:
            query = query.where(STATEMENTS.c.run_date == run_date)
        query = query.order_by(STATEMENTS.c.statement_date.desc(), STATEMENTS.c.statement_id)
        return [dict(r) for r in self._session.execute(query.limit(limit)).mappings()]

    def statement(self, statement_id: str) -> dict[str, Any] | None:
        query = select(STATEMENTS).where(STATEMENTS.c.statement_id == statement_id)
        row = self._session.execute(query).mappings().first()
        return None if row is None else dict(row)

    # Holds.

    def holds(self) -> dict[str, HoldReason]:
        """The standing hold of each account on hold (the oldest, if several)."""
        query = (
            select(HOLDS.c.account, HOLDS.c.reason)
            .where(HOLDS.c.released_at.is_(None))
            .order_by(HOLDS.c.id.desc())
        )
        return {account: HoldReason(reason) for account, reason in self._session.execute(query)}

    def hold(self, account: str, reason: HoldReason, note: str, *, at: datetime, by: str) -> bool:
        """Put ``account`` on hold for ``reason``; False when that hold already stands."""
        standing = select(HOLDS.c.id).where(
            HOLDS.c.account == account,
            HOLDS.c.reason == reason.value,
            HOLDS.c.released_at.is_(None),
        )
        if self._session.execute(standing).first() is not None:
            return False
        self._session.execute(
            insert(HOLDS).values(
                account=account, reason=reason.value, note=note, held_at=at, held_by=by
            )
        )
        return True

    def release(self, account: str, *, at: datetime, by: str) -> int:
        """Release every standing hold on ``account``; how many were released."""
        done = self._session.execute(
            update(HOLDS)
            .where(HOLDS.c.account == account, HOLDS.c.released_at.is_(None))
            .values(released_at=at, released_by=by)
        )
        return int(done.rowcount)  # type: ignore[attr-defined]

    def release_hold(
        self, account: str, reason: HoldReason, note: str, *, at: datetime, by: str
    ) -> int:
        """Release the standing hold of ``reason`` on ``account`` put with ``note`` (the one a
        use case put: a good-faith estimate's dispute), leaving any other hold standing."""
        done = self._session.execute(
            update(HOLDS)
            .where(
                HOLDS.c.account == account,
                HOLDS.c.reason == reason.value,
                HOLDS.c.note == note,
                HOLDS.c.released_at.is_(None),
            )
            .values(released_at=at, released_by=by)
        )
        return int(done.rowcount)  # type: ignore[attr-defined]

    # Payment plans.

    def plan_count(self) -> int:
        return self._session.execute(select(func.count()).select_from(PLANS)).scalar_one()

    def add_plan(self, plan: PaymentPlan, *, at: datetime) -> None:
        self._session.execute(
            insert(PLANS).values(
                plan_id=plan.plan_id,
                account=plan.account,
                total=plan.total.amount,
                amount=plan.amount.amount,
                every_days=plan.every_days,
                first_due=plan.first_due,
                installments=plan.installments,
                created_on=plan.created_on,
                created_at=at,
                created_by=plan.created_by,
            )
        )

    def plans(self, account: str | None = None) -> list[PaymentPlan]:
        query = select(PLANS).order_by(PLANS.c.plan_id)
        if account is not None:
            query = query.where(PLANS.c.account == account)
        return [_plan_of(row) for row in self._session.execute(query)]

    def plan(self, plan_id: str) -> PaymentPlan | None:
        row = self._session.execute(select(PLANS).where(PLANS.c.plan_id == plan_id)).first()
        return None if row is None else _plan_of(row)
