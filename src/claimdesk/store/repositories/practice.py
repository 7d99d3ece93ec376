"""The practice profile in the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from claimdesk.domain.practice import PracticeProfile
from claimdesk.store.tables.practice import PracticeSettingRow

# Which client practice this store is, so an export or an audit row read out of it says whose
# it is. Set when the practice is registered; not one of the profile's settings.
PRACTICE_ID_KEY = "practice.id"


class PracticeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def profile(self) -> PracticeProfile:
        rows = self._session.execute(
            select(PracticeSettingRow.key, PracticeSettingRow.value).where(
                PracticeSettingRow.key != PRACTICE_ID_KEY
            )
        )
        return PracticeProfile({row.key: row.value for row in rows})

    def practice_id(self) -> str | None:
        """The client practice whose store this is (None: the home's own, the default one)."""
        row = self._session.get(PracticeSettingRow, PRACTICE_ID_KEY)
        return None if row is None else row.value

    def record_practice_id(self, practice_id: str, *, at: datetime, by: str) -> None:
        self.put(PRACTICE_ID_KEY, practice_id, at=at, by=by)

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
