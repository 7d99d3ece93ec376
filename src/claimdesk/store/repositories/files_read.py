"""Acknowledgment and eligibility files read, by content: reading one again does nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    insert,
    select,
)
from sqlalchemy.orm import Session

from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.batches import (
    Tier1FileRow,
)

FILES = table_of(Tier1FileRow)


class FileReadRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def contains(self, sha256: str, kind: str) -> bool:
        found = self._session.execute(
            select(FILES.c.id).where(FILES.c.sha256 == sha256, FILES.c.kind == kind)
        ).first()
        return found is not None

    def add(
        self, *, sha256: str, kind: str, name: str, at: datetime, detail: dict[str, Any]
    ) -> None:
        self._session.execute(
            insert(FILES).values(sha256=sha256, kind=kind, name=name, read_at=at, detail=detail)
        )
