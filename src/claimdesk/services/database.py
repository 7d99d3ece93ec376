"""Opening the practice's database for a use case run from a face (CLI, API, worker)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import make_url

from claimdesk.config import Settings
from claimdesk.store.engine import make_engine
from claimdesk.store.uow import UnitOfWork, unit_of_work_factory


def on_postgresql(settings: Settings) -> bool:
    """Whether the practice's database is PostgreSQL (the job queue needs it)."""
    return make_url(settings.effective_database_url).get_backend_name() == "postgresql"


def conninfo(database_url: str) -> str:
    """libpq connection string of a SQLAlchemy PostgreSQL URL (any driver suffix dropped)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"{url.render_as_string()}: the queue needs PostgreSQL")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def units_of_work(settings: Settings) -> Iterator[Callable[[], UnitOfWork]]:
    """A unit-of-work factory on the configured database; the engine is closed afterwards."""
    engine = make_engine(settings.effective_database_url)
    try:
        yield unit_of_work_factory(engine)
    finally:
        engine.dispose()
