"""CMS NCCI files: practitioner procedure-to-procedure (PTP) edits and MUE values.

PTP (tab-delimited text as CMS distributes it): notice lines, then a header row starting with
"Column 1", then rows of Column 1, Column 2, in existence prior to 1996 (* or empty), Effective
Date, Deletion Date (YYYYMMDD, * = none), Modifier (0 not allowed, 1 allowed, 9 not applicable),
PTP Edit Rationale.

MUE (comma-separated, as CMS distributes it): notice lines, then a header row starting with
"HCPCS/CPT Code", then rows of HCPCS/CPT Code, Practitioner Services MUE Values, MUE Adjudication
Indicator ("1 Line Edit", "2 Date of Service Edit: Policy", "3 Date of Service Edit: Clinical"),
MUE Rationale.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from claimdesk.codes.table import TableBuilder, parse_date

PTP_COLUMNS = ("column1", "column2", "effective", "deletion", "modifier_indicator")
MUE_COLUMNS = ("code", "units", "adjudication_indicator")
PROCEDURE = re.compile(r"^(?:[0-9]{5}|[0-9]{4}[FTU]|[A-V][0-9]{4})$")
PTP_NAMES = (
    "Column 1",
    "Column 2",
    "prior to 1996",
    "Effective Date",
    "Deletion Date",
    "Modifier",
    "PTP Edit Rationale",
)
MUE_NAMES = ("HCPCS/CPT Code", "MUE Value", "MUE Adjudication Indicator", "MUE Rationale")


def _header_index(rows: list[list[str]], first: str) -> int | None:
    for index, cells in enumerate(rows):
        if cells and cells[0].strip().lower().startswith(first.lower()):
            return index
    return None


def _read(path: Path, delimiter: str) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as stream:
        return list(csv.reader(stream, delimiter=delimiter))


def parse_ptp(path: Path) -> list[tuple[str, ...]]:
    table = TableBuilder(path.name, PTP_COLUMNS)
    rows = _read(path, "\t")
    header = _header_index(rows, "Column 1")
    if header is None:
        table.error(0, "header", "no header row starting with 'Column 1'")
        return table.finish("PTP")
    for index in range(header + 1, len(rows)):
        cells = [c.strip() for c in rows[index]]
        row = index + 1
        if not any(cells) or not cells[0]:
            continue  # blank lines and the second line of a two-line header
        if len(cells) < 6:
            table.error(row, "row", f"{len(cells)} columns; a PTP row has 7")
            continue
        column1, column2, _, effective, deletion, indicator = cells[:6]
        ok = True
        for name, code in (("Column 1", column1), ("Column 2", column2)):
            if not PROCEDURE.match(code):
                table.error(row, name, f"{code!r} is not a CPT/HCPCS code")
                ok = False
        dates: list[str] = []
        for name, value in (("Effective Date", effective), ("Deletion Date", deletion)):
            if name == "Deletion Date" and value in ("*", ""):
                dates.append("")
                continue
            try:
                dates.append(parse_date(value, ("%Y%m%d",)).isoformat())
            except ValueError as exc:
                table.error(row, name, str(exc))
                ok = False
        if indicator not in ("0", "1", "9"):
            table.error(row, "Modifier", f"{indicator!r} is not 0, 1 or 9")
            ok = False
        if ok:
            table.rows.append((column1, column2, dates[0], dates[1], indicator))
    return table.finish("PTP")


def parse_mue(path: Path) -> list[tuple[str, ...]]:
    table = TableBuilder(path.name, MUE_COLUMNS)
    rows = _read(path, ",")
    header = _header_index(rows, "HCPCS/CPT Code")
    if header is None:
        table.error(0, "header", "no header row starting with 'HCPCS/CPT Code'")
        return table.finish("MUE")
    seen: dict[str, int] = {}
    for index in range(header + 1, len(rows)):
        cells = [c.strip() for c in rows[index]]
        row = index + 1
        if not any(cells):
            continue
        if len(cells) < 3:
            table.error(row, "row", f"{len(cells)} columns; an MUE row has 4")
            continue
        code, units, indicator = cells[:3]
        ok = True
        if not PROCEDURE.match(code):
            table.error(row, MUE_NAMES[0], f"{code!r} is not a CPT/HCPCS code")
            ok = False
        elif code in seen:
            table.error(row, MUE_NAMES[0], f"{code} is already on row {seen[code]}")
            ok = False
        else:
            seen[code] = row
        if not units.isdigit():
            table.error(row, MUE_NAMES[1], f"{units!r} is not a whole number of units")
            ok = False
        mai = indicator[:1]
        if mai not in ("1", "2", "3"):
            table.error(row, MUE_NAMES[2], f"{indicator!r} does not start with 1, 2 or 3")
            ok = False
        if ok:
            table.rows.append((code, str(int(units)), mai))
    return table.finish("MUE")
