"""Opening the practice's database for a use case run from a face (CLI, API, worker)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from psycopg.conninfo import make_conninfo
from sqlalchemy import make_url

from claimdesk.config import Settings
from claimdesk.store.engine import make_engine
from claimdesk.store.uow import UnitOfWork, unit_of_work_factory


def on_postgresql(settings: Settings) -> bool:
    """Whether the practice's database is PostgreSQL (the job queue needs it)."""
    return make_url(settings.effective_database_url).get_backend_name() == "postgresql"


def conninfo(database_url: str) -> str:
    """libpq connection string of a SQLAlchemy PostgreSQL URL (any driver suffix dropped), as
    key=value pairs: a practice's startup options (role, search path) reach libpq intact."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"{url.render_as_string()}: the queue needs PostgreSQL")
    args: dict[str, object] = url.translate_connect_args(username="user", database="dbname")
    for key, value in url.query.items():
        args[key] = value if isinstance(value, str) else value[-1]
    return make_conninfo(**{key: str(value) for key, value in args.items()})


@contextmanager
def units_of_work(settings: Settings) -> Iterator[Callable[[], UnitOfWork]]:
    """A unit-of-work factory on the configured database; the engine is closed afterwards."""
    engine = make_engine(settings.effective_database_url)
    try:
        yield unit_of_work_factory(engine)
    finally:
        engine.dispose()
