"""What the practice has on file, asked while a message is read, so that a reference to an
unknown provider, facility, payer or patient is refused where the message names it."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from claimdesk.domain.money import Money


class Directory(Protocol):
    def today(self) -> date: ...

    def place_of_service(self, facility_id: str) -> str | None: ...

    def fee(self, code: str, modifier: str, day: date) -> Money | None: ...

    def visit_owner(self, encounter_id: str) -> str | None: ...

    def coverage_owner(self, coverage_id: str) -> str | None: ...

    def has_provider(self, npi: str) -> bool: ...

    def has_payer(self, payer_id: str) -> bool: ...

    def has_patient(self, account: str) -> bool: ...
