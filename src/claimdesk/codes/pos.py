"""CMS Place of Service code set, saved as CSV with the columns of the CMS table.

Columns: Place of Service Code(s), Place of Service Name, Place of Service Description. A row may
cover a range ("35-40") when it is unassigned; unassigned codes are not kept.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from claimdesk.codes.table import TableBuilder, clean_text

COLUMNS = ("code", "name")
CODE_COLUMN = "Place of Service Code(s)"
NAME_COLUMN = "Place of Service Name"
HEADER = (CODE_COLUMN, NAME_COLUMN, "Place of Service Description")
SINGLE = re.compile(r"^[0-9]{2}$")
RANGE = re.compile(r"^([0-9]{2})\s*-\s*([0-9]{2})$")
UNASSIGNED = "unassigned"


def parse(path: Path) -> list[tuple[str, ...]]:
    table = TableBuilder(path.name, COLUMNS)
    with path.open(newline="", encoding="utf-8-sig") as stream:
        reader = csv.DictReader(stream)
        fields = [f.strip() for f in reader.fieldnames or ()]
        missing = [name for name in HEADER if name not in fields]
        if missing:
            table.error(1, "header", f"missing column(s) {', '.join(missing)}")
            return table.finish("place of service")
        seen: dict[str, int] = {}
        for row, record in enumerate(reader, start=2):
            cells = {k.strip(): (v or "").strip() for k, v in record.items() if k is not None}
            code, name = cells[CODE_COLUMN], clean_text(cells[NAME_COLUMN])
            if name.lower() == UNASSIGNED:
                if not (SINGLE.match(code) or RANGE.match(code)):
                    table.error(row, CODE_COLUMN, f"{code!r} is not a code or a code range")
                continue
            if not SINGLE.match(code):
                table.error(row, CODE_COLUMN, f"{code!r} is not a two-digit code")
                continue
            if not name:
                table.error(row, NAME_COLUMN, "an assigned code needs its name")
                continue
            if code in seen:
                table.error(row, CODE_COLUMN, f"{code} is already on row {seen[code]}")
                continue
            seen[code] = row
            table.rows.append((code, name))
    return table.finish("place of service")
