"""Patient cost estimates, kept per encounter to compare with the 835 later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    insert,
    select,
)
from sqlalchemy.orm import Session

from claimdesk.domain.estimate import Estimate
from claimdesk.domain.money import Money
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.estimates import EstimateLineRow, EstimateRow

ESTIMATES = table_of(EstimateRow)


ESTIMATE_LINES = table_of(EstimateLineRow)
# Bound parameters per IN list: well under SQLite's and PostgreSQL's limits.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class StoredEstimateLine:
    line_number: int
    procedure_code: str
    allowed: Money
    allowed_basis: str
    benefit: str  # the category and the cost sharing that applied
    balance: Money
    patient: Money


@dataclass(frozen=True, slots=True)
class StoredEstimate:
    estimate_id: int
    encounter_id: str
    claim_id: str
    coverage_id: str
    network_tier: int
    created_at: datetime
    allowed: Money
    patient: Money
    insurer: Money
    sources: dict[str, str]
    lines: tuple[StoredEstimateLine, ...] = ()


class EstimateRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        estimate: Estimate,
        *,
        encounter_id: str,
        claim_id: str,
        coverage_id: str,
        network_tier: int,
        eligibility_check_id: int | None,
        created_at: datetime,
        created_by: str,
    ) -> int:
        estimate_id = self._session.execute(
            insert(ESTIMATES)
            .values(
                encounter_id=encounter_id,
                claim_id=claim_id,
                coverage_id=coverage_id,
                network_tier=network_tier,
                eligibility_check_id=eligibility_check_id,
                created_at=created_at,
                created_by=created_by,
                charge=estimate.charge.amount,
                allowed=estimate.allowed.amount,
                copay=estimate.copay.amount,
                deductible=estimate.deductible.amount,
                coinsurance=estimate.coinsurance.amount,
                patient=estimate.patient.amount,
                insurer=estimate.insurer.amount,
                sources=dict(estimate.benefits.sources),
            )
            .returning(ESTIMATES.c.id)
        ).scalar_one()
        self._session.execute(
            insert(ESTIMATE_LINES),
            [
                {
                    "estimate_id": estimate_id,
                    "line_number": e.line.line_number,
                    "procedure_code": e.line.procedure_code,
                    "charge": e.line.charge.amount,
                    "allowed": e.line.allowed.amount,
                    "allowed_basis": e.line.allowed_basis,
                    "copay": e.copay.amount,
                    "deductible": e.deductible.amount,
                    "coinsurance": e.coinsurance.amount,
                    "patient": e.patient.amount,
                    "insurer": e.insurer.amount,
                    "benefit": e.benefit,
                    "balance": e.balance.amount,
                }
                for e in estimate.lines
            ],
        )
        return int(estimate_id)

    def claims_estimated(self, claim_ids: Sequence[str]) -> set[str]:
        """Which of ``claim_ids`` have at least one estimate."""
        found: set[str] = set()
        for start in range(0, len(claim_ids), _CHUNK):
            chunk = claim_ids[start : start + _CHUNK]
            found.update(
                self._session.execute(
                    select(ESTIMATES.c.claim_id).where(ESTIMATES.c.claim_id.in_(chunk)).distinct()
                ).scalars()
            )
        return found

    def patient_shares(self, claim_ids: Sequence[str]) -> dict[str, Money]:
        """The patient's share in the newest estimate of each of ``claim_ids`` that has one."""
        found: dict[str, Money] = {}
        for start in range(0, len(claim_ids), _CHUNK):
            chunk = claim_ids[start : start + _CHUNK]
            rows = self._session.execute(
                select(ESTIMATES.c.claim_id, ESTIMATES.c.patient)
                .where(ESTIMATES.c.claim_id.in_(chunk))
                .order_by(ESTIMATES.c.created_at, ESTIMATES.c.id)
            )
            # Oldest first: each claim's newest estimate is the one left.
            found.update({row.claim_id: Money(row.patient) for row in rows})
        return found

    def for_encounter(self, encounter_id: str) -> list[StoredEstimate]:
        """The encounter's estimates, oldest first (the last is the current one)."""
        rows = self._session.execute(
            select(ESTIMATES)
            .where(ESTIMATES.c.encounter_id == encounter_id)
            .order_by(ESTIMATES.c.created_at, ESTIMATES.c.id)
        ).all()
        ids = [row.id for row in rows]
        lines: dict[int, list[StoredEstimateLine]] = {}
        if ids:
            for line in self._session.execute(
                select(ESTIMATE_LINES)
                .where(ESTIMATE_LINES.c.estimate_id.in_(ids))
                .order_by(ESTIMATE_LINES.c.estimate_id, ESTIMATE_LINES.c.line_number)
            ):
                lines.setdefault(line.estimate_id, []).append(
                    StoredEstimateLine(
                        line_number=line.line_number,
                        procedure_code=line.procedure_code,
                        allowed=Money(line.allowed),
                        allowed_basis=line.allowed_basis,
                        benefit=line.benefit,
                        balance=Money(line.balance),
                        patient=Money(line.patient),
                    )
                )
        return [
            StoredEstimate(
                estimate_id=row.id,
                encounter_id=row.encounter_id,
                claim_id=row.claim_id,
                coverage_id=row.coverage_id,
                network_tier=row.network_tier,
                created_at=row.created_at,
                allowed=Money(row.allowed),
                patient=Money(row.patient),
                insurer=Money(row.insurer),
                sources=dict(row.sources),
                lines=tuple(lines.get(row.id, ())),
            )
            for row in rows
        ]
