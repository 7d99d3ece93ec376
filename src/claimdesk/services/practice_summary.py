"""Use case: what the books hold: counts, charges by payer, and ledger totals that must balance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from claimdesk.analytics.patient_aging import PatientAgingSummary
from claimdesk.analytics.position import ArPosition
from claimdesk.domain.ledger import Account
from claimdesk.domain.money import Money, total
from claimdesk.services.practice import practice_date
from claimdesk.store.queries.patient_accounts import patient_aging_summary
from claimdesk.store.queries.receivables import ar_position, charges_by_payer, trial_balance
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
    """The books at the end of ``as_of``: counts are of rows today, every amount as of then."""

    as_of: date
    counts: dict[str, int]
    claims_by_status: dict[str, int]
    by_payer: tuple[PayerCharges, ...]
    trial_balance: dict[Account, Money]
    ar: ArPosition
    # Patient A/R by patient and guarantor, aged from the day it became the patient's.
    patient_aging: PatientAgingSummary

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
            "as_of": self.as_of.isoformat(),
            "ar": self.ar.as_dict(),
            "patient_aging": self.patient_aging.as_dict(),
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


def practice_summary(uow: UnitOfWork, as_of: date) -> PracticeSummary:
    """What the books hold at the end of ``as_of``; the A/R is the one figure every face shows
    (:mod:`claimdesk.analytics.position`), and each payer's open A/R is its insurance A/R."""
    books = book_counts(uow.read)
    charges = charges_by_payer(uow.read, as_of)
    ar = ar_position(uow.read, as_of)
    receivable = ar.by_payer()
    by_payer = tuple(
        PayerCharges(
            payer_id=payer_id,
            name=books.payer_names.get(payer_id, payer_id),
            claims=books.claims_per_payer.get(payer_id, 0),
            charges=charges.get(payer_id, Money.zero()),
            receivable=receivable.get(payer_id, Money.zero()),
        )
        for payer_id in sorted(set(charges) | set(books.claims_per_payer) | set(receivable))
    )
    return PracticeSummary(
        as_of=as_of,
        counts=books.rows,
        claims_by_status={str(k): v for k, v in books.claims_by_status.items()},
        by_payer=by_payer,
        trial_balance=trial_balance(uow.read, as_of),
        ar=ar,
        patient_aging=patient_aging_summary(uow.read, as_of),
    )


def summarize(
    uow_factory: Callable[[], UnitOfWork], *, now: datetime, as_of: date | None = None
) -> PracticeSummary:
    """The summary as of ``as_of`` (default: the practice's today), read in one transaction of
    the caller's store (the command's own composition: no second engine)."""
    with uow_factory() as uow:
        return practice_summary(uow, as_of or practice_date(uow, now))


@dataclass(frozen=True, slots=True)
class CompanySummary:
    """Several practices' books as of one day: each practice's summary, and the figures that
    add up across them (row counts, claims by status, ledger balances, gross charges, the A/R and
    its parts). Charges by payer do not: each practice has payers of its own."""

    as_of: date
    practices: dict[str, PracticeSummary]

    def _summed(self, pick: Callable[[PracticeSummary], dict[str, int]]) -> dict[str, int]:
        summed: dict[str, int] = {}
        for summary in self.practices.values():
            for key, count in pick(summary).items():
                summed[key] = summed.get(key, 0) + count
        return summed

    @property
    def trial_balance(self) -> dict[Account, Money]:
        accounts = {a for s in self.practices.values() for a in s.trial_balance}
        return {
            a: total(s.trial_balance.get(a, Money.zero()) for s in self.practices.values())
            for a in sorted(accounts)
        }

    @property
    def balanced(self) -> bool:
        return all(s.balanced for s in self.practices.values())

    @property
    def gross_charges(self) -> Money:
        return total(s.gross_charges for s in self.practices.values())

    def as_dict(self) -> dict[str, Any]:
        ar_parts = {
            part: str(total(s.ar.parts()[part] for s in self.practices.values()))
            for part in ("insurance billed", "insurance unbilled", "patient")
        }
        return {
            "as_of": self.as_of.isoformat(),
            "practices": {p: s.as_dict() for p, s in self.practices.items()},
            "total": {
                "counts": self._summed(lambda s: s.counts),
                "claims_by_status": self._summed(lambda s: s.claims_by_status),
                "trial_balance": {str(a): str(m) for a, m in self.trial_balance.items()},
                "gross_charges": str(self.gross_charges),
                "ar": {
                    "total": str(total(s.ar.total for s in self.practices.values())),
                    "parts": ar_parts,
                },
                "balanced": self.balanced,
            },
        }
