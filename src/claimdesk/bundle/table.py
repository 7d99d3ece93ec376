"""Reading one bundle CSV file: header checks, then rows whose cells are parsed with their errors.

Every problem becomes a RowError and reading goes on, so a user sees all of a file's problems in
one pass. Row numbers are the file's line numbers (the header is row 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from claimdesk.bundle.cells import CellError
from claimdesk.bundle.layout import FileLayout
from claimdesk.bundle.model import RowError

T = TypeVar("T")

# A whole file, not one row of it (a missing file).
FILE_ROW = 0
HEADER_ROW = 1


class Row:
    """One data row: typed access to its cells, recording every problem in the shared list."""

    __slots__ = ("_absent", "_cells", "_errors", "_file", "number", "ok")

    def __init__(
        self,
        file: str,
        number: int,
        cells: dict[str, str],
        absent: frozenset[str],
        errors: list[RowError],
    ) -> None:
        self._file = file
        self.number = number
        self._cells = cells
        self._absent = absent
        self._errors = errors
        self.ok = True

    def error(self, column: str, reason: str) -> None:
        self._errors.append(RowError(self._file, self.number, column, reason))
        self.ok = False

    def text(self, column: str) -> str:
        """The stripped text of an optional cell; empty when the column is not in the header."""
        return self._cells.get(column, "")

    def required(self, column: str) -> str | None:
        """The text of a cell that must have a value; None (and an error) when it has none."""
        value = self._cells.get(column, "")
        if value:
            return value
        if column in self._absent:
            # Reported once as a missing header column; the row still cannot be built.
            self.ok = False
        else:
            self.error(column, "a value is required")
        return None

    def parse(self, column: str, parser: Callable[[str], T]) -> T | None:
        """A required cell, parsed; None when it is empty or malformed (the error is recorded)."""
        value = self.required(column)
        if value is None:
            return None
        return self._parse_text(column, value, parser)

    def parse_optional(self, column: str, parser: Callable[[str], T]) -> T | None:
        """An optional cell, parsed; None when it is empty or malformed (the error is recorded)."""
        value = self._cells.get(column, "")
        if not value:
            return None
        return self._parse_text(column, value, parser)

    def _parse_text(self, column: str, value: str, parser: Callable[[str], T]) -> T | None:
        try:
            return parser(value)
        except CellError as exc:
            self.error(column, str(exc))
            return None


class Table:
    """A bundle file opened for reading: the header is checked when it is opened."""

    def __init__(self, folder: Path, layout: FileLayout, errors: list[RowError]) -> None:
        self.layout = layout
        self._path = folder / layout.name
        self._errors = errors
        self.present = self._path.is_file()
        self._absent: frozenset[str] = frozenset(layout.required)
        if not self.present and layout.required_file:
            errors.append(RowError(layout.name, FILE_ROW, "", "required file is missing"))

    def rows(self) -> Iterator[Row]:
        """The data rows; nothing when the file is absent or its header is unreadable."""
        if not self.present:
            return
        name = self.layout.name
        raw = self._path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self._errors.append(RowError(name, line, "", f"not UTF-8 text: {exc.reason}"))
            return
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader, None)
            if header is None:
                self._errors.append(RowError(name, HEADER_ROW, "", "empty file: no header row"))
                return
            header = [column.strip() for column in header]
            absent = self._absent = self._check_header(header)
            width = len(header)
            for record in reader:
                stripped = [cell.strip() for cell in record]
                if not any(stripped):
                    continue
                cells = dict(zip(header, stripped, strict=False))
                row = Row(name, reader.line_num, cells, absent, self._errors)
                if len(record) != width:
                    row.error("", f"row has {len(record)} cells, the header has {width}")
                yield row
        except csv.Error as exc:
            self._errors.append(RowError(name, reader.line_num, "", f"not valid CSV: {exc}"))

    def keys_checkable(self) -> bool:
        """Whether references into this file can be checked (after its rows were read).

        An absent optional file has no keys, so every reference into it is unknown; an absent
        required file or key column was already reported, and checking references into it would
        only repeat that error on every row.
        """
        if not self.present:
            return not self.layout.required_file
        return not any(column in self._absent for column in self.layout.key)

    def _check_header(self, header: list[str]) -> frozenset[str]:
        """Record header problems; the required columns the header lacks."""
        name = self.layout.name
        known = set(self.layout.columns)
        seen: set[str] = set()
        for column in header:
            if column in seen:
                self._errors.append(RowError(name, HEADER_ROW, column, "column appears twice"))
            elif column not in known:
                self._errors.append(
                    RowError(
                        name,
                        HEADER_ROW,
                        column,
                        f"unknown column; expected: {', '.join(self.layout.columns)}",
                    )
                )
            seen.add(column)
        missing = [column for column in self.layout.required if column not in seen]
        for column in missing:
            self._errors.append(RowError(name, HEADER_ROW, column, "required column is missing"))
        return frozenset(missing)


class KeyIndex:
    """The natural keys seen in one file, first row of each, for duplicate and reference checks.

    A row's key is indexed even when its other cells are bad, so one bad cell does not also turn
    every reference to that row into an "unknown" error.
    """

    def __init__(self, layout: FileLayout) -> None:
        self._layout = layout
        self._key_needed = [column not in layout.optional for column in layout.key]
        self._first_row: dict[tuple[str, ...], int] = {}
        # Set from Table.keys_checkable() once the file has been read.
        self.available = True

    def add(self, row: Row) -> tuple[str, ...] | None:
        """Index the row's key; None (and an error) when it is empty or a duplicate."""
        key = tuple(row.text(column) for column in self._layout.key)
        if not all(part for part, needed in zip(key, self._key_needed, strict=True) if needed):
            return None
        first = self._first_row.get(key)
        if first is not None:
            shown = ", ".join(f"{c}={v}" for c, v in zip(self._layout.key, key, strict=True))
            row.error(self._layout.key[-1], f"duplicate key ({shown}); first on row {first}")
            return None
        self._first_row[key] = row.number
        return key

    def __contains__(self, key: str) -> bool:
        return (key,) in self._first_row

    def check_reference(self, row: Row, column: str, target: str) -> None:
        """Record an error when the cell names a key that the referenced file does not have."""
        value = row.text(column)
        if value and self.available and (value,) not in self._first_row:
            row.error(column, f"no {target} with this id in {self._layout.name}: {value!r}")
