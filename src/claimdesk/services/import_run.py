"""The state of one bundle import inside its unit of work, and the helpers its steps share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, select, update
from sqlalchemy.orm import Session

from claimdesk.store import rows
from claimdesk.store.repositories.sql import chunks
from claimdesk.store.tables.base import Base, table_of
from claimdesk.store.uow import UnitOfWork

Key = tuple[Any, ...]

# Entities in the order they are stored: everything an encounter refers to comes first.
ENTITIES = (
    "payers",
    "providers",
    "facilities",
    "guarantors",
    "patients",
    "coverages",
    "fee_schedule",
    "contracts",
    "encounters",
)


class BundleImportError(ValueError):
    """The bundle cannot be stored as it is; nothing was written."""


@dataclass(slots=True)
class EntityCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def audit_text(value: Any) -> str | None:
    # str() of a date is ISO 8601 and of a Decimal its exact digits.
    return None if value is None else str(value)


def key_text(key: Key) -> str:
    """A natural key as audit text: parts joined by ``|`` (``99213||2024-01-01``)."""
    return "|".join("" if part is None else str(part) for part in key)


@dataclass(slots=True)
class ImportRun:
    """What one import has done so far, inside its unit of work."""

    uow: UnitOfWork
    import_id: str
    user: str
    now: datetime
    counts: dict[str, EntityCounts] = field(
        default_factory=lambda: {name: EntityCounts() for name in ENTITIES}
    )
    changes: list[rows.Row] = field(default_factory=list)
    claims_created: int = 0
    entries_posted: int = 0

    @property
    def session(self) -> Session:
        return self.uow.session

    def record(self, entity: str, key: Key, name: str, old: Any, new: Any) -> None:
        self.changes.append(
            {
                "changed_at": self.now,
                "changed_by": self.user,
                "entity": entity,
                "natural_key": key_text(key),
                "field": name,
                "old_value": audit_text(old),
                "new_value": audit_text(new),
                "import_id": self.import_id,
            }
        )


def stored_rows(
    session: Session, table: Table, key: tuple[str, ...], keys: Iterable[Key]
) -> dict[Key, rows.RowIn]:
    """Stored rows whose natural key is among ``keys``, by key (one query per chunk)."""
    wanted = set(keys)
    firsts = sorted({k[0] for k in wanted})
    found: dict[Key, rows.RowIn] = {}
    for chunk in chunks(firsts):
        for row in session.execute(select(table).where(table.c[key[0]].in_(chunk))).mappings():
            row_key = tuple(row[c] for c in key)
            if row_key in wanted:
                found[row_key] = row
    return found


def update_many(session: Session, table: Table, changed: list[tuple[rows.RowIn, rows.Row]]) -> None:
    """UPDATE each stored row (by primary key) to its new values, in one executemany."""
    if not changed:
        return
    primary = [c.name for c in table.primary_key.columns]
    columns = [c for c in changed[0][1] if c not in primary]
    statement = (
        update(table)
        .where(and_(*(table.c[c] == bindparam(f"pk_{c}") for c in primary)))
        .values({c: bindparam(f"new_{c}") for c in columns})
    )
    session.execute(
        statement,
        [
            {**{f"pk_{c}": old[c] for c in primary}, **{f"new_{c}": new[c] for c in columns}}
            for old, new in changed
        ],
    )


def require(
    run: ImportRun,
    entity: str,
    what: str,
    model: type[Base],
    column: str,
    refs: dict[str, str | None],
) -> None:
    """Every non-empty reference in ``refs`` (row key -> referenced key) must be stored."""
    table = table_of(model)
    wanted = sorted({v for v in refs.values() if v})
    known: set[str] = set()
    for chunk in chunks(wanted):
        known.update(
            run.session.execute(select(table.c[column]).where(table.c[column].in_(chunk))).scalars()
        )
    missing = [(k, v) for k, v in refs.items() if v and v not in known]
    if missing:
        shown = "; ".join(f"{entity} {k}: {what} {v}" for k, v in missing[:5])
        more = f" (and {len(missing) - 5} more)" if len(missing) > 5 else ""
        raise BundleImportError(
            f"{len(missing)} reference(s) to a {what} that is neither in the bundle nor "
            f"stored: {shown}{more}"
        )
