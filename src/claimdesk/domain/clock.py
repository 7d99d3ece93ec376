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
