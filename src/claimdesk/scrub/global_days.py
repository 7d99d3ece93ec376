"""Global surgery periods (MPFS global days indicator) as data: ``global_days.toml``.

Modifier 57 marks the E/M that decided on a major surgery (90 global days), billed the day of or
the day before it; modifier 25 marks a significant, separately identifiable E/M the day of a minor
procedure (0 or 10 global days). CMS Claims Processing Manual chapter 12, section 40.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

SOURCE = "claimdesk/scrub/global_days.toml"


class GlobalDaysError(ValueError):
    """The table cannot be used; the message says where and why."""


class GlobalPeriod(StrEnum):
    ZERO = "000"  # minor procedure, no postoperative days
    TEN = "010"  # minor procedure, 10 postoperative days
    MAJOR = "090"  # major surgery: 1 day before, the day of, and 90 days after
    NOT_APPLICABLE = "XXX"  # the global concept does not apply

    @property
    def minor(self) -> bool:
        return self in (GlobalPeriod.ZERO, GlobalPeriod.TEN)


@dataclass(frozen=True, slots=True)
class GlobalDays:
    code: str
    period: GlobalPeriod
    source: str


@dataclass(frozen=True, slots=True)
class GlobalDaysTable:
    rows: dict[str, GlobalDays]

    def period(self, code: str) -> GlobalPeriod | None:
        """The code's global period, or None when the table does not list it."""
        row = self.rows.get(code)
        return None if row is None else row.period


def parse_global_days(text: str, source: str = SOURCE) -> GlobalDaysTable:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GlobalDaysError(f"{source}: not valid TOML: {exc}") from exc
    cited = data.get("source")
    if not isinstance(cited, str) or not cited.strip():
        raise GlobalDaysError(f"{source}: field 'source': name the file the periods come from")
    rows: dict[str, GlobalDays] = {}
    for name, codes in data.get("periods", {}).items():
        try:
            period = GlobalPeriod(name)
        except ValueError as exc:
            known = ", ".join(p.value for p in GlobalPeriod)
            raise GlobalDaysError(f"{source}: [periods] {name!r}: known: {known}") from exc
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise GlobalDaysError(f"{source}: [periods] {name!r}: a list of codes is required")
        for code in codes:
            if code in rows:
                raise GlobalDaysError(f"{source}: [periods] {name!r}: {code} is listed twice")
            rows[code] = GlobalDays(code, period, cited.strip())
    return GlobalDaysTable(rows)


@cache
def shipped_global_days() -> GlobalDaysTable:
    text = resources.files("claimdesk.scrub").joinpath("global_days.toml").read_text("utf-8")
    return parse_global_days(text)
