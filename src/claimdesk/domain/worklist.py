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
