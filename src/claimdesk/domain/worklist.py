"""The claims worklist's filter and rows (issue 17): what a biller picks claims by, and what
each row shows. The store reads them (``store.queries.worklist``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from claimdesk.domain.money import Money


@dataclass(frozen=True, slots=True)
class ClaimFilter:
    status: str = ""
    payer_id: str = ""
    provider_npi: str = ""
    min_age_days: int | None = None  # days since the date of service
    max_age_days: int | None = None
    min_balance: Money | None = None  # open A/R, insurance and patient
    denial_category: str = ""  # an active denial item's category

    def describe(self) -> str:
        parts = [
            f"{name} {value}"
            for name, value in (
                ("status", self.status),
                ("payer", self.payer_id),
                ("provider", self.provider_npi),
                ("age from", self.min_age_days),
                ("age to", self.max_age_days),
                ("balance from", self.min_balance),
                ("denial", self.denial_category),
            )
            if value not in ("", None)
        ]
        return ", ".join(parts) or "every claim"


@dataclass(frozen=True, slots=True)
class WorklistRow:
    claim_id: str
    status: str
    payer_id: str
    payer_name: str
    patient_account: str
    patient_name: str
    rendering_npi: str
    date_of_service: date
    charge: Money
    balance: Money


# How the queue page orders items: the hand-out order (score), or a column.
ITEM_SORTS = ("score", "amount", "deadline", "age", "kind", "item")


@dataclass(frozen=True, slots=True)
class ItemFilter:
    """What the queue page picks a person's items by (within the queues they work)."""

    queue: str = ""
    kind: str = ""
    status: str = "open"  # open, snoozed or in_progress
    min_amount: Money | None = None  # at stake
    due_within_days: int | None = None  # deadline on or before today + this many days

    def describe(self) -> str:
        parts = [
            f"{name} {value}"
            for name, value in (
                ("queue", self.queue),
                ("kind", self.kind),
                ("status", self.status),
                ("at stake from", self.min_amount),
                ("due within days", self.due_within_days),
            )
            if value not in ("", None)
        ]
        return ", ".join(parts) or "every item"
