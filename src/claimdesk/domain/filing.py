"""A payer's timely filing limit, counted in the calendar terms the payer states it in.

Payers say "90 days" or "12 months" (Medicare: 12 months after the date of service,
42 CFR 424.44), and the two are not interchangeable: twelve months from 15 January is 15 January
of the next year, 365 days is the 14th in a leap year. The limit's last day is the last day a
claim is on time; the day after it the claim is late.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

_STATED = re.compile(r"(\d+)\s+(day|days|month|months|year|years)", re.ASCII | re.IGNORECASE)
MONTHS_PER_YEAR = 12


class FilingUnit(StrEnum):
    DAYS = "days"
    MONTHS = "months"


@dataclass(frozen=True, slots=True)
class FilingLimit:
    """``amount`` days or calendar months after the date of service."""

    amount: int
    unit: FilingUnit

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError(f"a timely filing limit must be positive, not {self.amount}")

    @classmethod
    def parse(cls, text: str) -> FilingLimit:
        """``90 days``, ``12 months`` or ``1 year`` (a year is stated as 12 months)."""
        match = _STATED.fullmatch(text.strip())
        if match is None:
            raise ValueError(
                f"not a timely filing limit {text!r}: expected a number of days, months or "
                f"years, e.g. '90 days' or '12 months'"
            )
        amount, word = int(match[1]), match[2].lower()
        if word.startswith("year"):
            return cls(amount * MONTHS_PER_YEAR, FilingUnit.MONTHS)
        return cls(amount, FilingUnit.MONTHS if word.startswith("month") else FilingUnit.DAYS)

    @classmethod
    def stated(cls, days: int | None, months: int | None) -> FilingLimit:
        """The limit from a payer's two fields, of which exactly one has a value."""
        if days is not None and months is None:
            return cls(days, FilingUnit.DAYS)
        if months is not None and days is None:
            return cls(months, FilingUnit.MONTHS)
        raise ValueError("the timely filing limit is stated either in days or in months")

    @property
    def days(self) -> int | None:
        """The amount when the limit is stated in days, else None."""
        return self.amount if self.unit is FilingUnit.DAYS else None

    @property
    def months(self) -> int | None:
        """The amount when the limit is stated in months, else None."""
        return self.amount if self.unit is FilingUnit.MONTHS else None

    def last_day(self, date_of_service: date) -> date:
        """The last day a claim for ``date_of_service`` is filed on time.

        Months move the calendar month and keep the day, clamped to the end of a shorter month:
        a visit on 29 February 2024 may be filed through 28 February 2025 under 12 months.
        """
        if self.unit is FilingUnit.DAYS:
            return date_of_service + timedelta(days=self.amount)
        index = date_of_service.month - 1 + self.amount
        year, month = date_of_service.year + index // MONTHS_PER_YEAR, index % MONTHS_PER_YEAR + 1
        return date(year, month, min(date_of_service.day, calendar.monthrange(year, month)[1]))

    def __str__(self) -> str:
        unit = self.unit.value.removesuffix("s") if self.amount == 1 else self.unit.value
        return f"{self.amount} {unit}"
