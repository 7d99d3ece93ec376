"""Patient payments and refund requests. A payment row is written once, and once more when it
is reversed; the money is in the ledger."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from claimdesk.domain.money import Money
from claimdesk.domain.patient_payments import (
    PatientPayment,
    PaymentMethod,
    RefundRequest,
    RefundSource,
    RefundStatus,
)
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.patient_payments import PatientPaymentRow, RefundRequestRow
from claimdesk.store.tables.patients import PatientRow

PAYMENTS = table_of(PatientPaymentRow)
REFUNDS = table_of(RefundRequestRow)
PATIENTS = table_of(PatientRow)
_MONEY = ("amount", "applied", "unapplied")


def _shallow(record: PatientPayment | RefundRequest) -> dict[str, Any]:
    # dataclasses.asdict would turn every Money into a dict too.
    return {f.name: getattr(record, f.name) for f in fields(record)}


def _payment(row: Any) -> PatientPayment:
    values = dict(row)
    for name in _MONEY:
        values[name] = Money(values[name])
    values["method"] = PaymentMethod(values["method"])
    return PatientPayment(**values)


def _refund(row: Any) -> RefundRequest:
    values = dict(row)
    values["amount"] = Money(values["amount"])
    values["source"] = RefundSource(values["source"])
    values["status"] = RefundStatus(values["status"])
    return RefundRequest(**values)


class PatientPaymentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def lock_patient(self, account: str) -> bool:
        """Hold the patient's row until the transaction ends (PostgreSQL; SQLite's writer lock
        already serialises), so two payments never apply to the same balance at once."""
        found = self._session.execute(
            select(PATIENTS.c.account).where(PATIENTS.c.account == account).with_for_update()
        ).first()
        return found is not None

    def get(self, payment_id: str) -> PatientPayment | None:
        row = (
            self._session.execute(select(PAYMENTS).where(PAYMENTS.c.payment_id == payment_id))
            .mappings()
            .first()
        )
        return None if row is None else _payment(row)

    def by_receipt(self, receipt_number: int) -> PatientPayment | None:
        row = (
            self._session.execute(
                select(PAYMENTS).where(PAYMENTS.c.receipt_number == receipt_number)
            )
            .mappings()
            .first()
        )
        return None if row is None else _payment(row)

    def next_receipt_number(self) -> int:
        found = self._session.execute(select(func.max(PAYMENTS.c.receipt_number))).scalar()
        return int(found or 0) + 1

    def add(self, payment: PatientPayment) -> None:
        values = _shallow(payment)
        for name in _MONEY:
            values[name] = values[name].amount
        values["method"] = payment.method.value
        self._session.execute(insert(PAYMENTS).values(values))

    def save_reversal(self, payment: PatientPayment) -> None:
        self._session.execute(
            update(PAYMENTS)
            .where(PAYMENTS.c.payment_id == payment.payment_id)
            .values(
                reversal_entry_id=payment.reversal_entry_id,
                reversal_reason=payment.reversal_reason,
                reversal_note=payment.reversal_note,
                reversed_at=payment.reversed_at,
                reversed_by=payment.reversed_by,
            )
        )

    def of_patient(self, account: str) -> list[PatientPayment]:
        query = (
            select(PAYMENTS)
            .where(PAYMENTS.c.patient_account == account)
            .order_by(PAYMENTS.c.received_on, PAYMENTS.c.receipt_number)
        )
        return [_payment(row) for row in self._session.execute(query).mappings()]

    def add_refund(self, request: RefundRequest) -> int:
        values = _shallow(request)
        del values["request_id"]
        values["amount"] = request.amount.amount
        values["source"] = request.source.value
        values["status"] = request.status.value
        made = self._session.execute(insert(REFUNDS).values(values).returning(REFUNDS.c.request_id))
        return int(made.scalar_one())

    def refund(self, request_id: int) -> RefundRequest | None:
        row = (
            self._session.execute(select(REFUNDS).where(REFUNDS.c.request_id == request_id))
            .mappings()
            .first()
        )
        return None if row is None else _refund(row)

    def save_refund(self, request: RefundRequest) -> None:
        self._session.execute(
            update(REFUNDS)
            .where(REFUNDS.c.request_id == request.request_id)
            .values(
                status=request.status.value,
                decided_by=request.decided_by,
                decided_at=request.decided_at,
                entry_id=request.entry_id,
                work_item_id=request.work_item_id,
            )
        )

    def refunds_of_patient(self, account: str) -> list[RefundRequest]:
        query = (
            select(REFUNDS)
            .where(REFUNDS.c.patient_account == account)
            .order_by(REFUNDS.c.request_id)
        )
        return [_refund(row) for row in self._session.execute(query).mappings()]
