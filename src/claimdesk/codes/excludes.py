"""Read the code references out of ICD-10-CM Excludes1 note texts."""

from __future__ import annotations

import re

from claimdesk.scrub.reference import Excludes1

# A code or code prefix as the tabular list writes it: E10.-, A37.0-, O10-O11, E03.0-E03.1, J60.
_CODE = r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?"
_ITEM = re.compile(rf"^({_CODE})(?:\.?-|-({_CODE}))?$")
_PARENTHESES = re.compile(r"\(([^()]*)\)")


def _plain(code: str) -> str:
    return code.replace(".", "")


def parse_excludes1(note: str) -> tuple[Excludes1, ...]:
    """Every code, prefix or range cited in parentheses in ``note``; other text is ignored."""
    targets: list[Excludes1] = []
    for group in _PARENTHESES.findall(note):
        for item in group.split(","):
            match = _ITEM.match(item.strip())
            if match is None:
                continue
            low, high = match.group(1), match.group(2)
            targets.append(Excludes1(_plain(low), _plain(high or low), note))
    return tuple(targets)
