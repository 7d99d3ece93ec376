"""``claimdesk init``: the data home's folders and a database at the newest schema."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import make_url

from claimdesk.config import Settings
from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import upgrade_to_head


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


def set_up(settings: Settings) -> SetupReport:
    """Create what is missing and migrate the database; running it again changes nothing."""
    created: list[str] = []
    for folder in (settings.home, settings.inbox, settings.outbox, settings.archive):
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            created.append(str(folder))
    url = make_url(settings.effective_database_url)
    engine = make_engine(url)
    try:
        before, after = upgrade_to_head(engine)
    finally:
        engine.dispose()
    return SetupReport(
        home=str(settings.home),
        created_folders=tuple(created),
        database=url.render_as_string(hide_password=True),
        revision_before=before,
        revision_after=after,
    )
