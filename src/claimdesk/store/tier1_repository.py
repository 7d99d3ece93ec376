"""Tier 1 store: eligibility checks, the plan/tier directory, estimates, submission batches,
X12 control numbers and the acknowledgment files already read.

Works inside the session of a :class:`~claimdesk.store.uow.UnitOfWork` and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session

from claimdesk.domain.coverage import NetworkTier
from claimdesk.domain.eligibility import BenefitFigures, EligibilityReading
from claimdesk.domain.estimate import Estimate, PlanTier
from claimdesk.domain.money import Money
from claimdesk.store.repositories import chunks
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.batches import (
    BatchClaimRow,
    ControlNumberRow,
    SubmissionBatchRow,
    Tier1FileRow,
)
from claimdesk.store.tables.eligibility import EligibilityBenefitRow, EligibilityCheckRow
from claimdesk.store.tables.estimates import EstimateLineRow, EstimateRow
from claimdesk.store.tables.reference import PlanTierRow

CHECKS = table_of(EligibilityCheckRow)
BENEFITS = table_of(EligibilityBenefitRow)
TIERS = table_of(PlanTierRow)
ESTIMATES = table_of(EstimateRow)
ESTIMATE_LINES = table_of(EstimateLineRow)
BATCHES = table_of(SubmissionBatchRow)
BATCH_CLAIMS = table_of(BatchClaimRow)
COUNTERS = table_of(ControlNumberRow)
FILES = table_of(Tier1FileRow)


def _money(value: Decimal | None) -> Money | None:
    return None if value is None else Money(value)


def _amount(value: Money | None) -> Decimal | None:
    return None if value is None else value.amount


@dataclass(frozen=True, slots=True)
class EligibilityCheck:
    """A 270 sent for a coverage and date of service, with its 271 answer once read."""

    check_id: int
    trace_number: str
    coverage_id: str
    payer_id: str
    patient_account: str
    service_date: date
    requested_at: datetime
    request_file: str
    answered_at: datetime | None
    active: bool | None
    plan: str
    problem: str
    reason: str
    fix_hint: str
    reject_reason: str
    follow_up: str
    authorization_required: bool | None
    messages: tuple[str, ...]
    raw_response: str | None
    authorization_codes: tuple[str, ...] = ()  # EB13 codes needing authorization

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


def _check_of(row: Any) -> EligibilityCheck:
    return EligibilityCheck(
        check_id=row.id,
        trace_number=row.trace_number,
        coverage_id=row.coverage_id,
        payer_id=row.payer_id,
        patient_account=row.patient_account,
        service_date=row.service_date,
        requested_at=row.requested_at,
        request_file=row.request_file,
        answered_at=row.answered_at,
        active=row.active,
        plan=row.plan,
        problem=row.problem,
        reason=row.reason,
        fix_hint=row.fix_hint,
        reject_reason=row.reject_reason,
        follow_up=row.follow_up,
        authorization_required=row.authorization_required,
        messages=tuple(row.messages or ()),
        raw_response=row.raw_response,
        authorization_codes=tuple(row.authorization_codes or ()),
    )


@dataclass(frozen=True, slots=True)
class BatchRecord:
    batch_id: int
    payer_id: str
    transaction: str
    file_name: str
    sender_id: str
    receiver_id: str
    interchange_control_number: int
    group_control_number: int
    created_at: datetime
    scrubbed: int
    clean: int
    held: int
    submitted: int
    total_charge: Money
    accepted: int
    rejected: int

    @property
    def clean_claim_rate(self) -> Decimal | None:
        """Claims that passed every edit / claims scrubbed (HFMA clean claim rate)."""
        return None if not self.scrubbed else Decimal(self.clean) / Decimal(self.scrubbed)

    @property
    def first_pass_acceptance(self) -> Decimal | None:
        """Claims accepted on first submission / claims acknowledged so far."""
        answered = self.accepted + self.rejected
        return None if not answered else Decimal(self.accepted) / Decimal(answered)

    def as_json(self) -> dict[str, object]:
        rate, acceptance = self.clean_claim_rate, self.first_pass_acceptance
        return {
            "batch_id": self.batch_id,
            "payer_id": self.payer_id,
            "transaction": self.transaction,
            "file": self.file_name,
            "interchange_control_number": self.interchange_control_number,
            "scrubbed": self.scrubbed,
            "clean": self.clean,
            "held": self.held,
            "submitted": self.submitted,
            "total_charge": str(self.total_charge),
            "accepted": self.accepted,
            "rejected": self.rejected,
            "clean_claim_rate": None if rate is None else str(round(rate, 4)),
            "first_pass_acceptance": None if acceptance is None else str(round(acceptance, 4)),
        }


def _batch_of(row: Any) -> BatchRecord:
    return BatchRecord(
        batch_id=row.id,
        payer_id=row.payer_id,
        transaction=row.transaction,
        file_name=row.file_name,
        sender_id=row.sender_id,
        receiver_id=row.receiver_id,
        interchange_control_number=row.interchange_control_number,
        group_control_number=row.group_control_number,
        created_at=row.created_at,
        scrubbed=row.scrubbed,
        clean=row.clean,
        held=row.held,
        submitted=row.submitted,
        total_charge=Money(row.total_charge),
        accepted=row.accepted,
        rejected=row.rejected,
    )


@dataclass(frozen=True, slots=True)
class BatchClaim:
    batch_id: int
    claim_id: str
    transaction_control_number: str
    charge: Money
    outcome: str  # submitted, accepted, rejected
    reason: str


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


class Tier1Repository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # Control numbers.

    def next_number(self, name: str) -> int:
        """The next value of counter ``name`` (1 first); the row stays locked until commit."""
        current = self._session.execute(
            select(COUNTERS.c.last_value).where(COUNTERS.c.name == name).with_for_update()
        ).scalar_one_or_none()
        if current is None:
            self._session.execute(insert(COUNTERS).values(name=name, last_value=1))
            return 1
        self._session.execute(
            update(COUNTERS).where(COUNTERS.c.name == name).values(last_value=current + 1)
        )
        return int(current) + 1

    # Eligibility.

    def add_check(
        self,
        *,
        trace_number: str,
        coverage_id: str,
        payer_id: str,
        patient_account: str,
        service_date: date,
        requested_at: datetime,
        request_file: str,
    ) -> int:
        result = self._session.execute(
            insert(CHECKS)
            .values(
                trace_number=trace_number,
                coverage_id=coverage_id,
                payer_id=payer_id,
                patient_account=patient_account,
                service_date=service_date,
                requested_at=requested_at,
                request_file=request_file,
                plan="",
                reject_reason="",
                follow_up="",
                problem="",
                reason="",
                fix_hint="",
                messages=[],
            )
            .returning(CHECKS.c.id)
        )
        return int(result.scalar_one())

    def check_by_trace(self, trace_number: str) -> EligibilityCheck | None:
        row = self._session.execute(
            select(CHECKS).where(CHECKS.c.trace_number == trace_number)
        ).first()
        return None if row is None else _check_of(row)

    def record_answer(
        self,
        check_id: int,
        reading: EligibilityReading,
        *,
        answered_at: datetime,
        response_file: str,
        raw_response: str,
    ) -> None:
        self._session.execute(
            update(CHECKS)
            .where(CHECKS.c.id == check_id)
            .values(
                answered_at=answered_at,
                response_file=response_file,
                active=reading.active,
                plan=reading.plan[:60],
                problem=reading.problem.value,
                reason=reading.reason,
                fix_hint=reading.fix_hint,
                reject_reason=reading.reject_reason,
                follow_up=reading.follow_up,
                authorization_required=reading.authorization_required,
                authorization_codes=list(reading.authorization_codes),
                messages=list(reading.messages),
                raw_response=raw_response,
            )
        )
        if reading.benefits:
            self._session.execute(
                insert(BENEFITS),
                [
                    {
                        "check_id": check_id,
                        "service_type": b.service_type,
                        "network": b.network,
                        "copay": _amount(b.copay),
                        "coinsurance": b.coinsurance,
                        "deductible": _amount(b.deductible),
                        "deductible_remaining": _amount(b.deductible_remaining),
                        "out_of_pocket": _amount(b.out_of_pocket),
                        "out_of_pocket_remaining": _amount(b.out_of_pocket_remaining),
                        "authorization_required": b.authorization_required,
                    }
                    for b in reading.benefits
                ],
            )

    def checks_of(self, coverage_ids: Sequence[str]) -> list[EligibilityCheck]:
        """Every check of the coverages, oldest first."""
        found: list[EligibilityCheck] = []
        for chunk in chunks(list(dict.fromkeys(coverage_ids))):
            found.extend(
                _check_of(row)
                for row in self._session.execute(
                    select(CHECKS).where(CHECKS.c.coverage_id.in_(chunk))
                )
            )
        return sorted(found, key=lambda c: (c.requested_at, c.check_id))

    def benefits(self, check_id: int) -> list[BenefitFigures]:
        rows = self._session.execute(
            select(BENEFITS)
            .where(BENEFITS.c.check_id == check_id)
            .order_by(BENEFITS.c.service_type, BENEFITS.c.network)
        )
        return [
            BenefitFigures(
                service_type=row.service_type,
                network=row.network,
                copay=_money(row.copay),
                coinsurance=row.coinsurance,
                deductible=_money(row.deductible),
                deductible_remaining=_money(row.deductible_remaining),
                out_of_pocket=_money(row.out_of_pocket),
                out_of_pocket_remaining=_money(row.out_of_pocket_remaining),
                authorization_required=row.authorization_required,
            )
            for row in rows
        ]

    # Plan/tier directory.

    def put_plan_tier(self, tier: PlanTier, *, at: datetime, by: str) -> bool:
        """Insert or replace the entry; False when it was already stored with these figures."""
        key = and_(
            TIERS.c.payer_id == tier.payer_id,
            TIERS.c.plan_name == tier.plan_name,
            TIERS.c.network_tier == int(tier.network_tier),
        )
        values = {
            "copay": tier.copay.amount,
            "coinsurance": tier.coinsurance,
            "deductible": tier.deductible.amount,
            "out_of_pocket_max": tier.out_of_pocket_max.amount,
            "updated_at": at,
            "updated_by": by,
        }
        stored = self.plan_tier(tier.payer_id, tier.plan_name, tier.network_tier)
        if stored == tier:
            return False
        if stored is None:
            self._session.execute(
                insert(TIERS).values(
                    payer_id=tier.payer_id,
                    plan_name=tier.plan_name,
                    network_tier=int(tier.network_tier),
                    **values,
                )
            )
        else:
            self._session.execute(update(TIERS).where(key).values(**values))
        return True

    def plan_tier(self, payer_id: str, plan_name: str, network_tier: int) -> PlanTier | None:
        row = self._session.execute(
            select(TIERS).where(
                TIERS.c.payer_id == payer_id,
                TIERS.c.plan_name == plan_name,
                TIERS.c.network_tier == int(network_tier),
            )
        ).first()
        return None if row is None else _tier_of(row)

    def plan_tiers(self) -> list[PlanTier]:
        rows = self._session.execute(
            select(TIERS).order_by(TIERS.c.payer_id, TIERS.c.plan_name, TIERS.c.network_tier)
        )
        return [_tier_of(row) for row in rows]

    # Estimates.

    def add_estimate(
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
                }
                for e in estimate.lines
            ],
        )
        return int(estimate_id)

    def estimates_for(self, encounter_id: str) -> list[StoredEstimate]:
        """The encounter's estimates, oldest first (the last is the current one)."""
        rows = self._session.execute(
            select(ESTIMATES)
            .where(ESTIMATES.c.encounter_id == encounter_id)
            .order_by(ESTIMATES.c.created_at, ESTIMATES.c.id)
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
            )
            for row in rows
        ]

    # Submission batches.

    def add_batch(self, values: dict[str, Any], claims: Iterable[BatchClaim]) -> int:
        batch_id = int(
            self._session.execute(
                insert(BATCHES).values(accepted=0, rejected=0, **values).returning(BATCHES.c.id)
            ).scalar_one()
        )
        self._session.execute(
            insert(BATCH_CLAIMS),
            [
                {
                    "batch_id": batch_id,
                    "claim_id": c.claim_id,
                    "transaction_control_number": c.transaction_control_number,
                    "charge": c.charge.amount,
                    "outcome": c.outcome,
                    "outcome_at": None,
                    "reason": c.reason,
                }
                for c in claims
            ],
        )
        return batch_id

    def batch(self, batch_id: int) -> BatchRecord | None:
        row = self._session.execute(select(BATCHES).where(BATCHES.c.id == batch_id)).first()
        return None if row is None else _batch_of(row)

    def batches(self) -> list[BatchRecord]:
        return [_batch_of(r) for r in self._session.execute(select(BATCHES).order_by(BATCHES.c.id))]

    def batch_named(self, file_name: str) -> BatchRecord | None:
        row = self._session.execute(select(BATCHES).where(BATCHES.c.file_name == file_name)).first()
        return None if row is None else _batch_of(row)

    def batch_by_group(self, sender_id: str, group_control_number: int) -> BatchRecord | None:
        """The batch a 999 answers: its sender's GS06 (echoed in AK102)."""
        row = self._session.execute(
            select(BATCHES).where(
                BATCHES.c.sender_id == sender_id,
                BATCHES.c.group_control_number == group_control_number,
            )
        ).first()
        return None if row is None else _batch_of(row)

    def claims_of_batch(self, batch_id: int) -> list[BatchClaim]:
        rows = self._session.execute(
            select(BATCH_CLAIMS)
            .where(BATCH_CLAIMS.c.batch_id == batch_id)
            .order_by(BATCH_CLAIMS.c.claim_id)
        )
        return [_batch_claim_of(row) for row in rows]

    def latest_batch_claim(self, claim_id: str) -> BatchClaim | None:
        """The claim's entry in the last batch that carried it."""
        row = self._session.execute(
            select(BATCH_CLAIMS)
            .where(BATCH_CLAIMS.c.claim_id == claim_id)
            .order_by(BATCH_CLAIMS.c.batch_id.desc())
            .limit(1)
        ).first()
        return None if row is None else _batch_claim_of(row)

    def record_outcome(
        self, batch_id: int, claim_id: str, outcome: str, *, at: datetime, reason: str
    ) -> None:
        """The first acknowledgment decides; the batch's counts follow it."""
        self._session.execute(
            update(BATCH_CLAIMS)
            .where(BATCH_CLAIMS.c.batch_id == batch_id, BATCH_CLAIMS.c.claim_id == claim_id)
            .values(outcome=outcome, outcome_at=at, reason=reason)
        )
        counts: dict[str, int] = {
            outcome: int(count)
            for outcome, count in self._session.execute(
                select(BATCH_CLAIMS.c.outcome, func.count())
                .where(BATCH_CLAIMS.c.batch_id == batch_id)
                .group_by(BATCH_CLAIMS.c.outcome)
            )
        }
        self._session.execute(
            update(BATCHES)
            .where(BATCHES.c.id == batch_id)
            .values(accepted=counts.get("accepted", 0), rejected=counts.get("rejected", 0))
        )

    # Files read.

    def file_read(self, sha256: str, kind: str) -> bool:
        found = self._session.execute(
            select(FILES.c.id).where(FILES.c.sha256 == sha256, FILES.c.kind == kind)
        ).first()
        return found is not None

    def add_file(
        self, *, sha256: str, kind: str, name: str, at: datetime, detail: dict[str, Any]
    ) -> None:
        self._session.execute(
            insert(FILES).values(sha256=sha256, kind=kind, name=name, read_at=at, detail=detail)
        )


def _tier_of(row: Any) -> PlanTier:
    return PlanTier(
        payer_id=row.payer_id,
        plan_name=row.plan_name,
        network_tier=NetworkTier(row.network_tier),
        copay=Money(row.copay),
        coinsurance=row.coinsurance,
        deductible=Money(row.deductible),
        out_of_pocket_max=Money(row.out_of_pocket_max),
    )


def _batch_claim_of(row: Any) -> BatchClaim:
    return BatchClaim(
        batch_id=row.batch_id,
        claim_id=row.claim_id,
        transaction_control_number=row.transaction_control_number,
        charge=Money(row.charge),
        outcome=row.outcome,
        reason=row.reason,
    )
