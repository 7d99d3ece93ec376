"""The unit of work: one use case, one transaction.

    with uow_factory() as uow:
        uow.patients.add(patient)
        uow.commit()

Leaving the block without :meth:`UnitOfWork.commit` (or by an exception) rolls everything back.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from claimdesk.store.ledger_repository import LedgerRepository
from claimdesk.store.practice_repository import PracticeRepository
from claimdesk.store.remit_repository import RemitRepository
from claimdesk.store.repositories import (
    ClaimRepository,
    ContractRateRepository,
    CoverageRepository,
    EncounterRepository,
    FacilityRepository,
    FeeScheduleRepository,
    GuarantorRepository,
    PatientRepository,
    PayerRepository,
    ProviderRepository,
)
from claimdesk.store.tier1_repository import Tier1Repository
from claimdesk.store.web_repository import WebRepository
from claimdesk.store.work_repository import WorkRepository


class UnitOfWork:
    payers: PayerRepository
    providers: ProviderRepository
    facilities: FacilityRepository
    guarantors: GuarantorRepository
    patients: PatientRepository
    coverages: CoverageRepository
    fee_schedule: FeeScheduleRepository
    contracts: ContractRateRepository
    encounters: EncounterRepository
    claims: ClaimRepository
    ledger: LedgerRepository
    work: WorkRepository
    remits: RemitRepository
    web: WebRepository
    tier1: Tier1Repository
    practice: PracticeRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None
        self._committed = False

    @property
    def session(self) -> Session:
        """The open session, for services that issue bulk statements of their own."""
        if self._session is None:
            raise RuntimeError("the unit of work is not open; use it in a with block")
        return self._session

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("a unit of work is used for one transaction only")
        session = self._session_factory()
        session.begin()
        self._session = session
        self.payers = PayerRepository(session)
        self.providers = ProviderRepository(session)
        self.facilities = FacilityRepository(session)
        self.guarantors = GuarantorRepository(session)
        self.patients = PatientRepository(session)
        self.coverages = CoverageRepository(session)
        self.fee_schedule = FeeScheduleRepository(session)
        self.contracts = ContractRateRepository(session)
        self.encounters = EncounterRepository(session)
        self.claims = ClaimRepository(session, self.encounters)
        self.ledger = LedgerRepository(session)
        self.work = WorkRepository(session)
        self.remits = RemitRepository(session, self.encounters)
        self.web = WebRepository(session)
        self.tier1 = Tier1Repository(session)
        self.practice = PracticeRepository(session)
        return self

    def commit(self) -> None:
        self.session.commit()
        self._committed = True

    def rollback(self) -> None:
        self.session.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc_type is not None or not self._committed:
                session.rollback()
        finally:
            session.close()


def unit_of_work_factory(engine: Engine) -> Callable[[], UnitOfWork]:
    """A factory of fresh units of work on ``engine``, as services take it."""
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    return lambda: UnitOfWork(sessions)
