"""The payer follow-up log: calls, portal checks, 276 inquiries and the 277 answers, as
``domain.recovery.FollowUp``."""

from __future__ import annotations

from sqlalchemy import RowMapping, insert, select
from sqlalchemy.orm import Session

from claimdesk.domain.recovery import FollowUp
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.follow_ups import FollowUpRow

FOLLOW_UPS = table_of(FollowUpRow)


def _follow_up_of(row: RowMapping) -> FollowUp:
    return FollowUp(
        claim_id=row["claim_id"],
        at=row["at"],
        by=row["by"],
        channel=row["channel"],
        reference=row["reference"],
        notes=row["notes"],
        next_follow_up=row["next_follow_up"],
        follow_up_id=row["id"],
    )


class FollowUpRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, follow_up: FollowUp) -> int:
        """Log a follow-up; returns the number the database gave it."""
        values = {
            "claim_id": follow_up.claim_id,
            "at": follow_up.at,
            "by": follow_up.by,
            "channel": follow_up.channel,
            "reference": follow_up.reference,
            "notes": follow_up.notes,
            "next_follow_up": follow_up.next_follow_up,
        }
        statement = insert(FOLLOW_UPS).values(values).returning(FOLLOW_UPS.c.id)
        follow_up_id: int = self._session.execute(statement).scalar_one()
        return follow_up_id

    def of_claim(self, claim_id: str) -> list[FollowUp]:
        query = select(FOLLOW_UPS).where(FOLLOW_UPS.c.claim_id == claim_id)
        rows = self._session.execute(query.order_by(FOLLOW_UPS.c.id)).mappings()
        return [_follow_up_of(row) for row in rows]

    def by_reference(self, channel: str, reference: str) -> FollowUp | None:
        query = select(FOLLOW_UPS).where(
            FOLLOW_UPS.c.channel == channel, FOLLOW_UPS.c.reference == reference
        )
        row = self._session.execute(query).mappings().first()
        return None if row is None else _follow_up_of(row)
