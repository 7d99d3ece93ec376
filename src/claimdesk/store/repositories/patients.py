"""Patients and their guarantors."""

from __future__ import annotations

from sqlalchemy.orm import Session

from claimdesk.domain.parties import Guarantor, Patient
from claimdesk.store import rows
from claimdesk.store.repositories.keyed import KeyedRepository
from claimdesk.store.tables.patients import GuarantorRow, PatientRow


class GuarantorRepository(KeyedRepository[Guarantor]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, GuarantorRow, rows.guarantor_row, rows.guarantor_of, ["account"])

    def get(self, account: str) -> Guarantor | None:
        return self._one(self._table.c.account == account)


class PatientRepository(KeyedRepository[Patient]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, PatientRow, rows.patient_row, rows.patient_of, ["account"])

    def get(self, account: str) -> Patient | None:
        return self._one(self._table.c.account == account)
