"""Use case: import a practice bundle folder (read, check every row, then store all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from claimdesk.bundle.model import RowError
from claimdesk.bundle.reader import bundle_sha256, read_bundle
from claimdesk.config import Settings
from claimdesk.services.database import units_of_work
from claimdesk.services.import_bundle import ImportReport, import_bundle
from claimdesk.services.practice import profile_of


@dataclass(frozen=True, slots=True)
class FolderImport:
    """Either the stored import's report, or every row error found (and nothing stored)."""

    report: ImportReport | None
    errors: tuple[RowError, ...]


def import_folder(settings: Settings, folder: Path, *, user: str, now: datetime) -> FolderImport:
    """Import ``folder``; a date of service after the practice's today (at ``now``) is an error."""
    with units_of_work(settings) as uow_factory:
        result = read_bundle(folder, now, profile_of(uow_factory).time_zone)
        if result.bundle is None:
            return FolderImport(report=None, errors=result.errors)
        report = import_bundle(
            uow_factory,
            result.bundle,
            source=str(folder.resolve()),
            files_sha256=bundle_sha256(folder),
            user=user,
            now=now,
        )
    return FolderImport(report=report, errors=())
