"""The simulated patients: payments at check-in, statements on a schedule, and the patients'
answers to them (pay in full, pay part, a payment plan, or never), by ``[patients]`` of the
staff policy.

Every payment goes through the desk's patient-payment use case as the front desk's person,
every statement run through the statement desk as the cycle's batch job, and every plan through
the desk as the front desk's person: audited and checked like a person's, never a ledger write
of the simulation's own (CONTRIBUTING: every use case goes through desk/). Each account's
behaviour is drawn from the seed and the account alone, so it does not depend on the order in
which accounts are met.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_UP, Decimal
from enum import StrEnum
from pathlib import Path

from claimdesk.cycle.policy import StaffPolicy
from claimdesk.desk.guard import Actor
from claimdesk.desk.patients import PatientDesk
from claimdesk.desk.statements import StatementDesk
from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.coverage import Priority
from claimdesk.domain.estimate import Estimate
from claimdesk.domain.money import Money
from claimdesk.domain.patient_payments import PaymentError, PaymentMethod
from claimdesk.domain.payment_plans import PlanError
from claimdesk.domain.statements import Dunning
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services.patient_payments import PaymentRequest, open_balances
from claimdesk.services.statements import RunResult
from claimdesk.store.queries.patient_accounts import responsible_parties
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


class Answer(StrEnum):
    """How an account answers its statements."""

    FULL = "pays in full"
    PART = "pays part"
    PLAN = "payment plan"
    NEVER = "never pays"


@dataclass(frozen=True, slots=True)
class _Due:
    """A payment a patient will make on ``day``: at most ``amount``, never more than owed."""

    day: date
    patient_account: str
    amount: Money
    reference: str


@dataclass(slots=True)
class PatientTally:
    at_check_in: int = 0
    prior_balances: int = 0  # earlier visits' balances paid at a check-in
    statement_runs: int = 0
    statements_sent: int = 0
    payments: int = 0
    collected: Money = field(default_factory=Money.zero)
    plans: int = 0
    installments_missed: int = 0
    answers: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        return {
            "paid_at_check_in": self.at_check_in,
            "prior_balances_paid_at_check_in": self.prior_balances,
            "statement_runs": self.statement_runs,
            "statements_sent": self.statements_sent,
            "patient_payments": self.payments,
            "patient_collected": str(self.collected),
            "payment_plans": self.plans,
            "installments_missed": self.installments_missed,
            "accounts_by_answer": dict(sorted((self.answers or Counter()).items())),
        }


class Patients:
    def __init__(self, staff: StaffPolicy, routing: RoutingPolicy, dunning: Dunning) -> None:
        self._policy = staff.patients
        self._seed = staff.seed
        self._person = staff.tier1.user_id
        self._routing = routing
        self._dunning = dunning
        self._answers: dict[str, Answer] = {}
        self._dues: list[_Due] = []
        self._part_paid: set[str] = set()  # a part payer answers one statement, then stops
        self._planned: set[str] = set()
        self._checked_in: set[str] = set()  # visits the desk has asked to pay
        self.tally = PatientTally()

    def _rng(self, *key: object) -> random.Random:
        return random.Random(":".join(str(k) for k in (self._seed, *key)))

    def answer(self, account: str) -> Answer:
        """The account's behaviour, drawn once from the seed and the account."""
        found = self._answers.get(account)
        if found is None:
            draw = Decimal(str(self._rng("answer", account).random()))
            p = self._policy
            if draw < p.pay_full_rate:
                found = Answer.FULL
            elif draw < p.pay_full_rate + p.pay_part_rate:
                found = Answer.PART
            elif draw < p.pay_full_rate + p.pay_part_rate + p.plan_rate:
                found = Answer.PLAN
            else:
                found = Answer.NEVER
            self._answers[account] = found
            self.tally.answers[found.value] += 1
        return found

    # -- check-in ------------------------------------------------------------------------------

    def collect_at_check_in(
        self, uow_factory: UowFactory, now: datetime, claim_id: str, estimate: Estimate
    ) -> None:
        """The front desk takes the estimate's patient share (copay, deductible, coinsurance;
        only the copay when a secondary plan will be billed for the rest) on the card terminal
        for a share of the visits; before the 835 it is the patient's unapplied credit
        (docs/patient-payments.md), applied when the 835 assigns the share."""
        with uow_factory() as uow:
            claim = uow.claims.get(claim_id)
            if claim is None:
                return
            later = any(
                c.coverage_id != claim.coverage_id
                and c.priority is not Priority.PRIMARY
                and c.active_on(claim.encounter.date_of_service)
                for c in uow.coverages.for_patient(claim.encounter.patient_account)
            )
        # With a secondary plan, what the primary leaves goes to it: only the copay is asked.
        asked = estimate.copay if later else estimate.patient
        self._collect(uow_factory, now, claim, asked, self._policy.check_in_collected_rate)

    def collect_self_pay(self, uow_factory: UowFactory, now: datetime, day: date) -> None:
        """A self-pay visit of ``day`` is paid at check-in (``self_pay_collected_rate`` of
        them), up to what it still owes: its charge is the patient's from the start."""
        with uow_factory() as uow:
            visits = [
                c
                # Captured today and not yet billed: the charge is the patient's already.
                for c in uow.claims.with_status(ClaimStatus.DRAFT)
                if not c.coverage_id and c.encounter.date_of_service == day
            ]
            owed = {
                b.claim_id: b.balance
                for c in visits
                for b in open_balances(uow, c.encounter.patient_account)
                if b.claim_id == c.claim_id
            }
        rate = self._policy.self_pay_collected_rate
        for claim in sorted(visits, key=lambda c: c.claim_id):
            if claim.claim_id in owed:
                self._collect(uow_factory, now, claim, owed[claim.claim_id], rate)

    def _collect(
        self, uow_factory: UowFactory, now: datetime, claim: Claim, amount: Money, rate: Decimal
    ) -> None:
        claim_id = claim.claim_id
        if not amount.is_positive() or claim_id in self._checked_in:
            return
        self._checked_in.add(claim_id)
        draw = Decimal(str(self._rng("check-in", claim_id).random()))
        if draw >= rate:
            return
        account, served = claim.encounter.patient_account, claim.encounter.date_of_service
        self._pay(uow_factory, now, account, amount, f"SIM-CHECKIN-{claim_id}", claim_id, None)
        self.tally.at_check_in += 1
        # The desk also asks for what earlier visits still owe, as a practice asks a returning
        # patient for the balance its statements show; applied to the oldest balances first.
        with uow_factory() as uow:
            prior = [b for b in open_balances(uow, account) if b.date_of_service < served]
        owed = sum((b.balance for b in prior), Money.zero())
        if self._pay(uow_factory, now, account, owed, f"SIM-PRIOR-{claim_id}", None, None):
            self.tally.prior_balances += 1

    # -- statements ----------------------------------------------------------------------------

    def statement_day(self, start: date, day: date) -> bool:
        every = self._policy.statement_every_days
        return (day - start).days % every == every - 1

    def run_statements(
        self,
        uow_factory: UowFactory,
        now: datetime,
        actor_of: Callable[[StatementDesk], Actor],
        archive: Path,
    ) -> None:
        desk = StatementDesk(
            uow_factory, self._routing, lambda: now, dunning=self._dunning, archive=archive
        )
        result = desk.run_statements(actor_of(desk))
        self.tally.statement_runs += 1
        self.tally.statements_sent += len(result.sent)
        self._answer(desk, result, now)

    def _answer(self, desk: StatementDesk, result: RunResult, now: datetime) -> None:
        person = desk.actor_named(self._person)
        low, high = self._policy.pay_after_days
        for sent in result.sent:
            account, statement_id = str(sent["account"]), str(sent["statement_id"])
            answer = self.answer(account)
            rng = self._rng("statement", statement_id)
            day = result.run_date + timedelta(days=rng.randint(low, high))
            if answer is Answer.FULL:
                share = Decimal(1)
            elif answer is Answer.PART and account not in self._part_paid:
                self._part_paid.add(account)
                share = self._policy.part_share
            elif answer is Answer.PLAN and account not in self._planned:
                self._plan(desk, person, account, Money(str(sent["balance"])), now)
                continue
            else:
                continue
            owed = desk.statement(person, statement_id).data["visits"]
            per_patient: dict[str, Money] = {}
            for visit in owed:
                patient = str(visit["patient_account"])
                per_patient[patient] = per_patient.get(patient, Money.zero()) + Money(
                    visit["balance"]
                )
            for patient, balance in sorted(per_patient.items()):
                amount = _cents(balance.amount * share)
                if amount.is_positive():
                    self._dues.append(_Due(day, patient, amount, f"CHK-{statement_id}-{patient}"))

    def _plan(
        self,
        desk: StatementDesk,
        person: Actor,
        account: str,
        balance: Money,
        now: datetime,
    ) -> None:
        """The patient calls; the desk puts the account's balance on a plan. Each installment is
        then paid on its due date, or missed at the policy's rate."""
        p = self._policy
        amount = _cents(balance.amount / p.plan_installments, up=True)
        first_due = now.date() + timedelta(days=p.plan_every_days)
        try:
            standing = desk.add_plan(
                person,
                account,
                amount=amount,
                every_days=p.plan_every_days,
                first_due=first_due,
                installments=None,
            )
        except PlanError:
            return
        self._planned.add(account)
        self.tally.plans += 1
        payer = self._plan_payer(desk, account)
        rng = self._rng("plan", standing.plan.plan_id)
        for installment in standing.plan.schedule():
            if Decimal(str(rng.random())) < p.installment_miss_rate:
                self.tally.installments_missed += 1
                continue
            self._dues.append(
                _Due(
                    installment.due,
                    payer,
                    installment.amount,
                    f"PLAN-{standing.plan.plan_id}-{installment.number}",
                )
            )

    def _plan_payer(self, desk: StatementDesk, account: str) -> str:
        """The patient whose balance an installment pays: the account's own patient, else the
        one of its patients owing the most."""
        with desk.uow_factory() as uow:
            owing = {
                patient: sum((b.balance for b in open_balances(uow, patient)), Money.zero())
                for patient, held in responsible_parties(uow.read).items()
                if held.party.account == account
            }
        if account in owing:
            return account
        return max(sorted(owing), key=lambda k: owing[k]) if owing else account

    # -- the day's mail ------------------------------------------------------------------------

    def pay_due(self, uow_factory: UowFactory, now: datetime) -> None:
        today = now.date()
        due = [d for d in self._dues if d.day <= today]
        self._dues = [d for d in self._dues if d.day > today]
        for payment in due:
            self._pay(
                uow_factory,
                now,
                payment.patient_account,
                payment.amount,
                payment.reference,
                None,
                "check",
            )

    def _pay(
        self,
        uow_factory: UowFactory,
        now: datetime,
        account: str,
        amount: Money,
        reference: str,
        claim_id: str | None,
        method: str | None,
    ) -> bool:
        """Whether a payment was taken."""
        if claim_id is None:
            # A patient mails what the statement asked; what was paid meanwhile (a share
            # taken at check-in, another payment) lowers it, so no simulated check makes a
            # credit. Only visits so far count: a bundle imports later visits' self-pay
            # charges ahead, and the payment, applied oldest first, must not reach them.
            with uow_factory() as uow:
                owed = sum(
                    (
                        b.balance
                        for b in open_balances(uow, account)
                        if b.date_of_service <= now.date()
                    ),
                    Money.zero(),
                )
            amount = min(amount, owed)
            if not amount.is_positive():
                return False
        desk = PatientDesk(uow_factory, self._routing, lambda: now)
        request = PaymentRequest(
            patient_account=account,
            amount=amount,
            method=PaymentMethod.CARD if method is None else PaymentMethod(method),
            reference=reference,
            claim_id=claim_id,
        )
        try:
            desk.take_payment(desk.actor_named(self._person), request)
        except PaymentError:
            return False
        self.tally.payments += 1
        self.tally.collected += amount
        return True


def _cents(value: Decimal, *, up: bool = False) -> Money:
    """A share of a balance in cents: rounded half up, or up (a plan's installment, so that
    the plan's installments cover the balance)."""
    if up:
        return Money(value.quantize(Decimal("0.01"), rounding=ROUND_UP))
    return Money.rounded(value)
