"""Patient cost estimates and the plan/tier directory they read.

The directory is user-maintained: a CSV with the columns
``payer_id,plan_name,network_tier,copay,coinsurance,deductible,out_of_pocket_max`` (coinsurance
as a fraction, .2 for 20 percent; tiers 1, 2, 3 or 9 for out of network) and, optionally,
``specialist_copay`` (default: the copay), ``copay_services`` (the service categories that take
the copay, space separated; default ``office_visit specialist_visit``), ``preventive_free``,
``copay_with_coinsurance``, ``balance_billing`` (yes or no; defaults: preventive care free and
balance billing only out of network, never copay and coinsurance on one service),
``allowed_without_contract`` (``billed`` or ``maximum``, out of network) and
``maximum_allowable`` (the share of the charge allowed with ``maximum``); imported all or
nothing (docs/estimates.md). Each estimate is kept, so it can later be set against what the 835
gave the patient.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from claimdesk.domain.benefits import VISITS, AllowedBasis, ServiceCatalog, ServiceCategory
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
    out_of_network_allowed,
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
OPTIONAL_COLUMNS = (
    "specialist_copay",
    "copay_services",
    "preventive_free",
    "copay_with_coinsurance",
    "allowed_without_contract",
    "maximum_allowable",
    "balance_billing",
)
_YES, _NO = frozenset({"yes", "y", "true", "1"}), frozenset({"no", "n", "false", "0"})
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
    optional = {k: (row.get(k) or "").strip() for k in OPTIONAL_COLUMNS}
    services = optional["copay_services"]
    try:
        copay_services = (
            frozenset(ServiceCategory(s) for s in services.split()) if services else VISITS
        )
    except ValueError as exc:
        known = " ".join(c.value for c in ServiceCategory)
        raise ValueError(f"copay_services {services!r}: categories are {known}") from exc
    basis = optional["allowed_without_contract"] or AllowedBasis.BILLED.value
    if basis not in {b.value for b in AllowedBasis}:
        raise ValueError(f"allowed_without_contract {basis!r} is not billed or maximum")
    return PlanTier(
        payer_id=payer_id,
        plan_name=plan_name,
        network_tier=tier,
        copay=Money(row["copay"]),
        coinsurance=_fraction(row["coinsurance"], "coinsurance"),
        deductible=Money(row["deductible"]),
        out_of_pocket_max=Money(row["out_of_pocket_max"]),
        specialist_copay=Money(optional["specialist_copay"])
        if optional["specialist_copay"]
        else None,
        copay_services=copay_services,
        preventive_free=_yes_no(optional["preventive_free"], "preventive_free"),
        copay_with_coinsurance=bool(
            _yes_no(optional["copay_with_coinsurance"], "copay_with_coinsurance")
        ),
        allowed_without_contract=AllowedBasis(basis),
        maximum_allowable=(
            _fraction(optional["maximum_allowable"], "maximum_allowable")
            if optional["maximum_allowable"]
            else Decimal(1)
        ),
        balance_billing=_yes_no(optional["balance_billing"], "balance_billing"),
    )


def _fraction(text: str, column: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation as exc:
        raise ValueError(f"{column} {text!r} is not a number") from exc


def _yes_no(text: str, column: str) -> bool | None:
    """yes or no; blank is None (the tier's default)."""
    if not text:
        return None
    if text.lower() in _YES:
        return True
    if text.lower() in _NO:
        return False
    raise ValueError(f"{column} {text!r} is not yes or no")


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
    uow_factory: UowFactory,
    encounter_id: str,
    *,
    catalog: ServiceCatalog,
    now: datetime,
    by: str,
) -> EstimateOutcome:
    """Estimate and keep the patient's share of the encounter's claim under its coverage: each
    line priced by the benefit of its service category (``catalog``), at the contract's rate in
    network and at the plan's allowed amount for a service with no contract out of network."""
    with uow_factory() as uow:
        claims = [c for c in uow.claims.for_encounter(encounter_id) if c.coverage_id]
        if not claims:
            raise LookupError(f"encounter {encounter_id}: no claim to a coverage to estimate")
        claim = claims[-1]
        coverage = uow.coverages.get(claim.coverage_id)
        if coverage is None:
            raise LookupError(f"claim {claim.claim_id}: coverage {claim.coverage_id} missing")
        tier = uow.plan_tiers.get(coverage.payer_id, coverage.plan_name, coverage.network_tier)
        in_network = coverage.network_tier is not NetworkTier.OUT_OF_NETWORK
        rates = uow.contracts.for_payer(claim.payer_id) if in_network else []
        rendering = uow.providers.get(claim.encounter.rendering_npi)
        taxonomy = rendering.taxonomy if rendering is not None else ""
        lines = []
        for line in claim.lines:
            if in_network:
                modifier = line.modifiers[0] if line.modifiers else ""
                rate = rate_on(rates, line.procedure_code, line.date_of_service, modifier)
                if rate is None and modifier:
                    rate = rate_on(rates, line.procedure_code, line.date_of_service)
                allowed, basis = line_allowed(
                    rate.allowed if rate is not None else None, line.units, line.charge
                )
            else:
                allowed, basis = out_of_network_allowed(tier, line.charge)
            lines.append(
                LineCharge(
                    line.line_number,
                    line.procedure_code,
                    line.charge,
                    allowed,
                    basis,
                    catalog.category_of(line.procedure_code, taxonomy),
                )
            )
        checks = uow.eligibility.checks_of([coverage.coverage_id])
        check_id, reported = _reported(uow, checks, claim, coverage.network_tier)
        result = estimate(lines, resolve_benefits(tier, reported, in_network=in_network))
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
