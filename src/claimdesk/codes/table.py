"""A parsed code file: normalized rows, or every row error found (all or nothing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from claimdesk.bundle.model import RowError


class CodeImportError(ValueError):
    """The file has problems; nothing was stored. ``errors`` name file, row, column and reason."""

    def __init__(self, errors: list[RowError]) -> None:
        shown = "; ".join(str(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"{len(errors)} problem(s): {shown}{more}")
        self.errors = tuple(errors)


@dataclass(slots=True)
class TableBuilder:
    """Collects normalized rows and located errors while a file is read."""

    file: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def error(self, row: int, column: str, reason: str) -> None:
        self.errors.append(RowError(self.file, row, column, reason))

    def finish(self, what: str) -> list[tuple[str, ...]]:
        if not self.rows and not self.errors:
            self.error(0, "", f"no {what} rows found")
        if self.errors:
            raise CodeImportError(self.errors)
        # Sorted and de-duplicated, so the stored file depends only on the content.
        return sorted(set(self.rows))


_SPACES = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """One line of text without tabs (the store is tab-separated)."""
    return _SPACES.sub(" ", value).strip()


def parse_date(value: str, formats: tuple[str, ...]) -> date:
    for layout in formats:
        try:
            return datetime.strptime(value, layout).date()  # noqa: DTZ007  (a date, no time)
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date ({' or '.join(formats)})")
