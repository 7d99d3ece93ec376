"""Remittance files, 835 payments and the claim payments as posted or held."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    RowMapping,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from claimdesk.domain.money import Money
from claimdesk.store import rollups
from claimdesk.store.repositories.sql import chunks, insert_rows
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.remittances import ClaimPaymentRow, RemitFileRow, RemittanceRow

FILES = table_of(RemitFileRow)


REMITTANCES = table_of(RemittanceRow)


PAYMENTS = table_of(ClaimPaymentRow)


POSTED = "posted"


HELD = "held"


REVERSED = "reversed"


@dataclass(frozen=True, slots=True)
class StoredRemittance:
    remittance_id: str
    payment_amount: Money
    claims_paid: Money
    claim_count: int
    status: str
    file_sha256: str


@dataclass(frozen=True, slots=True)
class PostedPayment:
    """The latest posted (not reversed) claim payment of a claim."""

    payment_id: int
    claim_id: str
    entry_ids: tuple[str, ...]
    payer_claim_number: str


class RemittanceRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def file_outcome(self, sha256: str) -> str | None:
        return self._session.execute(
            select(FILES.c.outcome).where(FILES.c.sha256 == sha256)
        ).scalar()

    def record_file(self, values: dict[str, Any]) -> None:
        sha = values["sha256"]
        if self.file_outcome(sha) is None:
            self._session.execute(insert(FILES).values(values))
        else:
            self._session.execute(update(FILES).where(FILES.c.sha256 == sha).values(values))

    def remittance_by_key(
        self, payer_key: str, payee_key: str, trace_number: str
    ) -> StoredRemittance | None:
        row = (
            self._session.execute(
                select(REMITTANCES).where(
                    REMITTANCES.c.payer_key == payer_key,
                    REMITTANCES.c.payee_key == payee_key,
                    REMITTANCES.c.trace_number == trace_number,
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return StoredRemittance(
            remittance_id=row["remittance_id"],
            payment_amount=Money(row["payment_amount"]),
            claims_paid=Money(row["claims_paid"]),
            claim_count=row["claim_count"],
            status=row["status"],
            file_sha256=row["file_sha256"],
        )

    def save_remittance(self, values: dict[str, Any]) -> None:
        key = values["remittance_id"]
        exists = self._session.execute(
            select(REMITTANCES.c.remittance_id).where(REMITTANCES.c.remittance_id == key)
        ).scalar()
        if exists is None:
            self._session.execute(insert(REMITTANCES).values(values))
        else:
            self._session.execute(
                update(REMITTANCES).where(REMITTANCES.c.remittance_id == key).values(values)
            )
            # Its payment date (BPR16) or posting day may have moved its claims' first answers.
            paid = select(PAYMENTS.c.claim_id).where(PAYMENTS.c.remittance_id == key)
            rollups.touch(self._session, list(self._session.scalars(paid)))

    def remittance_status(self, remittance_id: str) -> str | None:
        return self._session.execute(
            select(REMITTANCES.c.status).where(REMITTANCES.c.remittance_id == remittance_id)
        ).scalar()

    def payment_positions(self, remittance_id: str) -> dict[int, str]:
        """Status of each recorded claim payment of a remittance, by its position index."""
        query = select(PAYMENTS.c.position_index, PAYMENTS.c.status).where(
            PAYMENTS.c.remittance_id == remittance_id
        )
        return {row[0]: row[1] for row in self._session.execute(query)}

    def drop_held_payments(self, remittance_id: str) -> None:
        """Held payments are tried again when their remittance is ingested again."""
        self._session.execute(
            PAYMENTS.delete().where(
                PAYMENTS.c.remittance_id == remittance_id, PAYMENTS.c.status == HELD
            )
        )

    def add_payments(self, values: list[dict[str, Any]]) -> dict[int, int]:
        """Insert claim payments; returns the new row id per position index."""
        insert_rows(self._session, ClaimPaymentRow, values)
        if not values:
            return {}
        rollups.touch(self._session, [v["claim_id"] for v in values])
        remittance_id = values[0]["remittance_id"]
        query = select(PAYMENTS.c.position_index, PAYMENTS.c.id).where(
            PAYMENTS.c.remittance_id == remittance_id
        )
        return {row[0]: row[1] for row in self._session.execute(query)}

    def standing(self, claim_ids: Sequence[str]) -> dict[str, list[PostedPayment]]:
        """Each claim's posted payments that no reversal has undone, oldest first."""
        found: dict[str, list[PostedPayment]] = {}
        for chunk in chunks(sorted(set(claim_ids))):
            query = (
                select(
                    PAYMENTS.c.id,
                    PAYMENTS.c.claim_id,
                    PAYMENTS.c.entry_ids,
                    PAYMENTS.c.payer_claim_number,
                )
                .where(
                    PAYMENTS.c.claim_id.in_(chunk),
                    PAYMENTS.c.status == POSTED,
                    PAYMENTS.c.clp_status != "22",
                )
                .order_by(PAYMENTS.c.id)
            )
            for payment_id, claim_id, entry_ids, number in self._session.execute(query):
                found.setdefault(claim_id, []).append(
                    PostedPayment(payment_id, claim_id, tuple(entry_ids), number)
                )
        return found

    def mark_reversed(self, payment_ids: Iterable[int]) -> None:
        ids = sorted(set(payment_ids))
        claims: list[str | None] = []
        for chunk in chunks(ids):
            self._session.execute(
                update(PAYMENTS).where(PAYMENTS.c.id.in_(chunk)).values(status=REVERSED)
            )
            claims += self._session.scalars(
                select(PAYMENTS.c.claim_id).where(PAYMENTS.c.id.in_(chunk))
            )
        rollups.touch(self._session, claims)

    def payment(self, payment_id: int) -> RowMapping | None:
        return (
            self._session.execute(select(PAYMENTS).where(PAYMENTS.c.id == payment_id))
            .mappings()
            .first()
        )

    def payments_of_claim(self, claim_id: str) -> list[RowMapping]:
        query = select(PAYMENTS).where(PAYMENTS.c.claim_id == claim_id).order_by(PAYMENTS.c.id)
        return list(self._session.execute(query).mappings())

    def files_of_claim(self, claim_id: str) -> list[str]:
        query = (
            select(FILES.c.name)
            .join(REMITTANCES, REMITTANCES.c.file_sha256 == FILES.c.sha256)
            .join(PAYMENTS, PAYMENTS.c.remittance_id == REMITTANCES.c.remittance_id)
            .where(PAYMENTS.c.claim_id == claim_id)
            .distinct()
            .order_by(FILES.c.name)
        )
        return list(self._session.execute(query).scalars())
