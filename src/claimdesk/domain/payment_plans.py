"""Payment plans: a patient balance paid in installments on a schedule.

Pure. A plan covers the account's patient balance on the day it was made, in installments of a
fixed amount every N days from the first due date (the last one is what is left). Payments are
the account's patient payments from the plan's day on, counted cumulatively: whatever has been
paid by an installment's due date plus the grace days counts toward it, so a payment made late
or early still counts toward the installment due. An installment not covered by then is
missed; two missed installments break the plan (dunning resumes); paid in full closes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from claimdesk.domain.money import Money, total

BROKEN_AFTER_MISSED = 2
MAX_EVERY_DAYS = 366
MAX_INSTALLMENTS = 120


class PlanError(ValueError):
    """A plan that cannot be made; the message names the field and why."""


class PlanStatus(StrEnum):
    GOOD = "good_standing"
    BROKEN = "broken"
    PAID_OFF = "paid_off"


@dataclass(frozen=True, slots=True)
class Installment:
    number: int
    due: date
    amount: Money
    due_to_date: Money  # what the plan asks for by this installment, cumulatively


@dataclass(frozen=True, slots=True)
class PaymentPlan:
    plan_id: str
    account: str
    total: Money
    amount: Money
    every_days: int
    first_due: date
    installments: int
    created_on: date
    created_by: str

    def schedule(self) -> tuple[Installment, ...]:
        out: list[Installment] = []
        asked = Money.zero()
        for number in range(1, self.installments + 1):
            amount = min(self.amount, self.total - asked)
            asked += amount
            due = self.first_due + timedelta(days=self.every_days * (number - 1))
            out.append(Installment(number, due, amount, asked))
        return tuple(out)


def new_plan(
    *,
    plan_id: str,
    account: str,
    balance: Money,
    amount: Money,
    every_days: int,
    first_due: date,
    installments: int | None,
    today: date,
    by: str,
) -> PaymentPlan:
    """A plan for ``balance``; refused naming the field when it cannot cover it."""
    if not balance.is_positive():
        raise PlanError(f"account {account}: no patient balance to put on a plan ({balance})")
    if not amount.is_positive():
        raise PlanError("--amount: an installment must be more than 0.00")
    if not 1 <= every_days <= MAX_EVERY_DAYS:
        raise PlanError(f"--every: days between installments must be 1 to {MAX_EVERY_DAYS}")
    if first_due < today:
        raise PlanError(f"--first: {first_due.isoformat()} is before today ({today.isoformat()})")
    needed = -(-balance.cents // amount.cents)  # ceiling: installments to cover the balance
    count = needed if installments is None else installments
    if not 1 <= count <= MAX_INSTALLMENTS:
        raise PlanError(
            f"--installments: must be 1 to {MAX_INSTALLMENTS} (the balance needs {needed})"
        )
    if amount * count < balance:
        raise PlanError(
            f"--installments: {count} installment(s) of {amount} cover {amount * count}, "
            f"less than the balance {balance}"
        )
    if amount * (count - 1) >= balance:
        raise PlanError(
            f"--installments: {count - 1} installment(s) of {amount} already cover the "
            f"balance {balance}; {count} is one too many"
        )
    return PaymentPlan(plan_id, account, balance, amount, every_days, first_due, count, today, by)


@dataclass(frozen=True, slots=True)
class Standing:
    plan: PaymentPlan
    as_of: date
    paid: Money
    status: PlanStatus
    missed: tuple[Installment, ...]
    next_installment: Installment | None
    next_amount: Money  # what is still owed of the next installment

    def as_dict(self) -> dict[str, Any]:
        plan = self.plan
        return {
            "plan_id": plan.plan_id,
            "account": plan.account,
            "total": str(plan.total),
            "amount": str(plan.amount),
            "every_days": plan.every_days,
            "first_due": plan.first_due.isoformat(),
            "installments": plan.installments,
            "created_on": plan.created_on.isoformat(),
            "created_by": plan.created_by,
            "as_of": self.as_of.isoformat(),
            "paid": str(self.paid),
            "status": self.status.value,
            "missed": [i.number for i in self.missed],
            "next_due": None
            if self.next_installment is None
            else self.next_installment.due.isoformat(),
            "next_amount": str(self.next_amount),
            "schedule": [
                {"number": i.number, "due": i.due.isoformat(), "amount": str(i.amount)}
                for i in plan.schedule()
            ],
        }


def standing(
    plan: PaymentPlan, payments: Sequence[tuple[date, Money]], as_of: date, grace_days: int
) -> Standing:
    """Where the plan stands at the end of ``as_of``, from the account's patient payments
    (day, amount; a reversed payment is a negative amount)."""

    def paid_by(day: date) -> Money:
        return total(m for d, m in payments if plan.created_on <= d <= day)

    paid = paid_by(as_of)
    schedule = plan.schedule()
    missed = tuple(
        i
        for i in schedule
        if i.due + timedelta(days=grace_days) < as_of
        and paid_by(i.due + timedelta(days=grace_days)) < i.due_to_date
    )
    upcoming = next((i for i in schedule if paid < i.due_to_date), None)
    if paid >= plan.total:
        status = PlanStatus.PAID_OFF
    elif len(missed) >= BROKEN_AFTER_MISSED:
        status = PlanStatus.BROKEN
    else:
        status = PlanStatus.GOOD
    return Standing(
        plan=plan,
        as_of=as_of,
        paid=paid,
        status=status,
        missed=missed,
        next_installment=upcoming,
        next_amount=Money.zero() if upcoming is None else upcoming.due_to_date - paid,
    )
