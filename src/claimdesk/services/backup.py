"""``backup`` and ``restore``: the books and the files of a practice in one archive.

The archive (a gzip'd tar, 0600) holds a manifest (schema revision, rows per table), every
table of the practice's store as JSON lines (store/export.py, one consistent snapshot), and the
practice's files: inbox, outbox, archive, appeal letters and, for the default practice (the
home's own), the code files; a client practice's folder is ``HOME/practices/ID/``. It does not
hold the database files themselves (the rows are there) nor the key that seals second-factor
secrets: keep that key apart (README), so a stolen backup opens no one's second factor. A
restore goes into an empty database at the same schema revision, all or nothing, then puts the
files back.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from claimdesk.config import Settings
from claimdesk.services.setup import make_private, set_up
from claimdesk.store.engine import make_engine
from claimdesk.store.export import (
    RestoreError,
    export_rows,
    forget_practice_id,
    import_rows,
    reset_sequences,
    row_counts_but_practice_id,
    table_names,
)
from claimdesk.store.schema_version import SCHEMA_HEAD

__all__ = ["BackupReport", "RestoreError", "backup", "restore"]

MANIFEST = "claimdesk-backup.json"
FILES = "home/"
# The SQLite database travels as rows; the key stays apart from the data it protects; a backup
# is of one practice, so the default practice's leaves the other practices' folders out.
NOT_COPIED = ("claimdesk.db", "claimdesk.db-wal", "claimdesk.db-shm", "keys", "practices")


@dataclass(frozen=True, slots=True)
class BackupReport:
    archive: str
    rows: dict[str, int]
    files: int


def _home_files(home: Path, skip: Path) -> Iterator[Path]:
    for path in sorted(home.rglob("*")):
        relative = path.relative_to(home)
        if relative.parts[0] in NOT_COPIED or path == skip or not path.is_file():
            continue
        yield path


def _add_text(archive: tarfile.TarFile, name: str, text: str) -> None:
    data = text.encode()
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def backup(settings: Settings, out: Path, *, now: datetime) -> BackupReport:
    """Write the archive to ``out`` (made 0600; refused if it exists)."""
    engine = make_engine(settings.effective_database_url)
    out = out.resolve()
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    rows: dict[str, int] = {}
    files = 0
    try:
        with (
            os.fdopen(descriptor, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz") as archive,
            engine.connect() as connection,
        ):
            if connection.dialect.name == "postgresql":
                # One snapshot for every table: the books copied are the books of one moment.
                connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for name in table_names():
                lines = list(export_rows(connection, name))
                rows[name] = len(lines)
                _add_text(archive, f"tables/{name}.jsonl", "".join(f"{x}\n" for x in lines))
            folder = settings.practice_home.resolve()
            for path in _home_files(folder, out):
                archive.add(path, FILES + str(path.relative_to(folder)))
                files += 1
            manifest = {"schema": SCHEMA_HEAD, "made_at": now.isoformat(), "rows": rows}
            _add_text(archive, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    finally:
        engine.dispose()
    return BackupReport(str(out), rows, files)


def _member_text(archive: tarfile.TarFile, name: str) -> str:
    try:
        member = archive.extractfile(name)
    except KeyError:
        member = None
    if member is None:
        raise RestoreError(f"{name}: missing from the backup")
    return member.read().decode()


def restore(settings: Settings, source: Path) -> BackupReport:
    """Restore ``source`` into the home's database (which must hold no rows) and folders."""
    set_up(settings)
    try:
        with tarfile.open(source, mode="r:gz") as archive:
            rows, files = _restore_from(archive, settings, source)
    except (OSError, tarfile.TarError) as error:
        raise RestoreError(f"{source}: not a readable claimdesk backup ({error})") from error
    make_private(settings.home)
    return BackupReport(str(source), rows, files)


def _restore_from(
    archive: tarfile.TarFile, settings: Settings, source: Path
) -> tuple[dict[str, int], int]:
    manifest = json.loads(_member_text(archive, MANIFEST))
    if manifest.get("schema") != SCHEMA_HEAD:
        raise RestoreError(
            f"{source}: made at schema {manifest.get('schema')}, this program is at "
            f"{SCHEMA_HEAD}; restore with the version that made it, then run 'init'"
        )
    engine = make_engine(settings.effective_database_url)
    try:
        present = {name: n for name, n in row_counts_but_practice_id(engine).items() if n}
        if present:
            raise RestoreError(
                "restore goes into an empty database; this one has rows in "
                + ", ".join(sorted(present))
            )
        rows: dict[str, int] = {}
        with engine.begin() as connection:
            forget_practice_id(connection)
            for name in table_names():
                text = _member_text(archive, f"tables/{name}.jsonl")
                rows[name] = import_rows(connection, name, iter(text.splitlines()))
                if rows[name] != manifest["rows"].get(name, 0):
                    raise RestoreError(
                        f"table {name}: {rows[name]} rows, the manifest says "
                        f"{manifest['rows'].get(name, 0)}"
                    )
            reset_sequences(connection)
    finally:
        engine.dispose()
    members = [m for m in archive.getmembers() if m.name.startswith(FILES) and m.isfile()]
    for member in members:
        member.name = member.name[len(FILES) :]
    archive.extractall(settings.practice_home, members=members, filter="data")
    return rows, len(members)
