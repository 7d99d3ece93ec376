"""Net collection over the visits old enough to be paid: a cohort by date of service.

The period KPI (``net_collection_rate``, docs/kpis.md) sets the period's cash against the
period's charges, so in a practice's first months, whose charges are not paid yet, it reads low
whatever the office does. This figure follows the visits served at least ``min_age_days``
before ``as_of`` to the end of ``as_of``: of what they were worth (gross charges less
contractual adjustments, the KPI's denominator), what was not collected is every other
adjustment posted to them (write-offs by reason) and what they still owe; the rest was
collected. Double entry makes the two readings one: a claim's receivables are charged with its
charges and relieved only by payments, applied patient credit, contractual adjustments and
write-offs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from claimdesk.domain.ledger import Account
from claimdesk.domain.money import Money, total

# Deducted from the charges, as the KPI deducts them: what the contract never let be billed.
_CONTRACTUAL = frozenset({Account.CONTRACTUAL, Account.WRITE_OFF_CONTRACTUAL})
_ADJUSTMENT_PREFIX = "adjustment:"


@dataclass(frozen=True, slots=True)
class ServedCollection:
    as_of: date
    min_age_days: int
    claims: int
    charges: Money
    contractual: Money
    written_off: Mapping[str, Money]  # adjustment account -> amount, other than contractual
    open_insurance: Money
    open_patient: Money

    @property
    def served_by(self) -> date:
        return self.as_of - timedelta(days=self.min_age_days)

    @property
    def net(self) -> Money:
        return self.charges - self.contractual

    @property
    def uncollected(self) -> Money:
        return total(self.written_off.values()) + self.open_insurance + self.open_patient

    @property
    def collected(self) -> Money:
        return self.net - self.uncollected

    @property
    def rate(self) -> Decimal | None:
        if not self.net.is_positive():
            return None
        return self.collected.amount / self.net.amount

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "min_age_days": self.min_age_days,
            "served_by": self.served_by.isoformat(),
            "claims": self.claims,
            "charges": str(self.charges),
            "contractual": str(self.contractual),
            "net": str(self.net),
            "written_off": {a: str(m) for a, m in sorted(self.written_off.items())},
            "open_insurance": str(self.open_insurance),
            "open_patient": str(self.open_patient),
            "collected": str(self.collected),
            "rate": None if self.rate is None else str(self.rate),
        }


def served_collection(
    as_of: date, min_age_days: int, claims: int, balances: Mapping[str, Money]
) -> ServedCollection:
    """The cohort's figure from its claims' account balances at ``as_of`` (debits positive:
    charges are a credit to revenue, adjustments debits, open receivables debits)."""

    def of(account: Account) -> Money:
        return balances.get(account.value, Money.zero())

    return ServedCollection(
        as_of=as_of,
        min_age_days=min_age_days,
        claims=claims,
        charges=-of(Account.GROSS_CHARGES),
        contractual=total(of(a) for a in _CONTRACTUAL),
        written_off={
            account: amount
            for account, amount in balances.items()
            if account.startswith(_ADJUSTMENT_PREFIX)
            and account not in {a.value for a in _CONTRACTUAL}
            and amount
        },
        open_insurance=of(Account.INSURANCE_AR),
        open_patient=of(Account.PATIENT_AR),
    )
