"""Use case: what the books hold: counts, charges by payer, and ledger totals that must balance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claimdesk.config import Settings
from claimdesk.domain.ledger import RECEIVABLES, Account, BalanceQuery
from claimdesk.domain.money import Money, total
from claimdesk.services.database import units_of_work
from claimdesk.store.queries.summary import book_counts
from claimdesk.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class PayerCharges:
    payer_id: str
    name: str
    claims: int
    charges: Money
    receivable: Money


@dataclass(frozen=True, slots=True)
class PracticeSummary:
    counts: dict[str, int]
    claims_by_status: dict[str, int]
    by_payer: tuple[PayerCharges, ...]
    trial_balance: dict[Account, Money]

    @property
    def balanced(self) -> bool:
        """Double entry: every account's balance together sums to exactly zero."""
        return not total(self.trial_balance.values())

    @property
    def gross_charges(self) -> Money:
        # Revenue is a credit balance, so charges are the negated account balance.
        return -self.trial_balance[Account.GROSS_CHARGES]

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "claims_by_status": self.claims_by_status,
            "by_payer": [
                {
                    "payer_id": p.payer_id,
                    "name": p.name,
                    "claims": p.claims,
                    "charges": str(p.charges),
                    "receivable": str(p.receivable),
                }
                for p in self.by_payer
            ],
            "trial_balance": {str(a): str(m) for a, m in self.trial_balance.items()},
            "gross_charges": str(self.gross_charges),
            "balanced": self.balanced,
        }


def practice_summary(uow: UnitOfWork) -> PracticeSummary:
    books = book_counts(uow.read)
    charges = uow.ledger.balances_by_payer(
        BalanceQuery(accounts=frozenset({Account.GROSS_CHARGES}))
    )
    receivable = uow.ledger.balances_by_payer(BalanceQuery(accounts=RECEIVABLES))
    by_payer = tuple(
        PayerCharges(
            payer_id=payer_id,
            name=books.payer_names.get(payer_id, payer_id),
            claims=books.claims_per_payer.get(payer_id, 0),
            charges=-charges.get(payer_id, Money.zero()),
            receivable=receivable.get(payer_id, Money.zero()),
        )
        for payer_id in sorted(set(charges) | set(books.claims_per_payer))
    )
    return PracticeSummary(
        counts=books.rows,
        claims_by_status={str(k): v for k, v in books.claims_by_status.items()},
        by_payer=by_payer,
        trial_balance=uow.ledger.trial_balance(),
    )


def summarize(settings: Settings) -> PracticeSummary:
    """The summary of the configured database, read in one transaction."""
    with units_of_work(settings) as uow_factory, uow_factory() as uow:
        return practice_summary(uow)
