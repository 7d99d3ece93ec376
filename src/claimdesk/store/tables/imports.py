"""Bundle imports and every field they changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    Base,
)


class ImportRow(Base):
    __tablename__ = "imports"

    import_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    imported_by: Mapped[str] = mapped_column(String(80))
    bundle_path: Mapped[str] = mapped_column(Text)
    files_sha256: Mapped[str] = mapped_column(String(64), index=True)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)


class ImportChangeRow(Base):
    """One field of one row that an import changed, with the value it had before."""

    __tablename__ = "import_changes"
    __table_args__ = (Index("ix_import_changes_entity_key", "entity", "natural_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    changed_at: Mapped[datetime]
    changed_by: Mapped[str] = mapped_column(String(80))
    entity: Mapped[str] = mapped_column(String(40))
    natural_key: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(80))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[str] = mapped_column(ForeignKey("imports.import_id"), index=True)
