"""Use cases: put an account's patient balance on a payment plan, list plans, show one.

A plan's standing (installments met, missed, next due) is computed from its terms and the
account's patient payments in the ledger (domain/payment_plans.py); the statement run opens
the Tier 1 item of a missed installment (services/statements.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from claimdesk.domain.money import Money
from claimdesk.domain.payment_plans import PlanError, PlanStatus, Standing, new_plan, standing
from claimdesk.services.patient_book import account_balance
from claimdesk.services.practice import practice_date
from claimdesk.store.queries.patient_accounts import patient_payments, responsible_parties
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


def add(
    uow_factory: UowFactory,
    account: str,
    *,
    amount: Money,
    every_days: int,
    first_due: date,
    installments: int | None,
    now: datetime,
    by: str,
) -> Standing:
    """A new plan for the account's whole patient balance today."""
    with uow_factory() as uow:
        today = practice_date(uow, now)
        balance, patients = account_balance(uow, account, today)
        if not patients:
            raise PlanError(f"account {account!r}: no patient or guarantor has it")
        grace = uow.practice.profile().plan_grace_days
        payments = patient_payments(uow.read, patients)
        for earlier in uow.statements.plans(account):
            if standing(earlier, payments, today, grace).status is PlanStatus.GOOD:
                raise PlanError(
                    f"account {account}: payment plan {earlier.plan_id} is in good standing; "
                    "one plan at a time"
                )
        plan = new_plan(
            plan_id=f"PP{uow.statements.plan_count() + 1:05d}",
            account=account,
            balance=balance,
            amount=amount,
            every_days=every_days,
            first_due=first_due,
            installments=installments,
            today=today,
            by=by,
        )
        uow.statements.add_plan(plan, at=now)
        found = standing(plan, payments, today, grace)
        uow.commit()
    return found


def _patients_of(uow: UnitOfWork, account: str) -> list[str]:
    parties = responsible_parties(uow.read)
    return sorted(p for p, r in parties.items() if r.party.account == account)


def listing(uow_factory: UowFactory, *, now: datetime) -> list[Standing]:
    with uow_factory() as uow:
        today = practice_date(uow, now)
        grace = uow.practice.profile().plan_grace_days
        found = []
        for plan in uow.statements.plans():
            payments = patient_payments(uow.read, _patients_of(uow, plan.account))
            found.append(standing(plan, payments, today, grace))
        return found


def show(uow_factory: UowFactory, plan_id: str, *, now: datetime) -> Standing | None:
    with uow_factory() as uow:
        plan = uow.statements.plan(plan_id)
        if plan is None:
            return None
        today = practice_date(uow, now)
        grace = uow.practice.profile().plan_grace_days
        payments = patient_payments(uow.read, _patients_of(uow, plan.account))
        return standing(plan, payments, today, grace)
