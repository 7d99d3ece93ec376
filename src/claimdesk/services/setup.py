"""The data home's folders and a database at the newest schema.

``set_up`` (``claimdesk init``) creates what is missing and migrates. Every other command calls
``open_home``, which checks the schema revision with one query and migrates only when the
database is behind, saying so; a database newer than this program is refused.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from claimdesk.config import Settings
from claimdesk.services.practices import company_settings, create_store
from claimdesk.store.engine import make_engine
from claimdesk.store.schema_version import SCHEMA_HEAD, schema_revision


class HomeError(RuntimeError):
    """The data home cannot be used by this program; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class SetupReport:
    home: str
    created_folders: tuple[str, ...]
    database: str  # the URL without its password
    revision_before: str | None
    revision_after: str

    @property
    def migrated(self) -> bool:
        return self.revision_before != self.revision_after


PRIVATE_FOLDER = 0o700


def _folders(settings: Settings) -> list[str]:
    created: list[str] = []
    for folder in (
        settings.home,
        settings.practice_home,
        settings.inbox,
        settings.outbox,
        settings.archive,
    ):
        if not folder.is_dir():
            folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
            created.append(str(folder))
    return created


def make_private(home: Path) -> int:
    """Take away group and other access from the home and everything in it (a home made by an
    older version, or copied in); the number of paths changed."""
    changed = 0
    for path in (home, *home.rglob("*")):
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & ~PRIVATE_FOLDER:
            path.chmod(mode & PRIVATE_FOLDER)  # the owner's bits kept, the others' taken
            changed += 1
    return changed


def set_up(settings: Settings) -> SetupReport:
    """Create what is missing and migrate the database of the company and of the practice
    ``settings`` names (its store created first when it is new); running it again changes
    nothing."""
    # Alembic is loaded only here: the commands that find the schema current never pay for it.
    from claimdesk.store.migrate import upgrade_to_head

    created = _folders(settings)
    company_url = make_url(settings.company_database_url)
    url = make_url(settings.effective_database_url)
    try:
        before, after = upgrade_to_head(company_url)
        if not settings.on_default_practice:
            create_store(settings)
            before, after = upgrade_to_head(url)
    except SQLAlchemyError as exc:
        raise HomeError(f"database {url.render_as_string(hide_password=True)}: {exc}") from exc
    make_private(settings.home)
    return SetupReport(
        home=str(settings.home),
        created_folders=tuple(created),
        database=url.render_as_string(hide_password=True),
        revision_before=before,
        revision_after=after,
    )


def open_home(settings: Settings, say: Callable[[str], None]) -> None:
    """Make the home usable for a command: folders present and the schema current.

    One query reads the schema revision; only a database that is behind (or empty) is migrated,
    and ``say`` is told so. A revision this program does not know raises :class:`HomeError`.
    """
    _folders(settings)
    if not settings.on_default_practice:
        # The company store (people, grants) first: the practice's commands read it too.
        open_home(company_settings(settings), say)
    url = make_url(settings.effective_database_url)
    engine = make_engine(url)
    try:
        revision = schema_revision(engine)
    finally:
        engine.dispose()
    if revision == SCHEMA_HEAD:
        return
    if revision is not None and revision > SCHEMA_HEAD:
        raise HomeError(
            f"the database {url.render_as_string(hide_password=True)} is at schema revision "
            f"{revision}, newer than this claimdesk knows ({SCHEMA_HEAD}): install the newer "
            "claimdesk that wrote it"
        )
    report = set_up(settings)
    say(
        f"the database {report.database} was "
        f"{'empty' if revision is None else f'at schema {revision}'}: migrated to "
        f"{report.revision_after} (claimdesk init does this too)"
    )
