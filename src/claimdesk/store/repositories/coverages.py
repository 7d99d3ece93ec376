"""A patient's coverages, and the corrections the desk's fix form makes to them."""

from __future__ import annotations

import builtins

from sqlalchemy import (
    update,
)
from sqlalchemy.orm import Session

from claimdesk.domain.coverage import Coverage
from claimdesk.store import rows
from claimdesk.store.repositories.keyed import KeyedRepository
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.coverages import CoverageRow

COVERAGES = table_of(CoverageRow)


class CoverageRepository(KeyedRepository[Coverage]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, CoverageRow, rows.coverage_row, rows.coverage_of, ["coverage_id"])

    def get(self, coverage_id: str) -> Coverage | None:
        return self._one(self._table.c.coverage_id == coverage_id)

    def for_patient(self, patient_account: str) -> builtins.list[Coverage]:
        """The patient's coverages in priority order (primary first)."""
        found = self._many(self._table.c.patient_account == patient_account)
        return sorted(found, key=lambda c: (c.priority, c.effective, c.coverage_id))

    def set_member(self, coverage_id: str, member_id: str, group_number: str) -> None:
        self._session.execute(
            update(COVERAGES)
            .where(COVERAGES.c.coverage_id == coverage_id)
            .values(member_id=member_id, group_number=group_number)
        )
