"""Accounting periods: calendar months that a manager closes once the month's work is done.

No ledger entry may be effective in a closed month (the month-end pack would change under the
figures already reported). A late item (an 835 paid in a closed month, a late charge, a
write-off) is posted effective on the first day of the first open month instead; its real
dates stay where they are kept (the remittance's payment date, the claim's dates of service).
A caller that asks for a closed date anyway gets :class:`ClosedPeriodError`, never a silent
change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from claimdesk.domain.ledger import Entry, LedgerError
from claimdesk.domain.money import Money

_MONTH = re.compile(r"(\d{4})-(\d{2})")


class PeriodStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class PeriodAction(StrEnum):
    CLOSE = "close"
    REOPEN = "reopen"


@dataclass(frozen=True, slots=True)
class CloseFinding:
    """Why a month cannot close, or why its roll-forward does not reconcile: findings are
    data (a code, a severity, what is wrong, how to fix it, and where)."""

    code: str
    message: str
    fix_hint: str
    location: str
    severity: str = "error"

    def as_json(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "fix_hint": self.fix_hint,
            "location": self.location,
        }


class ClosedPeriodError(LedgerError):
    """An entry effective in a closed month: the books of that month are final."""


@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1900 <= self.year <= 9999:
            raise ValueError(f"{self} is not a month")

    @classmethod
    def parse(cls, text: str) -> Month:
        """``2026-10``; a :class:`ValueError` names what a good value looks like."""
        found = _MONTH.fullmatch(text.strip())
        if found is None:
            raise ValueError(f"{text!r} is not a month: write it as YYYY-MM (2026-10)")
        try:
            return cls(int(found.group(1)), int(found.group(2)))
        except ValueError:
            raise ValueError(f"{text!r} is not a month: write it as YYYY-MM (2026-10)") from None

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.following.first_day - timedelta(days=1)

    @property
    def following(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def preceding(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class MonthEndKpis:
    """The practice's net A/R at the end of a closed month's last day and its net revenue of
    the 90 days to it (the sides of HFMA net days in A/R), as the close summed them. Months
    close in order and no entry may be effective in a closed one, so both hold until the
    month reopens; ``books verify`` (BOOKS009) sums them again."""

    net_ar: Money
    net_revenue: Money


@dataclass(frozen=True, slots=True)
class PeriodEvent:
    """One close or reopen of a month, as the desk recorded it."""

    month: Month
    action: PeriodAction
    at: datetime
    by: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PeriodState:
    """A month that was ever closed: where it stands now and its history."""

    month: Month
    events: tuple[PeriodEvent, ...]

    @property
    def status(self) -> PeriodStatus:
        last = self.events[-1].action
        return PeriodStatus.CLOSED if last is PeriodAction.CLOSE else PeriodStatus.OPEN

    @property
    def last_closed(self) -> PeriodEvent | None:
        closes = [e for e in self.events if e.action is PeriodAction.CLOSE]
        return closes[-1] if closes else None

    @property
    def reopens(self) -> tuple[PeriodEvent, ...]:
        return tuple(e for e in self.events if e.action is PeriodAction.REOPEN)


def refusal_to_close(closed: ClosedPeriods, month: Month) -> str | None:
    """Why ``month`` cannot be closed in this order, or None: months close one after the
    other, so no closed month is ever followed by an open one."""
    through = closed.through
    if through is None:
        return None
    if month <= through:
        return f"period {month} is already closed (the books are closed through {through})"
    if month != through.following:
        return (
            f"period {month} cannot close while {through.following} is open: months close "
            f"in order, close {through.following} first"
        )
    return None


def refusal_to_reopen(closed: ClosedPeriods, month: Month) -> str | None:
    """Why ``month`` cannot be reopened, or None: only the last month closed reopens (a later
    closed month would otherwise open on a balance that can still change)."""
    through = closed.through
    if month not in closed.months:
        return f"period {month} is not closed"
    if through is not None and month != through:
        return f"period {month} cannot reopen while {through} is closed: reopen {through} first"
    return None


def states_of(events: Iterable[PeriodEvent]) -> list[PeriodState]:
    """The months in order, each with its events in the order they happened."""
    by_month: dict[Month, list[PeriodEvent]] = {}
    for event in events:
        by_month.setdefault(event.month, []).append(event)
    return [PeriodState(m, tuple(by_month[m])) for m in sorted(by_month)]


@dataclass(frozen=True, slots=True)
class ClosedPeriods:
    """The books are closed through the end of the last month closed: months close in order
    and reopen newest first (:func:`refusal_to_close`, :func:`refusal_to_reopen`), so every
    month up to that one is final, including the history before the first close (a late item
    dated there would change the opening balance of the first closed month)."""

    months: frozenset[Month] = frozenset()

    @classmethod
    def of(cls, states: Iterable[PeriodState]) -> ClosedPeriods:
        return cls(frozenset(s.month for s in states if s.status is PeriodStatus.CLOSED))

    @property
    def through(self) -> Month | None:
        return max(self.months) if self.months else None

    def is_closed(self, day: date) -> bool:
        return self.through is not None and Month.of(day) <= self.through

    def postable(self, day: date) -> date:
        """``day`` itself when its month is open, else the first day of the first open month
        (a late item lands in the books that are still open)."""
        if self.through is None or not self.is_closed(day):
            return day
        return self.through.following.first_day

    def check(self, entries: Iterable[Entry]) -> None:
        """Refuse entries effective in a closed month; the message names each one."""
        late = [e for e in entries if self.is_closed(e.effective)]
        if late:
            named = ", ".join(f"{e.entry_id} ({e.effective})" for e in late[:10])
            more = f" and {len(late) - 10} more" if len(late) > 10 else ""
            raise ClosedPeriodError(
                f"entries effective in a closed period: {named}{more}; post them effective "
                f"{self.postable(late[0].effective)} (the first open day) or reopen the month"
            )
