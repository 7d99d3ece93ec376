"""JSON text whose decimals are written exactly as they are.

FHIR decimals keep their digits (``150.00`` is not ``150.0``), and money is never a float here;
the library's own JSON goes through float, so claimdesk writes its resources itself, after the
library's models have validated them.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def dumps(value: Any, indent: int | None = None) -> str:
    """``value`` (dicts, lists, strings, booleans, ints, Decimals, None) as JSON text."""
    return "".join(_parts(value, indent, 0))


def _parts(value: Any, indent: int | None, depth: int) -> list[str]:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        return [format(value, "f")]
    if isinstance(value, dict):
        items = [
            [
                json.dumps(str(key)),
                ": " if indent is not None else ":",
                *_parts(v, indent, depth + 1),
            ]
            for key, v in value.items()
        ]
        return _container("{", "}", items, indent, depth)
    if isinstance(value, list | tuple):
        return _container("[", "]", [_parts(v, indent, depth + 1) for v in value], indent, depth)
    if isinstance(value, float):
        raise TypeError("a float has no exact decimal value: give a Decimal")
    return [json.dumps(value)]


def _container(
    open_: str, close: str, items: list[list[str]], indent: int | None, depth: int
) -> list[str]:
    if not items:
        return [open_, close]
    if indent is None:
        joined: list[str] = [open_]
        for position, item in enumerate(items):
            if position:
                joined.append(",")
            joined.extend(item)
        return [*joined, close]
    inner = "\n" + " " * (indent * (depth + 1))
    out: list[str] = [open_]
    for position, item in enumerate(items):
        out.append(("," if position else "") + inner)
        out.extend(item)
    return [*out, "\n" + " " * (indent * depth), close]
