"""NUCC Health Care Provider Taxonomy CSV, as NUCC distributes it.

Columns: Code, Grouping, Classification, Specialization, Definition, Notes, Display Name,
Section (Individual or Non-Individual). Definitions and notes are not kept.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from claimdesk.codes.table import TableBuilder, clean_text

COLUMNS = ("code", "grouping", "classification", "specialization", "section")
HEADER = ("Code", "Grouping", "Classification", "Specialization", "Section")
TAXONOMY = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")
SECTIONS = frozenset({"Individual", "Non-Individual"})


def parse(path: Path) -> list[tuple[str, ...]]:
    table = TableBuilder(path.name, COLUMNS)
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as stream:
        reader = csv.DictReader(stream)
        fields = [f.strip() for f in reader.fieldnames or ()]
        missing = [name for name in HEADER if name not in fields]
        if missing:
            table.error(1, "header", f"missing column(s) {', '.join(missing)}")
            return table.finish("taxonomy")
        seen: dict[str, int] = {}
        for row, record in enumerate(reader, start=2):
            cells = {k.strip(): (v or "").strip() for k, v in record.items() if k is not None}
            code = cells["Code"]
            ok = True
            if not TAXONOMY.match(code):
                table.error(row, "Code", f"{code!r} is not a NUCC taxonomy code")
                ok = False
            elif code in seen:
                table.error(row, "Code", f"{code} is already on row {seen[code]}")
                ok = False
            else:
                seen[code] = row
            if cells["Section"] not in SECTIONS:
                table.error(
                    row, "Section", f"{cells['Section']!r} is not Individual or Non-Individual"
                )
                ok = False
            if not cells["Grouping"] or not cells["Classification"]:
                table.error(row, "Grouping", "grouping and classification are required")
                ok = False
            if ok:
                table.rows.append(
                    (
                        code,
                        clean_text(cells["Grouping"]),
                        clean_text(cells["Classification"]),
                        clean_text(cells["Specialization"]),
                        cells["Section"],
                    )
                )
    return table.finish("taxonomy")
