"""Official CARC/RARC description texts imported from a file the user supplies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session

from claimdesk.store.repositories.sql import chunks, insert_rows
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.reference import (
    CodeTextRow,
)

CODE_TEXTS = table_of(CodeTextRow)


class CodeTextRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, kind: str, texts: Mapping[str, str], at: datetime) -> int:
        codes = sorted(texts)
        for chunk in chunks(codes):
            self._session.execute(
                CODE_TEXTS.delete().where(CODE_TEXTS.c.kind == kind, CODE_TEXTS.c.code.in_(chunk))
            )
        insert_rows(
            self._session,
            CodeTextRow,
            [{"kind": kind, "code": c, "description": texts[c], "imported_at": at} for c in codes],
        )
        return len(codes)

    def get_many(self, kind: str, codes: Iterable[str]) -> dict[str, str]:
        query = select(CODE_TEXTS.c.code, CODE_TEXTS.c.description).where(
            CODE_TEXTS.c.kind == kind, CODE_TEXTS.c.code.in_(sorted(set(codes)))
        )
        return {row[0]: row[1] for row in self._session.execute(query)}
