"""Reference data: payers, providers, facilities, the fee schedule and contract rates."""

from __future__ import annotations

import builtins
from datetime import date

from sqlalchemy import (
    and_,
)
from sqlalchemy.orm import Session

from claimdesk.domain.payers import ContractRate, FeeScheduleItem, Payer
from claimdesk.domain.providers import Facility, Provider
from claimdesk.store import rows
from claimdesk.store.repositories.keyed import KeyedRepository
from claimdesk.store.tables.reference import (
    ContractRateRow,
    FacilityRow,
    FeeScheduleRow,
    PayerRow,
    ProviderRow,
)


class PayerRepository(KeyedRepository[Payer]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, PayerRow, rows.payer_row, rows.payer_of, ["payer_id"])

    def get(self, payer_id: str) -> Payer | None:
        return self._one(self._table.c.payer_id == payer_id)


class ProviderRepository(KeyedRepository[Provider]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, ProviderRow, rows.provider_row, rows.provider_of, ["npi"])

    def get(self, npi: str) -> Provider | None:
        return self._one(self._table.c.npi == npi)


class FacilityRepository(KeyedRepository[Facility]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, FacilityRow, rows.facility_row, rows.facility_of, ["facility_id"])

    def get(self, facility_id: str) -> Facility | None:
        return self._one(self._table.c.facility_id == facility_id)


class FeeScheduleRepository(KeyedRepository[FeeScheduleItem]):
    def __init__(self, session: Session) -> None:
        super().__init__(
            session, FeeScheduleRow, rows.fee_row, rows.fee_of, ["code", "modifier", "effective"]
        )

    def get(self, code: str, effective: date, modifier: str = "") -> FeeScheduleItem | None:
        c = self._table.c
        return self._one(and_(c.code == code, c.modifier == modifier, c.effective == effective))


class ContractRateRepository(KeyedRepository[ContractRate]):
    def __init__(self, session: Session) -> None:
        super().__init__(
            session,
            ContractRateRow,
            rows.contract_row,
            rows.contract_of,
            ["payer_id", "code", "modifier", "effective"],
        )

    def get(
        self, payer_id: str, code: str, effective: date, modifier: str = ""
    ) -> ContractRate | None:
        c = self._table.c
        return self._one(
            and_(
                c.payer_id == payer_id,
                c.code == code,
                c.modifier == modifier,
                c.effective == effective,
            )
        )

    def for_payer(self, payer_id: str) -> builtins.list[ContractRate]:
        return self._many(self._table.c.payer_id == payer_id)
