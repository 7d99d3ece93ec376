"""CMS HCPCS Level II file (fixed-width contractor record, 320 characters per record).

Positions used (1-based, inclusive, from the CMS record layout): HCPC code 1-5 (a modifier sits
in 4-5 with 1-3 blank), record id 11 (3 procedure, 7 modifier; 4 and 8 continue a description),
short description 92-119, code added date 269-276, action effective date 277-284, termination
date 285-292 (all YYYYMMDD), action code 293. CPT (Level I) descriptions are never stored.
"""

from __future__ import annotations

import re
from pathlib import Path

from claimdesk.codes.table import TableBuilder, clean_text, parse_date

COLUMNS = ("kind", "code", "added", "effective", "termination", "action", "short_description")
RECORD_LENGTH = 320
PROCEDURE, MODIFIER = "3", "7"
CONTINUATIONS = frozenset({"4", "8"})
ACTIONS = frozenset("ABCDFNPRST")
LEVEL_II = re.compile(r"^[A-V][0-9]{4}$")
CPT_LIKE = re.compile(r"^[0-9]{4}[0-9FTU]$")
MODIFIER_CODE = re.compile(r"^[0-9A-Z]{2}$")
_DATES = (("added", 269, 276), ("effective", 277, 284), ("termination", 285, 292))


def _field(record: str, start: int, end: int) -> str:
    return record[start - 1 : end].strip()


def _date(table: TableBuilder, row: int, record: str, name: str, start: int, end: int) -> str:
    value = _field(record, start, end)
    if not value:
        return ""
    try:
        return parse_date(value, ("%Y%m%d",)).isoformat()
    except ValueError as exc:
        table.error(row, f"{name} ({start}-{end})", str(exc))
        return ""


def parse(path: Path) -> list[tuple[str, ...]]:
    table = TableBuilder(path.name, COLUMNS)
    text = path.read_text(encoding="latin-1")
    for row, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        record = raw.ljust(RECORD_LENGTH)
        if len(raw) > RECORD_LENGTH:
            table.error(row, "record", f"longer than {RECORD_LENGTH} characters")
            continue
        kind_id = record[10]
        if kind_id in CONTINUATIONS:
            continue
        if kind_id not in (PROCEDURE, MODIFIER):
            table.error(row, "record id (11)", f"{kind_id!r} is not 3, 4, 7 or 8")
            continue
        dates = [_date(table, row, record, name, start, end) for name, start, end in _DATES]
        action = _field(record, 293, 293)
        if action and action not in ACTIONS:
            table.error(row, "action code (293)", f"{action!r} is not a HCPCS action code")
        if kind_id == MODIFIER:
            code = _field(record, 4, 5)
            if _field(record, 1, 3) or not MODIFIER_CODE.match(code):
                table.error(row, "modifier (4-5)", f"{record[:5]!r} is not a modifier record")
                continue
            table.rows.append(("modifier", code, *dates, action, ""))
            continue
        code = _field(record, 1, 5)
        if LEVEL_II.match(code):
            description = clean_text(_field(record, 92, 119))
        elif CPT_LIKE.match(code):
            description = ""  # CPT descriptions are AMA-licensed: never stored
        else:
            table.error(row, "HCPC (1-5)", f"{code!r} is not a HCPCS code")
            continue
        table.rows.append(("procedure", code, *dates, action, description))
    return table.finish("HCPCS")
