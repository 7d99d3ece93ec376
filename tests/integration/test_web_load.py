"""The web desk under 8 concurrent API clients for 8 s, on SQLite and PostgreSQL: 0 errors
(issue 14: on SQLite 70% of such requests failed with ``database is locked``).

A real ``claimdesk serve`` on loopback; the clients take, note and release scrub-hold items and
read queues and claims (:mod:`web_load`). Bounded: about 15 s per database.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_home import set_up_home, write_bundle
from web_load import add_people, drive, free_port, start_server

CLIENTS = 8
SECONDS = 8.0
MIN_REQUESTS = 100  # the clients did real work, not one failed sign-in each


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_bundle(tmp_path_factory.mktemp("bundle"))


def test_eight_clients_for_eight_seconds_meet_no_error(
    database_url: str, bundle: Path, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path / "home", database_url, bundle)
    submitted = home.run("submit")  # held claims: the scrub queue's items
    assert submitted.returncode in (0, 1), submitted.stderr
    people = add_people(home, CLIENTS)
    port = free_port()
    server = start_server(home, port)
    try:
        result = drive(port, people, SECONDS)
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert result.requests >= MIN_REQUESTS
    assert result.errors.most_common(5) == []
