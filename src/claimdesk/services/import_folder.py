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


@dataclass(frozen=True, slots=True)
class FolderImport:
    """Either the stored import's report, or every row error found (and nothing stored)."""

    report: ImportReport | None
    errors: tuple[RowError, ...]


def import_folder(settings: Settings, folder: Path, *, user: str, now: datetime) -> FolderImport:
    result = read_bundle(folder)
    if result.bundle is None:
        return FolderImport(report=None, errors=result.errors)
    with units_of_work(settings) as uow_factory:
        report = import_bundle(
            uow_factory,
            result.bundle,
            source=str(folder.resolve()),
            files_sha256=bundle_sha256(folder),
            user=user,
            now=now,
        )
    return FolderImport(report=report, errors=())
