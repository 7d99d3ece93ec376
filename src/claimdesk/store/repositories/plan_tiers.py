"""The user's plan/tier directory: a plan's benefits for providers in one network tier."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from sqlalchemy import (
    and_,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from claimdesk.domain.benefits import AllowedBasis, ServiceCategory
from claimdesk.domain.coverage import NetworkTier
from claimdesk.domain.estimate import PlanTier
from claimdesk.domain.money import Money
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.reference import (
    PlanTierRow,
)

TIERS = table_of(PlanTierRow)


class PlanTierRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, tier: PlanTier, *, at: datetime, by: str) -> bool:
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
            "specialist_copay": (
                None if tier.specialist_copay is None else tier.specialist_copay.amount
            ),
            "copay_services": " ".join(sorted(c.value for c in tier.copay_services)),
            "preventive_free": tier.preventive_free,
            "copay_with_coinsurance": tier.copay_with_coinsurance,
            "allowed_without_contract": tier.allowed_without_contract.value,
            "maximum_allowable": tier.maximum_allowable,
            "balance_billing": tier.balance_billing,
            "updated_at": at,
            "updated_by": by,
        }
        stored = self.get(tier.payer_id, tier.plan_name, tier.network_tier)
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

    def get(self, payer_id: str, plan_name: str, network_tier: int) -> PlanTier | None:
        row = self._session.execute(
            select(TIERS).where(
                TIERS.c.payer_id == payer_id,
                TIERS.c.plan_name == plan_name,
                TIERS.c.network_tier == int(network_tier),
            )
        ).first()
        return None if row is None else _tier_of(row)

    def list(self) -> builtins.list[PlanTier]:
        rows = self._session.execute(
            select(TIERS).order_by(TIERS.c.payer_id, TIERS.c.plan_name, TIERS.c.network_tier)
        )
        return [_tier_of(row) for row in rows]


def _tier_of(row: Any) -> PlanTier:
    return PlanTier(
        payer_id=row.payer_id,
        plan_name=row.plan_name,
        network_tier=NetworkTier(row.network_tier),
        copay=Money(row.copay),
        coinsurance=row.coinsurance,
        deductible=Money(row.deductible),
        out_of_pocket_max=Money(row.out_of_pocket_max),
        specialist_copay=None if row.specialist_copay is None else Money(row.specialist_copay),
        copay_services=frozenset(ServiceCategory(c) for c in row.copay_services.split()),
        preventive_free=row.preventive_free,
        copay_with_coinsurance=row.copay_with_coinsurance,
        allowed_without_contract=AllowedBasis(row.allowed_without_contract),
        maximum_allowable=row.maximum_allowable,
        balance_billing=row.balance_billing,
    )
