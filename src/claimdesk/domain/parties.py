"""Patients and guarantors: the people a claim is about and who owes the patient's share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Sex(StrEnum):
    """Administrative sex as sent in DMG03 (X12 5010)."""

    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    city: str
    state: str
    postal_code: str
    line2: str = ""

    def is_complete(self) -> bool:
        return all((self.line1.strip(), self.city.strip(), self.state.strip(), self.postal_code))


@dataclass(frozen=True, slots=True)
class Patient:
    """A registered patient; ``account`` is the practice's patient account number (natural key)."""

    account: str
    last_name: str
    first_name: str
    birth_date: date
    sex: Sex
    address: Address
    phone: str = ""
    middle_name: str = ""
    guarantor_account: str | None = None
    # The patient confirmed they have no insurance from this day: their visits are self-pay.
    uninsured_since: date | None = None

    def age_on(self, day: date) -> int:
        """Age in whole years on ``day`` (the date of service for code-set age edits)."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


@dataclass(frozen=True, slots=True)
class Guarantor:
    """The person responsible for the patient's balance (the patient, a parent, a spouse)."""

    account: str
    last_name: str
    first_name: str
    address: Address
    phone: str = ""
