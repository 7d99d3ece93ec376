"""A unit of work builds a repository on first use, so a use case pays only for what it touches."""

from __future__ import annotations

from functools import cached_property

from claimdesk.store.engine import make_engine
from claimdesk.store.repositories.work_items import WorkItemRepository
from claimdesk.store.uow import UnitOfWork, unit_of_work_factory

REPOSITORIES = {
    name for name, member in vars(UnitOfWork).items() if isinstance(member, cached_property)
}


def _built(uow: UnitOfWork) -> set[str]:
    # A cached property keeps what it built in the instance's __dict__ under its own name.
    return REPOSITORIES & set(vars(uow))


def test_touching_work_items_builds_that_repository_alone() -> None:
    engine = make_engine("sqlite://")
    try:
        with unit_of_work_factory(engine)() as uow:
            assert _built(uow) == set()
            repository = uow.work_items
            assert isinstance(repository, WorkItemRepository)
            assert uow.work_items is repository
            assert _built(uow) == {"work_items"}
    finally:
        engine.dispose()


def test_claims_build_the_encounters_they_load_with_and_nothing_else() -> None:
    engine = make_engine("sqlite://")
    try:
        with unit_of_work_factory(engine)() as uow:
            uow.claims  # noqa: B018 - building it is what the test observes
            assert _built(uow) == {"claims", "encounters"}
    finally:
        engine.dispose()


def test_every_repository_is_built_lazily() -> None:
    assert {"work_items", "claims", "ledger", "imports", "appeals", "follow_ups"} <= REPOSITORIES
