"""What the posting policy needs to know about our claim and the remittance it is posting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.money import Money
from claimdesk.posting.cob import PriorPayers


@dataclass(frozen=True, slots=True)
class LineFacts:
    line_number: int
    procedure_code: str
    modifiers: tuple[str, ...]
    charge: Money
    units: Decimal
    date_of_service: date


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    claim_id: str
    patient_account: str
    payer_id: str
    status: ClaimStatus
    date_of_service: date
    lines: tuple[LineFacts, ...]
    # The contract's allowed amount per line (rate x units), where the contract names the code.
    contract_allowed: Mapping[int, Money] = field(default_factory=dict)
    # What the payers before this one did, when this claim bills a secondary or tertiary payer.
    prior: PriorPayers | None = None

    @property
    def total_charge(self) -> Money:
        return sum((line.charge for line in self.lines), Money.zero())


@dataclass(frozen=True, slots=True)
class PostingContext:
    """Who posts what, when: entry ids start with ``remittance_id``."""

    remittance_id: str
    trace_number: str
    effective: date
    recorded_at: datetime
    recorded_by: str
    underpayment_tolerance: Money = field(default_factory=lambda: Money("1.00"))
