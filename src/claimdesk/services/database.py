"""Opening the practice's database for a use case run from a face (CLI, API, worker)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from claimdesk.config import Settings
from claimdesk.store.engine import make_engine
from claimdesk.store.uow import UnitOfWork, unit_of_work_factory


@contextmanager
def units_of_work(settings: Settings) -> Iterator[Callable[[], UnitOfWork]]:
    """A unit-of-work factory on the configured database; the engine is closed afterwards."""
    engine = make_engine(settings.effective_database_url)
    try:
        yield unit_of_work_factory(engine)
    finally:
        engine.dispose()
