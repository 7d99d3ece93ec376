"""Collection referrals (docs/collections.md) and good-faith estimates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.collections import CollectionReferralRow, GoodFaithEstimateRow

REFERRALS = table_of(CollectionReferralRow)
ESTIMATES = table_of(GoodFaithEstimateRow)


class CollectionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, values: dict[str, Any]) -> int:
        done = self._session.execute(
            insert(REFERRALS).values(values).returning(REFERRALS.c.referral_id)
        )
        return int(done.scalar_one())

    def get(self, referral_id: int) -> dict[str, Any] | None:
        query = select(REFERRALS).where(REFERRALS.c.referral_id == referral_id)
        row = self._session.execute(query).mappings().first()
        return None if row is None else dict(row)

    def referrals(self, *, status: str | None = None) -> list[dict[str, Any]]:
        query = select(REFERRALS).order_by(REFERRALS.c.referral_id)
        if status is not None:
            query = query.where(REFERRALS.c.status == status)
        return [dict(r) for r in self._session.execute(query).mappings()]

    def of_accounts(self, statuses: frozenset[str]) -> dict[str, dict[str, Any]]:
        """The newest referral in one of ``statuses`` of each account that has one."""
        query = (
            select(REFERRALS)
            .where(REFERRALS.c.status.in_(sorted(statuses)))
            .order_by(REFERRALS.c.referral_id)
        )
        return {r["account"]: dict(r) for r in self._session.execute(query).mappings()}

    def save(self, referral_id: int, values: dict[str, Any]) -> None:
        self._session.execute(
            update(REFERRALS).where(REFERRALS.c.referral_id == referral_id).values(values)
        )


class GoodFaithRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, values: dict[str, Any]) -> None:
        self._session.execute(insert(ESTIMATES).values(values))

    def get(self, gfe_id: str) -> dict[str, Any] | None:
        query = select(ESTIMATES).where(ESTIMATES.c.gfe_id == gfe_id)
        row = self._session.execute(query).mappings().first()
        return None if row is None else dict(row)

    def of_encounter(self, encounter_id: str) -> dict[str, Any] | None:
        query = select(ESTIMATES).where(ESTIMATES.c.encounter_id == encounter_id)
        row = self._session.execute(query).mappings().first()
        return None if row is None else dict(row)

    def with_status(self, status: str) -> list[dict[str, Any]]:
        query = select(ESTIMATES).where(ESTIMATES.c.status == status).order_by(ESTIMATES.c.gfe_id)
        return [dict(r) for r in self._session.execute(query).mappings()]

    def save(self, gfe_id: str, values: dict[str, Any]) -> None:
        self._session.execute(update(ESTIMATES).where(ESTIMATES.c.gfe_id == gfe_id).values(values))
