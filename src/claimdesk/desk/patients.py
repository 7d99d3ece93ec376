"""The desk's patient-account use cases: take a payment and print its receipt, apply credit,
reverse a payment, ask for and decide a refund, and read the account.

Each is checked against the actor's capability (the front desk takes payments; Tier 2 reverses
them and asks for refunds; a manager other than the requester decides a refund) and audited
whether refused, failed (the reason names the field) or done. The audit row names the patient
account, never an amount's payer or a card (claimdesk has none).
"""

from __future__ import annotations

from claimdesk.analytics.patient_pdf import receipt_pdf, refund_letter_pdf
from claimdesk.audit.log import Outcome as AuditOutcome
from claimdesk.desk.desk import Desk, PatientView
from claimdesk.desk.guard import Actor, Capability, NotFoundError
from claimdesk.domain.ledger import LedgerError
from claimdesk.domain.money import Money
from claimdesk.domain.patient_payments import (
    PatientPayment,
    PaymentError,
    RefundRequest,
    ReversalReason,
)
from claimdesk.domain.work import WorkError, WorkItem
from claimdesk.services import patient_payments as pp


class PatientDesk(Desk):
    input_errors = (PaymentError, LedgerError, WorkError)

    def take_payment(self, actor: Actor, request: pp.PaymentRequest) -> pp.Posted:
        account = request.patient_account
        target = f"patient {account} payment"
        self._checked(actor, Capability.TAKE_PAYMENTS, "take_payment", target, account)
        return self._audited(
            actor,
            "take_payment",
            target,
            account,
            lambda: pp.post_payment(
                self.uow_factory,
                request,
                now=self.clock(),
                by=actor.user.user_id,
                policy=self.policy,
            ),
            lambda done: (
                f"receipt {done.payment.receipt_number} "
                f"{'posted' if done.created else 'already posted; nothing changed'}"
            ),
        )

    def apply_credit(self, actor: Actor, account: str, claim_id: str | None) -> Money:
        target = f"patient {account} credit"
        self._checked(actor, Capability.TAKE_PAYMENTS, "apply_credit", target, account)
        return self._audited(
            actor,
            "apply_credit",
            target,
            account,
            lambda: pp.apply_credit(
                self.uow_factory,
                account,
                claim_id=claim_id,
                now=self.clock(),
                by=actor.user.user_id,
                policy=self.policy,
            ),
            lambda applied: f"{applied} applied",
        )

    def reverse_payment(
        self, actor: Actor, ref: str, reason: ReversalReason, note: str
    ) -> PatientPayment:
        target = f"payment {ref}"
        self._checked(actor, Capability.REVERSE_PAYMENTS, "reverse_payment", target)
        return self._audited(
            actor,
            "reverse_payment",
            target,
            None,
            lambda: pp.reverse_payment(
                self.uow_factory,
                ref,
                reason=reason,
                note=note,
                now=self.clock(),
                by=actor.user.user_id,
                policy=self.policy,
            ),
            lambda done: f"receipt {done.receipt_number} reversed ({reason.value})",
        )

    def request_refund(self, actor: Actor, ask: pp.RefundAsk) -> RefundRequest:
        account = ask.patient_account
        target = f"patient {account} refund"
        self._checked(actor, Capability.RECOVER_CLAIMS, "request_refund", target, account)
        return self._audited(
            actor,
            "request_refund",
            target,
            account,
            lambda: pp.request_refund(
                self.uow_factory, ask, now=self.clock(), by=actor.user.user_id, policy=self.policy
            ),
            lambda made: f"refund {made.request_id} of {made.amount} ({made.source}) asked",
        )

    def decide_refund(self, actor: Actor, request_id: int, approve: bool) -> RefundRequest:
        target = f"refund {request_id}"
        self._checked(actor, Capability.APPROVE_REFUNDS, "decide_refund", target)
        return self._audited(
            actor,
            "decide_refund",
            target,
            None,
            lambda: pp.decide_refund(
                self.uow_factory,
                request_id,
                approve=approve,
                now=self.clock(),
                by=actor.user.user_id,
                policy=self.policy,
            ),
            lambda done: f"refund {request_id} {done.status}",
        )

    def await_recoupment(self, actor: Actor, claim_id: str) -> WorkItem:
        """Leave a payer overpayment to recoupment (the item's holder; Tier 2 and up)."""
        target = f"claim {claim_id} credit balance"
        self._checked(actor, Capability.RECOVER_CLAIMS, "await_recoupment", target)
        return self._audited(
            actor,
            "await_recoupment",
            target,
            None,
            lambda: pp.await_recoupment(
                self.uow_factory, claim_id, now=self.clock(), by=actor.user.user_id
            ),
            lambda item: f"item {item.item_id} {pp.AWAITING_RECOUPMENT}",
        )

    def account(self, actor: Actor, account: str) -> pp.PatientAccount:
        target = f"patient {account} account"
        self._checked(actor, Capability.READ_PATIENTS, "view_account", target)
        found = pp.patient_account(self.uow_factory, account)
        if found is None:
            self._audit(actor, "view_account", target, AuditOutcome.NOT_FOUND)
            raise NotFoundError(f"patient {account}: no such patient")
        self._audit(actor, "view_account", target, AuditOutcome.OK, account)
        return found

    def patient_with_account(
        self, actor: Actor, account: str
    ) -> tuple[PatientView, pp.PatientAccount]:
        """The patient page: the patient and their account, read under the one audited
        ``view_patient`` (a page view is one use of the patient's record)."""
        view = self.patient(actor, account)
        found = pp.patient_account(self.uow_factory, account)
        if found is None:
            raise NotFoundError(f"patient {account}: no such patient")
        return view, found

    def receipt(self, actor: Actor, ref: str) -> bytes:
        """The printable receipt of payment ``ref`` (its receipt number or id)."""
        target = f"payment {ref} receipt"
        self._checked(actor, Capability.READ_PATIENTS, "print_receipt", target)
        facts = pp.receipt_facts(self.uow_factory, ref)
        if facts is None:
            self._audit(actor, "print_receipt", target, AuditOutcome.NOT_FOUND)
            raise NotFoundError(f"payment {ref}: no such payment")
        self._audit(actor, "print_receipt", target, AuditOutcome.OK, facts.patient_account)
        return receipt_pdf(facts)

    def refund_letter(self, actor: Actor, request_id: int) -> bytes:
        target = f"refund {request_id} letter"
        self._checked(actor, Capability.READ_PATIENTS, "print_refund_letter", target)
        facts = pp.refund_letter_facts(self.uow_factory, request_id, now=self.clock())
        if facts is None:
            self._audit(actor, "print_refund_letter", target, AuditOutcome.NOT_FOUND)
            raise NotFoundError(f"refund {request_id}: no posted refund")
        self._audit(actor, "print_refund_letter", target, AuditOutcome.OK, facts.patient_account)
        return refund_letter_pdf(facts)
