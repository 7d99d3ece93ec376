"""Deposits and bank files; and the posted 835s' payment facts they are matched to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from claimdesk.domain.money import Money
from claimdesk.posting.reassociation import DepositFact, EraFact
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.deposits import BankFileRow, DepositRow
from claimdesk.store.tables.remittances import RemittanceRow

FILES = table_of(BankFileRow)
DEPOSITS = table_of(DepositRow)
REMITTANCES = table_of(RemittanceRow)


class DepositRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def file_known(self, sha256: str) -> bool:
        query = select(FILES.c.sha256).where(FILES.c.sha256 == sha256)
        return self._session.execute(query).first() is not None

    def record_file(self, values: dict[str, Any]) -> None:
        self._session.execute(insert(FILES).values(values))

    def known_ids(self, deposit_ids: Sequence[str]) -> set[str]:
        if not deposit_ids:
            return set()
        query = select(DEPOSITS.c.deposit_id).where(DEPOSITS.c.deposit_id.in_(deposit_ids))
        return set(self._session.scalars(query))

    def add_many(self, values: Sequence[dict[str, Any]]) -> None:
        if values:
            self._session.execute(insert(DEPOSITS), list(values))

    def count(self) -> int:
        return self._session.execute(select(func.count()).select_from(DEPOSITS)).scalar_one()

    def first_date(self) -> date | None:
        """The day of the earliest deposit: reconciliation with the bank starts there."""
        return self._session.execute(select(func.min(DEPOSITS.c.deposit_date))).scalar()

    def facts(self, as_of: date) -> list[DepositFact]:
        query = select(DEPOSITS).where(DEPOSITS.c.deposit_date <= as_of)
        return [
            DepositFact(
                deposit_id=row.deposit_id,
                deposit_date=row.deposit_date,
                amount=Money(row.amount),
                trace=row.trace_number,
                payer_id=row.payer_id,
                payer_name=row.payer_name,
            )
            for row in self._session.execute(query.order_by(DEPOSITS.c.deposit_id))
        ]

    def era_facts(self, as_of: date) -> list[EraFact]:
        """Every stored 835 with its BPR02, BPR16 (or posting day) and TRN02/TRN03: one held
        for a problem is still the remittance advice of its payment."""
        query = select(
            REMITTANCES.c.remittance_id,
            REMITTANCES.c.trace_number,
            REMITTANCES.c.payer_key,
            REMITTANCES.c.payment_amount,
            REMITTANCES.c.payment_date,
            REMITTANCES.c.posted_at,
        )
        found = []
        for rid, trace, payer, amount, paid_on, posted_at in self._session.execute(query):
            day = paid_on or posted_at.date()
            if day <= as_of:
                found.append(EraFact(rid, trace, payer, Money(amount), day))
        return sorted(found, key=lambda e: e.remittance_id)
