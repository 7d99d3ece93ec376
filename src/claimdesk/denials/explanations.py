"""Plain-language explanations of adjustment reason (CARC) and remark (RARC) codes.

Written for claimdesk (``explanations.toml``): what the payer is saying and what a biller
usually does next. They are not the official code texts; those are shown beside them when the
practice has imported the code lists (``claimdesk codes import``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True, slots=True)
class Explanation:
    meaning: str
    next_step: str


@cache
def _explanations() -> dict[str, dict[str, Explanation]]:
    text = files("claimdesk.denials").joinpath("explanations.toml").read_text(encoding="utf-8")
    return {
        kind: {code: Explanation(**entry) for code, entry in codes.items()}
        for kind, codes in tomllib.loads(text).items()
    }


def explain_carc(code: str) -> Explanation | None:
    """CARC ``code`` (``45``, or ``CO-45``: the group code is dropped) in words."""
    return _explanations()["carc"].get(code.upper().rsplit("-", 1)[-1])


def explain_rarc(code: str) -> Explanation | None:
    return _explanations()["rarc"].get(code.upper())
