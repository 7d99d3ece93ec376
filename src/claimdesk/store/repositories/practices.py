"""The company store's registry of client practices and the grants of people to them."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.practices import PracticeGrantRow, PracticeRow

PRACTICES = table_of(PracticeRow)
GRANTS = table_of(PracticeGrantRow)
# The grant of a practice itself, rather than of one more queue within it.
WHOLE_PRACTICE = ""


@dataclass(frozen=True, slots=True)
class Practice:
    practice_id: str
    name: str
    created_at: datetime | None  # None: the home's own database, there before practices were
    created_by: str


class PracticeRegistry:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, practice: Practice) -> None:
        self._session.execute(
            insert(PRACTICES).values(
                practice_id=practice.practice_id,
                name=practice.name,
                created_at=practice.created_at,
                created_by=practice.created_by,
            )
        )

    def get(self, practice_id: str) -> Practice | None:
        row = self._session.execute(
            select(PRACTICES).where(PRACTICES.c.practice_id == practice_id)
        ).first()
        return None if row is None else Practice(*row)

    def list(self) -> builtins.list[Practice]:
        rows = self._session.execute(select(PRACTICES).order_by(PRACTICES.c.practice_id))
        return [Practice(*row) for row in rows]

    def grant(self, user_id: str, practice_id: str, queue: str, by: str, at: datetime) -> bool:
        """Allow ``user_id`` the practice (``queue`` empty) or a queue in it; False when they
        had it already."""
        found = self._session.execute(
            select(GRANTS.c.user_id).where(
                GRANTS.c.user_id == user_id,
                GRANTS.c.practice_id == practice_id,
                GRANTS.c.queue == queue,
            )
        ).first()
        if found is not None:
            return False
        self._session.execute(
            insert(GRANTS).values(
                user_id=user_id, practice_id=practice_id, queue=queue, granted_by=by, granted_at=at
            )
        )
        return True

    def practices_of(self, user_id: str) -> tuple[str, ...]:
        """The practices ``user_id`` was granted (not counting what their role allows)."""
        query = (
            select(GRANTS.c.practice_id)
            .where(GRANTS.c.user_id == user_id, GRANTS.c.queue == WHOLE_PRACTICE)
            .order_by(GRANTS.c.practice_id)
        )
        return tuple(self._session.execute(query).scalars())

    def queues_by_practice(self, user_id: str) -> dict[str, tuple[str, ...]]:
        """The extra queues ``user_id`` may work in each practice, in one query."""
        query = (
            select(GRANTS.c.practice_id, GRANTS.c.queue)
            .where(GRANTS.c.user_id == user_id, GRANTS.c.queue != WHOLE_PRACTICE)
            .order_by(GRANTS.c.practice_id, GRANTS.c.queue)
        )
        found: dict[str, tuple[str, ...]] = {}
        for practice_id, queue in self._session.execute(query):
            found[practice_id] = (*found.get(practice_id, ()), queue)
        return found

    def queues_in(self, user_id: str, practice_id: str) -> tuple[str, ...]:
        """The extra queues ``user_id`` may work in ``practice_id``."""
        query = (
            select(GRANTS.c.queue)
            .where(
                GRANTS.c.user_id == user_id,
                GRANTS.c.practice_id == practice_id,
                GRANTS.c.queue != WHOLE_PRACTICE,
            )
            .order_by(GRANTS.c.queue)
        )
        return tuple(self._session.execute(query).scalars())
