"""Files sent to and fetched from trading partners' SFTP servers, by name, size and SHA-256."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.interfaces import TransportFileRow

FILES = table_of(TransportFileRow)
SENT = "sent"
FETCHED = "fetched"


@dataclass(frozen=True, slots=True)
class MovedFile:
    partner: str
    direction: str  # sent, fetched
    name: str
    size: int
    sha256: str
    at: datetime


class TransportFileRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, moved: MovedFile) -> None:
        self._session.execute(
            insert(FILES).values(
                partner=moved.partner,
                direction=moved.direction,
                name=moved.name,
                size=moved.size,
                sha256=moved.sha256,
                at=moved.at,
            )
        )

    def has_content(self, partner: str, direction: str, sha256: str) -> bool:
        """Whether a file with this content went this way with ``partner``, under any name."""
        query = select(FILES.c.id).where(
            FILES.c.partner == partner, FILES.c.direction == direction, FILES.c.sha256 == sha256
        )
        return self._session.execute(query.limit(1)).first() is not None

    def has(self, partner: str, direction: str, name: str, size: int, sha256: str) -> bool:
        query = select(FILES.c.id).where(
            FILES.c.partner == partner,
            FILES.c.direction == direction,
            FILES.c.name == name,
            FILES.c.size == size,
            FILES.c.sha256 == sha256,
        )
        return self._session.execute(query.limit(1)).first() is not None

    def names_and_sizes(
        self, partner: str, direction: str, names: list[str]
    ) -> set[tuple[str, int]]:
        """Of ``names``, each (name, size) recorded for ``partner`` in ``direction``."""
        found: set[tuple[str, int]] = set()
        # In slices: a mailbox may list thousands of files, more than a statement's parameters.
        for start in range(0, len(names), 500):
            rows = self._session.execute(
                select(FILES.c.name, FILES.c.size).where(
                    FILES.c.partner == partner,
                    FILES.c.direction == direction,
                    FILES.c.name.in_(names[start : start + 500]),
                )
            )
            found.update((r.name, int(r.size)) for r in rows)
        return found
