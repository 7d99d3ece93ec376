"""Appeals of denied claims, level by level, as ``domain.recovery.Appeal``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping, insert, select, update
from sqlalchemy.orm import Session

from claimdesk.domain.money import Money
from claimdesk.domain.recovery import Appeal
from claimdesk.store.tables.appeals import AppealRow
from claimdesk.store.tables.base import table_of

APPEALS = table_of(AppealRow)


def _values(appeal: Appeal) -> dict[str, Any]:
    return {
        "claim_id": appeal.claim_id,
        "level": appeal.level,
        "status": appeal.status,
        "denial_codes": appeal.denial_codes,
        "amount": appeal.amount.amount,
        "argument": appeal.argument,
        "deadline": appeal.deadline,
        "letter_path": appeal.letter_path,
        "created_at": appeal.created_at,
        "created_by": appeal.created_by,
        "submitted_on": appeal.submitted_on,
        "outcome": appeal.outcome,
        "decided_on": appeal.decided_on,
    }


def _appeal_of(row: RowMapping) -> Appeal:
    return Appeal(
        claim_id=row["claim_id"],
        level=row["level"],
        denial_codes=row["denial_codes"],
        amount=Money(row["amount"]),
        argument=row["argument"],
        deadline=row["deadline"],
        letter_path=row["letter_path"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        status=row["status"],
        appeal_id=row["id"],
        submitted_on=row["submitted_on"],
        outcome=row["outcome"],
        decided_on=row["decided_on"],
    )


class AppealRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, appeal: Appeal) -> int:
        """Store a new appeal; returns the number the database gave it."""
        statement = insert(APPEALS).values(_values(appeal)).returning(APPEALS.c.id)
        appeal_id: int = self._session.execute(statement).scalar_one()
        return appeal_id

    def get(self, appeal_id: int) -> Appeal | None:
        query = select(APPEALS).where(APPEALS.c.id == appeal_id)
        row = self._session.execute(query).mappings().first()
        return None if row is None else _appeal_of(row)

    def of_claim(self, claim_id: str) -> list[Appeal]:
        query = select(APPEALS).where(APPEALS.c.claim_id == claim_id).order_by(APPEALS.c.id)
        return [_appeal_of(row) for row in self._session.execute(query).mappings()]

    def save(self, appeal: Appeal) -> None:
        """Write a stored appeal's submission and decision."""
        if appeal.appeal_id is None:
            raise ValueError("an appeal must be added before it is saved")
        self._session.execute(
            update(APPEALS).where(APPEALS.c.id == appeal.appeal_id).values(_values(appeal))
        )
