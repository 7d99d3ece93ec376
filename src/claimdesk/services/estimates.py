"""Patient cost estimates and the plan/tier directory they read.

The directory is user-maintained: a CSV with the columns
``payer_id,plan_name,network_tier,copay,coinsurance,deductible,out_of_pocket_max`` (coinsurance
as a fraction, .2 for 20 percent; tiers 1, 2, 3 or 9 for out of network) imported all or
nothing. Each estimate is kept, so it can later be set against what the 835 gave the patient.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from claimdesk.domain.claims import Claim
from claimdesk.domain.coverage import NetworkTier
from claimdesk.domain.estimate import (
    Estimate,
    EstimateError,
    LineCharge,
    PlanTier,
    ReportedCostShare,
    estimate,
    line_allowed,
    resolve_benefits,
)
from claimdesk.domain.money import Money, MoneyError
from claimdesk.domain.payers import rate_on
from claimdesk.store.repositories.eligibility import EligibilityCheck
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]

DIRECTORY_COLUMNS = (
    "payer_id",
    "plan_name",
    "network_tier",
    "copay",
    "coinsurance",
    "deductible",
    "out_of_pocket_max",
)
PROFESSIONAL_SERVICES = "98"  # EB03 professional (physician) visit - office
WHOLE_PLAN = "30"


class DirectoryError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the plan/tier directory")
        self.errors = errors


def read_directory(path: Path) -> list[PlanTier]:
    """Every row of the CSV as a directory entry; raises DirectoryError naming row and column."""
    errors: list[str] = []
    tiers: list[PlanTier] = []
    with path.open(newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        missing = [c for c in DIRECTORY_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DirectoryError([f"{path}: missing column(s) {', '.join(missing)}"])
        for number, row in enumerate(reader, start=2):
            where = f"{path.name} row {number}"
            try:
                tiers.append(_tier_of(row, where))
            except (EstimateError, MoneyError, InvalidOperation, ValueError) as exc:
                errors.append(f"{where}: {exc}")
    if errors:
        raise DirectoryError(errors)
    return tiers


def _tier_of(row: dict[str, str], where: str) -> PlanTier:
    payer_id, plan_name = row["payer_id"].strip(), row["plan_name"].strip()
    if not payer_id or not plan_name:
        raise ValueError("payer_id and plan_name are required")
    try:
        tier = NetworkTier(int(row["network_tier"]))
    except ValueError as exc:
        raise ValueError(f"network_tier {row['network_tier']!r} is not 1, 2, 3 or 9") from exc
    try:
        coinsurance = Decimal(row["coinsurance"].strip())
    except InvalidOperation as exc:
        raise ValueError(f"coinsurance {row['coinsurance']!r} is not a number") from exc
    return PlanTier(
        payer_id=payer_id,
        plan_name=plan_name,
        network_tier=tier,
        copay=Money(row["copay"]),
        coinsurance=coinsurance,
        deductible=Money(row["deductible"]),
        out_of_pocket_max=Money(row["out_of_pocket_max"]),
    )


def import_directory(uow_factory: UowFactory, path: Path, *, now: datetime, by: str) -> int:
    """Store every entry of the CSV (all or nothing); the number of entries that changed."""
    tiers = read_directory(path)
    with uow_factory() as uow:
        changed = sum(uow.plan_tiers.put(t, at=now, by=by) for t in tiers)
        uow.commit()
    return changed


@dataclass(frozen=True, slots=True)
class EstimateOutcome:
    estimate_id: int
    claim_id: str
    network_tier: int
    estimate: Estimate


def estimate_encounter(
    uow_factory: UowFactory, encounter_id: str, *, now: datetime, by: str
) -> EstimateOutcome:
    """Estimate and keep the patient's share of the encounter's claim under its coverage."""
    with uow_factory() as uow:
        claims = [c for c in uow.claims.for_encounter(encounter_id) if c.coverage_id]
        if not claims:
            raise LookupError(f"encounter {encounter_id}: no claim to a coverage to estimate")
        claim = claims[-1]
        coverage = uow.coverages.get(claim.coverage_id)
        if coverage is None:
            raise LookupError(f"claim {claim.claim_id}: coverage {claim.coverage_id} missing")
        rates = uow.contracts.for_payer(claim.payer_id)
        lines = []
        for line in claim.lines:
            modifier = line.modifiers[0] if line.modifiers else ""
            rate = rate_on(rates, line.procedure_code, line.date_of_service, modifier)
            if rate is None and modifier:
                rate = rate_on(rates, line.procedure_code, line.date_of_service)
            allowed, basis = line_allowed(
                rate.allowed if rate is not None else None, line.units, line.charge
            )
            lines.append(
                LineCharge(line.line_number, line.procedure_code, line.charge, allowed, basis)
            )
        tier = uow.plan_tiers.get(coverage.payer_id, coverage.plan_name, coverage.network_tier)
        checks = uow.eligibility.checks_of([coverage.coverage_id])
        check_id, reported = _reported(uow, checks, claim, coverage.network_tier)
        result = estimate(lines, resolve_benefits(tier, reported))
        estimate_id = uow.estimates.add(
            result,
            encounter_id=encounter_id,
            claim_id=claim.claim_id,
            coverage_id=coverage.coverage_id,
            network_tier=int(coverage.network_tier),
            eligibility_check_id=check_id,
            created_at=now,
            created_by=by,
        )
        uow.commit()
    return EstimateOutcome(estimate_id, claim.claim_id, int(coverage.network_tier), result)


def _reported(
    uow: UnitOfWork, checks: list[EligibilityCheck], claim: Claim, network_tier: NetworkTier
) -> tuple[int | None, ReportedCostShare | None]:
    """The 271 figures for an office visit (EB03 98, else the whole plan, 30) in the tier's
    network, from the answered check for the claim's date of service (else the latest)."""
    answered = [c for c in checks if c.answered_at is not None and c.active]
    same_day = [c for c in answered if c.service_date == claim.encounter.date_of_service]
    candidates = same_day or answered
    if not candidates:
        return None, None
    chosen = candidates[-1]
    network = "out" if network_tier is NetworkTier.OUT_OF_NETWORK else "in"
    figures = {
        b.service_type: b for b in uow.eligibility.benefits(chosen.check_id) if b.network == network
    }
    ordered = [figures[t] for t in (PROFESSIONAL_SERVICES, WHOLE_PLAN) if t in figures]

    def first(name: str) -> Any:
        return next((getattr(f, name) for f in ordered if getattr(f, name) is not None), None)

    return chosen.check_id, ReportedCostShare(
        copay=first("copay"),
        coinsurance=first("coinsurance"),
        deductible=first("deductible"),
        deductible_remaining=first("deductible_remaining"),
        out_of_pocket=first("out_of_pocket"),
        out_of_pocket_remaining=first("out_of_pocket_remaining"),
    )
