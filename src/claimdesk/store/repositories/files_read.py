"""Acknowledgment and eligibility files read, by content: reading one again does nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session

from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.batches import (
    Tier1FileRow,
)

FILES = table_of(Tier1FileRow)


@dataclass(frozen=True, slots=True)
class FileRead:
    """An acknowledgment (999, 277CA) or eligibility (271) file as it was read."""

    kind: str
    name: str
    read_at: datetime
    accepted: int
    rejected: int


class FileReadRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def contains(self, sha256: str, kind: str) -> bool:
        found = self._session.execute(
            select(FILES.c.id).where(FILES.c.sha256 == sha256, FILES.c.kind == kind)
        ).first()
        return found is not None

    def page(
        self, kinds: tuple[str, ...], *, offset: int, limit: int
    ) -> tuple[list[FileRead], int]:
        """A page of the files of ``kinds`` read, newest first, and how many there are."""
        matched = self._session.execute(
            select(func.count()).select_from(FILES).where(FILES.c.kind.in_(kinds))
        ).scalar_one()
        rows = self._session.execute(
            select(FILES)
            .where(FILES.c.kind.in_(kinds))
            .order_by(FILES.c.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [
            FileRead(
                r.kind,
                r.name,
                r.read_at,
                int(r.detail.get("accepted", 0)),
                int(r.detail.get("rejected", 0)),
            )
            for r in rows
        ], int(matched)

    def add(
        self, *, sha256: str, kind: str, name: str, at: datetime, detail: dict[str, Any]
    ) -> None:
        self._session.execute(
            insert(FILES).values(sha256=sha256, kind=kind, name=name, read_at=at, detail=detail)
        )
