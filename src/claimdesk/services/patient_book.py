"""The patient book: every patient account's facts as of a day, read once for the use cases that
decide on accounts (statements, collections, payment plans).

An account is the guarantor's, or the patient's who has none (``responsible_parties``); its
facts are its visits with what the patient owes on each, the money its patients paid on no
visit, its last statement, the hold on it and its current payment plan
(``domain.statements.AccountFacts``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from claimdesk.domain.money import Money, total
from claimdesk.domain.payment_plans import PaymentPlan, PlanStatus, Standing, standing
from claimdesk.domain.practice import PracticeProfile
from claimdesk.domain.statements import AccountFacts, Party, PlanNote, visits_of
from claimdesk.store.queries.patient_accounts import (
    patient_payments,
    patient_postings,
    responsible_parties,
    visit_facts,
)
from claimdesk.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class PatientBook:
    """Every account's facts as of a day, with its patients and its latest open plan."""

    accounts: dict[str, AccountFacts]
    patients: dict[str, list[str]]
    plans: dict[str, Standing]


def _current_plan(
    uow: UnitOfWork, plans: list[PaymentPlan], patients: list[str], day: date, grace: int
) -> Standing | None:
    """The account's newest plan not paid off, where it stands on ``day``."""
    if not plans:
        return None
    payments = patient_payments(uow.read, patients)
    for plan in sorted(plans, key=lambda p: p.plan_id, reverse=True):
        found = standing(plan, payments, day, grace)
        if found.status is not PlanStatus.PAID_OFF:
            return found
    return None


def patient_book(uow: UnitOfWork, day: date, profile: PracticeProfile) -> PatientBook:
    postings = patient_postings(uow.read, day)
    encounters = sorted({p.encounter_id for p in postings if p.encounter_id})
    visits, loose = visits_of(visit_facts(uow.read, encounters), postings)
    parties = responsible_parties(uow.read)
    party_of: dict[str, Party] = {}
    patients: dict[str, list[str]] = defaultdict(list)
    for patient, found in sorted(parties.items()):
        party_of[found.party.account] = found.party
        patients[found.party.account].append(patient)
    by_account: dict[str, list[Any]] = defaultdict(list)
    for visit in visits:
        by_account[parties[visit.facts.patient_account].party.account].append(visit)
    unapplied: dict[str, Money] = defaultdict(Money.zero)
    for patient, amount in loose.items():
        unapplied[parties[patient].party.account] += amount
    holds = uow.statements.holds()
    last = uow.statements.last_statement_dates()
    plans_of: dict[str, list[PaymentPlan]] = defaultdict(list)
    for plan in uow.statements.plans():
        plans_of[plan.account].append(plan)
    plans: dict[str, Standing] = {}
    accounts: dict[str, AccountFacts] = {}
    for account in sorted(set(by_account) | set(unapplied) | set(plans_of)):
        if account not in party_of:
            continue
        current = _current_plan(
            uow, plans_of[account], patients[account], day, profile.plan_grace_days
        )
        note = None
        if current is not None:
            plans[account] = current
            if current.status is PlanStatus.GOOD:
                upcoming = current.next_installment
                note = PlanNote(
                    current.plan.plan_id,
                    None if upcoming is None else upcoming.due,
                    current.next_amount,
                )
        accounts[account] = AccountFacts(
            party=party_of[account],
            visits=tuple(by_account[account]),
            unapplied=unapplied[account],
            last_statement=last.get(account),
            hold=holds.get(account),
            plan=note,
        )
    return PatientBook(accounts, dict(patients), plans)


def account_balance(uow: UnitOfWork, account: str, day: date) -> tuple[Money, list[str]]:
    """The account's patient balance on ``day`` (every visit and the money on none) and its
    patients; an unknown account has none."""
    book = patient_book(uow, day, uow.practice.profile())
    facts = book.accounts.get(account)
    patients = book.patients.get(account, [])
    if facts is None:
        return Money.zero(), patients
    return total(v.balance for v in facts.visits) + facts.unapplied, patients
