"""X12 claim adjustment reason codes (CARC) and remittance advice remark codes (RARC).

X12 publishes both lists with the columns Code, Description, Start, Last Modified and Stop
(dates MM/DD/YYYY); the importer reads that list saved as CSV with those column names. claimdesk
ships codes only: the descriptions come from the user's copy and stay in the data home.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from claimdesk.codes.table import TableBuilder, clean_text, parse_date

COLUMNS = ("code", "start", "last_modified", "stop", "description")
HEADER = ("Code", "Description", "Start", "Last Modified", "Stop")
CARC = re.compile(r"^(?:[0-9]{1,3}|[A-Z][0-9A-Z]{0,2})$")
RARC = re.compile(r"^(?:M|MA|N)[0-9]{1,3}$")
_DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")


def _parse(path: Path, shape: re.Pattern[str], what: str) -> list[tuple[str, ...]]:
    table = TableBuilder(path.name, COLUMNS)
    with path.open(newline="", encoding="utf-8-sig") as stream:
        reader = csv.DictReader(stream)
        fields = [f.strip() for f in reader.fieldnames or ()]
        missing = [name for name in HEADER if name not in fields]
        if missing:
            table.error(1, "header", f"missing column(s) {', '.join(missing)}")
            return table.finish(what)
        seen: dict[str, int] = {}
        for row, record in enumerate(reader, start=2):
            cells = {k.strip(): (v or "").strip() for k, v in record.items() if k is not None}
            code = cells["Code"]
            ok = True
            if not shape.match(code):
                table.error(row, "Code", f"{code!r} is not a {what} code")
                ok = False
            elif code in seen:
                table.error(row, "Code", f"{code} is already on row {seen[code]}")
                ok = False
            else:
                seen[code] = row
            dates: list[str] = []
            for name in ("Start", "Last Modified", "Stop"):
                value = cells[name]
                if not value:
                    if name == "Start":
                        table.error(row, name, "a code needs its start date")
                        ok = False
                    dates.append("")
                    continue
                try:
                    dates.append(parse_date(value, _DATE_FORMATS).isoformat())
                except ValueError as exc:
                    table.error(row, name, str(exc))
                    ok = False
            if ok:
                table.rows.append((code, *dates, clean_text(cells["Description"])))
    return table.finish(what)


def parse_carc(path: Path) -> list[tuple[str, ...]]:
    return _parse(path, CARC, "CARC")


def parse_rarc(path: Path) -> list[tuple[str, ...]]:
    return _parse(path, RARC, "RARC")
