"""Schemathesis against the OpenAPI description: no generated request gives a server error.

One SQLite desk for the whole module, signed in as a manager (the widest reader and writer);
about twenty examples per operation keeps the run to a few hundred requests.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from desk_practice import build_desk
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from claimdesk.config import Settings
from claimdesk.routing.access import Role
from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import upgrade_to_head
from claimdesk.store.uow import unit_of_work_factory


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'desk.db'}")
    upgrade_to_head(engine)
    desk = build_desk(unit_of_work_factory(engine))
    # A data home, as `claimdesk serve` has: closing a month checks its inbox.
    home = Settings(home=tmp_path_factory.mktemp("home"))
    desk.config = dataclasses.replace(desk.config, settings=home)
    client = desk.client()
    token = desk.api_token(client, Role.MANAGER)
    loaded = schemathesis.openapi.from_asgi("/api/v1/openapi.json", client.app)
    # Ending the session would leave every later example unauthenticated.
    yield loaded.exclude(method="DELETE", path="/api/v1/sessions/current"), token
    engine.dispose()


def test_no_server_error(fuzzed: tuple[Any, str]) -> None:
    loaded, token = fuzzed
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) >= 18
    calls: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def examples(case: Any) -> None:
            response = case.call_and_validate(
                headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
            )
            calls.append(response.status_code)

        examples()
    assert len(calls) >= 200  # a few hundred requests were really sent
