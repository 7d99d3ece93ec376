"""The practice profile in the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from claimdesk.domain.practice import PracticeProfile
from claimdesk.store.tables.practice import PracticeSettingRow


class PracticeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def profile(self) -> PracticeProfile:
        rows = self._session.execute(select(PracticeSettingRow.key, PracticeSettingRow.value))
        return PracticeProfile({row.key: row.value for row in rows})

    def put(self, key: str, value: str, *, at: datetime, by: str) -> None:
        """Store ``value`` for ``key``; an empty value removes the setting."""
        row = self._session.get(PracticeSettingRow, key)
        if not value:
            self._session.execute(delete(PracticeSettingRow).where(PracticeSettingRow.key == key))
            return
        if row is None:
            self._session.add(
                PracticeSettingRow(key=key, value=value, changed_at=at, changed_by=by)
            )
        else:
            row.value, row.changed_at, row.changed_by = value, at, by
        self._session.flush()
