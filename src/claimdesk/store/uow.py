"""The unit of work: one use case, one transaction.

    with uow_factory() as uow:
        uow.patients.add(patient)
        uow.commit()

Leaving the block without :meth:`UnitOfWork.commit` (or by an exception) rolls everything back.

Repositories are built on first use within the open unit of work, so a use case that touches
only work items builds one repository, not all of them.

A unit of work serves one client practice: its business rows (and their audit records) are in
the practice's store, while people, their sessions and their grants are in the company store
(docs/tenancy.md). For the default practice both are the one database and one session; for any
other the company session is opened only when a use case reads people, and both commit together.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from claimdesk.config import DEFAULT_PRACTICE
from claimdesk.store import rollups
from claimdesk.store.repositories.appeals import AppealRepository
from claimdesk.store.repositories.audit import AuditRepository
from claimdesk.store.repositories.batches import BatchRepository
from claimdesk.store.repositories.claims import ClaimRepository
from claimdesk.store.repositories.code_texts import CodeTextRepository
from claimdesk.store.repositories.collections import CollectionRepository, GoodFaithRepository
from claimdesk.store.repositories.coverages import CoverageRepository
from claimdesk.store.repositories.deposits import DepositRepository
from claimdesk.store.repositories.eligibility import EligibilityRepository
from claimdesk.store.repositories.encounters import EncounterRepository
from claimdesk.store.repositories.estimates import EstimateRepository
from claimdesk.store.repositories.files_read import FileReadRepository
from claimdesk.store.repositories.follow_ups import FollowUpRepository
from claimdesk.store.repositories.imports import ImportRepository
from claimdesk.store.repositories.interface_messages import InterfaceMessageRepository
from claimdesk.store.repositories.ledger import LedgerRepository
from claimdesk.store.repositories.patient_payments import PatientPaymentRepository
from claimdesk.store.repositories.patients import GuarantorRepository, PatientRepository
from claimdesk.store.repositories.periods import PeriodRepository
from claimdesk.store.repositories.plan_tiers import PlanTierRepository
from claimdesk.store.repositories.practice import PracticeRepository
from claimdesk.store.repositories.practices import PracticeRegistry
from claimdesk.store.repositories.reference import (
    ContractRateRepository,
    FacilityRepository,
    FeeScheduleRepository,
    PayerRepository,
    ProviderRepository,
)
from claimdesk.store.repositories.remittances import RemittanceRepository
from claimdesk.store.repositories.sessions import PasswordLinkRepository, SessionRepository
from claimdesk.store.repositories.statements import StatementRepository
from claimdesk.store.repositories.transport_files import TransportFileRepository
from claimdesk.store.repositories.users import UserRepository
from claimdesk.store.repositories.work_items import WorkItemRepository
from claimdesk.store.repositories.write_offs import WriteOffRepository


class UnitOfWork:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        company_factory: sessionmaker[Session] | None = None,
        practice_id: str = DEFAULT_PRACTICE,
    ) -> None:
        self._session_factory = session_factory
        # None: the company store is the practice's own database (the default practice).
        self._company_factory = company_factory
        self.practice_id = practice_id
        self._session: Session | None = None
        self._company: Session | None = None
        self._committed = False

    def _open(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open; use it in a with block")
        return self._session

    def _open_company(self) -> Session:
        session = self._open()
        if self._company_factory is None:
            return session
        if self._company is None:
            self._company = self._company_factory()
            self._company.begin()
        return self._company

    @property
    def read(self) -> Connection:
        """The transaction's connection, for the read-only queries of ``claimdesk.store.queries``:
        they see what this unit of work wrote and take no repository (the KPI rollups of the
        claims it touched are recomputed first)."""
        session = self._open()
        rollups.refresh_pending(session)
        return session.connection()

    @property
    def company_read(self) -> Connection:
        """The company store's connection, for the read-only queries that span practices
        (``claimdesk.store.queries.practices_queue``)."""
        return self._open_company().connection()

    @cached_property
    def interface_messages(self) -> InterfaceMessageRepository:
        return InterfaceMessageRepository(self._open())

    # Reference data.

    @cached_property
    def payers(self) -> PayerRepository:
        return PayerRepository(self._open())

    @cached_property
    def providers(self) -> ProviderRepository:
        return ProviderRepository(self._open())

    @cached_property
    def facilities(self) -> FacilityRepository:
        return FacilityRepository(self._open())

    @cached_property
    def fee_schedule(self) -> FeeScheduleRepository:
        return FeeScheduleRepository(self._open())

    @cached_property
    def contracts(self) -> ContractRateRepository:
        return ContractRateRepository(self._open())

    @cached_property
    def plan_tiers(self) -> PlanTierRepository:
        return PlanTierRepository(self._open())

    @cached_property
    def code_texts(self) -> CodeTextRepository:
        return CodeTextRepository(self._open())

    @cached_property
    def practice(self) -> PracticeRepository:
        return PracticeRepository(self._open())

    # Patients, their coverages and encounters.

    @cached_property
    def guarantors(self) -> GuarantorRepository:
        return GuarantorRepository(self._open())

    @cached_property
    def patients(self) -> PatientRepository:
        return PatientRepository(self._open())

    @cached_property
    def coverages(self) -> CoverageRepository:
        return CoverageRepository(self._open())

    @cached_property
    def encounters(self) -> EncounterRepository:
        return EncounterRepository(self._open())

    # Claims and money.

    @cached_property
    def claims(self) -> ClaimRepository:
        return ClaimRepository(self._open(), self.encounters)

    @cached_property
    def ledger(self) -> LedgerRepository:
        return LedgerRepository(self._open())

    @cached_property
    def periods(self) -> PeriodRepository:
        return PeriodRepository(self._open())

    @cached_property
    def eligibility(self) -> EligibilityRepository:
        return EligibilityRepository(self._open())

    @cached_property
    def estimates(self) -> EstimateRepository:
        return EstimateRepository(self._open())

    @cached_property
    def batches(self) -> BatchRepository:
        return BatchRepository(self._open())

    @cached_property
    def files_read(self) -> FileReadRepository:
        return FileReadRepository(self._open())

    @cached_property
    def transport_files(self) -> TransportFileRepository:
        """Files sent to and fetched from the clearinghouses' SFTP servers."""
        return TransportFileRepository(self._open())

    @cached_property
    def remittances(self) -> RemittanceRepository:
        return RemittanceRepository(self._open())

    @cached_property
    def deposits(self) -> DepositRepository:
        return DepositRepository(self._open())

    @cached_property
    def statements(self) -> StatementRepository:
        """Patient statements, holds on accounts and payment plans."""
        return StatementRepository(self._open())

    @cached_property
    def collections(self) -> CollectionRepository:
        """Accounts referred to a collection agency."""
        return CollectionRepository(self._open())

    @cached_property
    def good_faith(self) -> GoodFaithRepository:
        """Good-faith estimates kept with their encounters."""
        return GoodFaithRepository(self._open())

    @cached_property
    def patient_payments(self) -> PatientPaymentRepository:
        return PatientPaymentRepository(self._open())

    @cached_property
    def imports(self) -> ImportRepository:
        return ImportRepository(self._open())

    # Recovery (Tier 2).

    @cached_property
    def appeals(self) -> AppealRepository:
        return AppealRepository(self._open())

    @cached_property
    def write_offs(self) -> WriteOffRepository:
        return WriteOffRepository(self._open())

    @cached_property
    def follow_ups(self) -> FollowUpRepository:
        return FollowUpRepository(self._open())

    # Work and people.

    @cached_property
    def work_items(self) -> WorkItemRepository:
        return WorkItemRepository(self._open())

    @cached_property
    def users(self) -> UserRepository:
        return UserRepository(self._open_company())

    @cached_property
    def sessions(self) -> SessionRepository:
        return SessionRepository(self._open_company())

    @cached_property
    def password_links(self) -> PasswordLinkRepository:
        return PasswordLinkRepository(self._open_company())

    @cached_property
    def practices(self) -> PracticeRegistry:
        return PracticeRegistry(self._open_company())

    @cached_property
    def audit(self) -> AuditRepository:
        """The practice's audit chain: who saw and changed its patients' data."""
        return AuditRepository(self._open())

    @cached_property
    def company_audit(self) -> AuditRepository:
        """The company's audit chain: people, grants and practices (the default practice's
        chain is the same one, as it shares the company store)."""
        return AuditRepository(self._open_company())

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("a unit of work is used for one transaction only")
        session = self._session_factory()
        session.begin()
        self._session = session
        return self

    def commit(self) -> None:
        session = self._open()
        if self._company is not None:
            self._company.commit()
        session.commit()
        self._committed = True

    def rollback(self) -> None:
        if self._company is not None:
            self._company.rollback()
        self._open().rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session = self._open()
        try:
            if exc_type is not None or not self._committed:
                self.rollback()
        finally:
            if self._company is not None:
                self._company.close()
            session.close()


def unit_of_work_factory(
    engine: Engine, company: Engine | None = None, practice_id: str = DEFAULT_PRACTICE
) -> Callable[[], UnitOfWork]:
    """A factory of fresh units of work on ``engine`` (the practice's store), as services take
    it; ``company`` is the company store when it is another database."""
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    if company is None or company is engine:
        return lambda: UnitOfWork(sessions, None, practice_id)
    company_sessions = sessionmaker(bind=company, expire_on_commit=False)
    return lambda: UnitOfWork(sessions, company_sessions, practice_id)
