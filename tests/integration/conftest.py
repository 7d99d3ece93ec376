"""Integration fixtures: every test that takes ``database_url`` runs on SQLite and PostgreSQL.

The PostgreSQL run creates a database of its own through the ``postgres`` maintenance database
and drops it afterwards. Without a server at 127.0.0.1:5432 it is skipped, except under CI
(``CI=true``), where a missing server is a failure.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, text

from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import upgrade_to_head
from claimdesk.store.uow import UnitOfWork, unit_of_work_factory

if TYPE_CHECKING:  # the web suite loads this file by path, without this folder on sys.path
    from cycle_practice import CycledHome

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_URL = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres"


def _postgres_reachable() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=2):
            return True
    except OSError:
        return False


@contextmanager
def database_of(kind: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file in ``folder``, or a PostgreSQL database
    of its own, dropped on the way out (skipped without a server, except under ``CI=true``)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'claimdesk.db'}"
        return
    if not _postgres_reachable():
        message = f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}, and CI=true requires it")
        pytest.skip(message)
    name = f"claimdesk_test_{uuid.uuid4().hex[:16]}"
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{name}"
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite", marks=pytest.mark.xdist_group("cycled-sqlite")),
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=[pytest.mark.postgres, pytest.mark.xdist_group("cycled-postgresql")],
        ),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_of(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def second_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Another new database of the kind ``database_url`` is: a second home to compare with (an
    intake against another), or a restore's target; a PostgreSQL one is dropped afterwards."""
    kind = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    folder = tmp_path / "second-database"
    folder.mkdir()
    with database_of(kind, folder) as url:
        yield url


# The tests that read what a long cycle leaves behind share one cycled practice per database,
# built once in the run: the tests of each database are one group (``xdist_group``, set on the
# fixture's parameter), run on one worker (``--dist loadgroup``) that builds that practice for
# its first test, while the other database's group runs on another worker. The practices are
# two session fixtures, so that switching from one to the other never tears one down.
def _cycled(kind: str, factory: pytest.TempPathFactory) -> Iterator[CycledHome]:
    from cycle_practice import SHARED_CYCLE, cycled_home

    folder = factory.mktemp(f"cycled-{kind}")
    with database_of(kind, folder) as url:
        yield cycled_home(folder, url, **SHARED_CYCLE)


@pytest.fixture(scope="session")
def cycled_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CycledHome]:
    yield from _cycled("sqlite", tmp_path_factory)


@pytest.fixture(scope="session")
def cycled_postgresql(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CycledHome]:
    yield from _cycled("postgresql", tmp_path_factory)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite", marks=pytest.mark.xdist_group("cycled-sqlite")),
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=[pytest.mark.postgres, pytest.mark.xdist_group("cycled-postgresql")],
        ),
    ]
)
def cycled_practice(request: pytest.FixtureRequest) -> CycledHome:
    """:data:`cycle_practice.SHARED_CYCLE` days of the cycle, on SQLite and PostgreSQL. Its
    tests only read, or write what the others do not read (an audit row)."""
    home: CycledHome = request.getfixturevalue(f"cycled_{request.param}")
    return home


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the newest schema."""
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], UnitOfWork]:
    return unit_of_work_factory(engine)
