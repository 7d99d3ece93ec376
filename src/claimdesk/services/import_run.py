"""The state of one bundle import inside its unit of work, and the helpers its steps share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from claimdesk.store import rows
from claimdesk.store.repositories.imports import Key
from claimdesk.store.uow import UnitOfWork

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


def refuse_moves(entity: str, moved: list[tuple[str, object, object]]) -> None:
    """A stored coverage or visit keeps its patient: moved to another, a coverage would bill the
    first patient's claims under the second's member id, and a visit's claim would keep the
    first patient's insurance. ``moved`` is (key, stored patient, bundle's patient); any refuses
    the import, nothing stored."""
    if moved:
        shown = sorted(f"{key} is {old}'s, not {new}'s" for key, old, new in moved)
        raise BundleImportError(
            f"{entity}: {'; '.join(shown[:5])}: a record does not move to another "
            "patient (void the visit's claim, or end the coverage, and send it under a new id)"
        )


def require(
    run: ImportRun, entity: str, what: str, stored_as: str, refs: dict[str, str | None]
) -> None:
    """Every non-empty reference in ``refs`` (row key -> referenced key) must be stored as the
    key of a row of ``stored_as`` (``"payers"``)."""
    known = run.uow.imports.stored_keys(stored_as, [v for v in refs.values() if v])
    missing = [(k, v) for k, v in refs.items() if v and v not in known]
    if missing:
        shown = "; ".join(f"{entity} {k}: {what} {v}" for k, v in missing[:5])
        more = f" (and {len(missing) - 5} more)" if len(missing) > 5 else ""
        raise BundleImportError(
            f"{len(missing)} reference(s) to a {what} that is neither in the bundle nor "
            f"stored: {shown}{more}"
        )
