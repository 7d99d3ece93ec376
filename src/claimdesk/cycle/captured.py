"""Claims exist for the cycle only once their visit has happened.

The practice bundle is imported whole, so every encounter already has a draft claim; a real
office captures the charge on the day of the visit. :class:`CapturedUnitOfWork` is the store as
of a simulated day: a draft claim whose date of service is later than that day is not yet
visible to the services (eligibility, scrub, submit), so each day's visits become claims on
their day. Every other state is untouched: only charge capture depends on the calendar.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, sessionmaker

from claimdesk.domain.claims import ClaimStatus
from claimdesk.store.repositories.claims import ClaimRepository
from claimdesk.store.repositories.encounters import EncounterRepository
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.encounters import EncounterRow
from claimdesk.store.uow import UnitOfWork


class CapturedClaims(ClaimRepository):
    """The claim repository with the draft claims of visits after ``today`` left out."""

    def __init__(self, session: Session, encounters: EncounterRepository, today: date) -> None:
        super().__init__(session, encounters)
        self._today = today

    def _in_status(self, status: ClaimStatus) -> ColumnElement[bool]:
        if status is not ClaimStatus.DRAFT:
            return super()._in_status(status)
        claims, encounters = table_of(ClaimRow), table_of(EncounterRow)
        happened = select(encounters.c.encounter_id).where(
            encounters.c.date_of_service <= self._today
        )
        return (claims.c.status == status.value) & claims.c.encounter_id.in_(happened)


class CapturedUnitOfWork(UnitOfWork):
    def __init__(self, session_factory: sessionmaker[Session], today: date) -> None:
        super().__init__(session_factory)
        self._today = today

    @cached_property
    def claims(self) -> ClaimRepository:
        return CapturedClaims(self._open(), self.encounters, self._today)


def captured_factory(
    session_factory: sessionmaker[Session], today: date
) -> Callable[[], UnitOfWork]:
    """Units of work that see the claims captured by ``today``."""
    return lambda: CapturedUnitOfWork(session_factory, today)
