"""One clock: "today" is the real date in the practice's time zone, for every face.

A visit at 19:30 in Columbus is on that day's books although it is already tomorrow in UTC;
timely filing, queue deadlines, report windows and the future-date check all count from this
date. A practice that has not set its time zone gets the machine's own.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def practice_today(now: datetime, zone: ZoneInfo | None) -> date:
    """The practice's date at the instant ``now`` (an aware datetime)."""
    if now.tzinfo is None:
        raise ValueError("now must carry its time zone")
    return now.astimezone(zone).date()


# The days a report may be asked for: aging and periods reach back years from a day, so a day
# near the calendar's ends (0001-01-01, a fuzzer's favourite) would overflow date arithmetic.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(9000, 12, 31)


class DayOutOfRangeError(ValueError):
    """A report asked for a day no practice has books on (HTTP 422)."""


def checked_day(day: date) -> date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise DayOutOfRangeError(f"{day}: a day from {EARLIEST_DAY} to {LATEST_DAY}")
    return day
