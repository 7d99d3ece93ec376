"""Status and history Z codes that may justify a service alone, as data (``first_listed_z.toml``).

The ICD-10-CM guidelines make a status or history code a secondary diagnosis as a rule; a few
guidelines and national coverage determinations make the status the reason for one service (a
former smoker's lung screening, a pacemaker's check). Errors name the file, row and field.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

SOURCE = "claimdesk/scrub/first_listed_z.toml"


class FirstListedError(ValueError):
    """The table cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class AllowedPair:
    diagnosis: str  # without the dot, as X12 sends it
    procedures: frozenset[str]
    source: str  # the guideline or NCD


@dataclass(frozen=True, slots=True)
class FirstListedTable:
    pairs: tuple[AllowedPair, ...]

    def allows(self, diagnosis: str, procedure: str) -> bool:
        """Whether ``diagnosis`` (dot optional) alone may justify ``procedure``."""
        code = diagnosis.replace(".", "").upper()
        return any(p.diagnosis == code and procedure in p.procedures for p in self.pairs)


def _text(row: dict[str, Any], entry: str, field: str, source: str) -> str:
    value = row.get(field)
    if not isinstance(value, str) or not value.strip():
        raise FirstListedError(
            f"{source}: {entry}, field {field!r}: a non-empty string is required"
        )
    return value.strip()


def parse_first_listed(text: str, source: str = SOURCE) -> FirstListedTable:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FirstListedError(f"{source}: not valid TOML: {exc}") from exc
    pairs = []
    for number, row in enumerate(data.get("pairs", []), start=1):
        entry = f"pair {number}"
        diagnosis = _text(row, entry, "diagnosis", source).replace(".", "").upper()
        if not diagnosis.startswith("Z"):
            raise FirstListedError(f"{source}: {entry}, field 'diagnosis': a Z code is required")
        procedures = row.get("procedures")
        if not isinstance(procedures, list) or not all(isinstance(p, str) for p in procedures):
            raise FirstListedError(f"{source}: {entry}, field 'procedures': a list of codes")
        pairs.append(
            AllowedPair(diagnosis, frozenset(procedures), _text(row, entry, "source", source))
        )
    return FirstListedTable(tuple(pairs))


@cache
def shipped_first_listed() -> FirstListedTable:
    text = resources.files("claimdesk.scrub").joinpath("first_listed_z.toml").read_text("utf-8")
    return parse_first_listed(text)
