"""Client practices: register one with a store of its own, list them, say which practice a
command works in, and who may work which.

Each practice keeps its business rows in a store of its own (docs/tenancy.md): on SQLite a
database and folders under ``HOME/practices/<ID>/``, on PostgreSQL a schema and a role of its
own. The company store (the home's database) keeps the registry, the people and their grants.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from claimdesk.config import DEFAULT_PRACTICE, PracticeIdError, Settings, checked_practice_id
from claimdesk.routing.access import Role
from claimdesk.store.engine import make_engine
from claimdesk.store.practice_store import create_practice_schema
from claimdesk.store.repositories.practices import WHOLE_PRACTICE, Practice
from claimdesk.store.repositories.users import User
from claimdesk.store.uow import UnitOfWork, unit_of_work_factory

UowFactory = Callable[[], UnitOfWork]
DEFAULT_NAME = "Default practice"
# Roles that work for the company, not for one client: every practice is theirs.
COMPANY_ROLES = frozenset({Role.ADMIN, Role.SYSTEM})


class PracticeError(LookupError):
    """No such practice, a practice one may not work, or none named where several exist."""


def company_settings(settings: Settings) -> Settings:
    """The settings of the company store's own practice (the default one)."""
    return dataclasses.replace(settings, practice=DEFAULT_PRACTICE)


# The home's own database: always a practice, never a row of the registry, so a new home's
# company store holds nothing ``init`` wrote besides its first admin (a restore needs it empty).
DEFAULT = Practice(DEFAULT_PRACTICE, DEFAULT_NAME, None, "")


def all_practices(uow: UnitOfWork) -> list[Practice]:
    """The default practice and every practice registered, by id."""
    return sorted([DEFAULT, *uow.practices.list()], key=lambda p: p.practice_id)


def exists(uow: UnitOfWork, practice_id: str) -> bool:
    return practice_id == DEFAULT_PRACTICE or uow.practices.get(practice_id) is not None


def _registered(settings: Settings) -> list[Practice]:
    """Every practice of the home; only the default one for a home whose company store has no
    registry yet (not migrated)."""
    engine = make_engine(settings.company_database_url)
    try:
        with unit_of_work_factory(engine)() as uow:
            return all_practices(uow)
    except SQLAlchemyError:
        return [DEFAULT]
    finally:
        engine.dispose()


def resolved(settings: Settings) -> Settings:
    """``settings`` with the practice the command works in: the one named (``--practice`` or
    ``CLAIMDESK_PRACTICE``), which must be registered, else the only one there is. With several
    and none named, :class:`PracticeError` lists them."""
    practices = _registered(settings)
    if settings.practice:
        if any(p.practice_id == settings.practice for p in practices):
            return settings
        raise PracticeError(
            f"practice {settings.practice!r}: no such practice ('claimdesk practices list' "
            "shows the ones you may work)"
        )
    if len(practices) == 1:
        return dataclasses.replace(settings, practice=practices[0].practice_id)
    # Not who the clients are: the person asking may work only some of them.
    raise PracticeError(
        f"this home has {len(practices)} practices; name one with --practice ID or "
        "CLAIMDESK_PRACTICE ('claimdesk practices list' shows the ones you may work)"
    )


def every_practice(settings: Settings) -> list[Settings]:
    """The settings of every practice of the home, the default one included, by id (the
    worker serves them all)."""
    return [dataclasses.replace(settings, practice=p.practice_id) for p in _registered(settings)]


def practice_settings(settings: Settings) -> list[Settings]:
    """The settings of every registered practice but the default one."""
    return [
        dataclasses.replace(settings, practice=p.practice_id)
        for p in _registered(settings)
        if p.practice_id != DEFAULT_PRACTICE
    ]


def create_store(settings: Settings) -> None:
    """Create the practice's store where it is missing: its folders and, on PostgreSQL, its
    schema and role. Migrating it is ``setup.set_up``'s."""
    if settings.on_default_practice:
        return
    if make_url(settings.company_database_url).get_backend_name() == "postgresql":
        company = make_engine(settings.company_database_url)
        try:
            create_practice_schema(company, settings.practice_id)
        finally:
            company.dispose()


def add_practice(
    company: UowFactory,
    practice_store: UowFactory,
    practice_id: str,
    name: str,
    by: str,
    now: datetime,
) -> Practice:
    """Register the practice (whose store was created and migrated) and record its id in its
    store."""
    practice = Practice(practice_id, name, now, by)
    with practice_store() as uow:
        uow.practice.record_practice_id(practice_id, at=now, by=by)
        uow.commit()
    with company() as uow:
        if exists(uow, practice.practice_id):
            raise PracticeError(f"practice {practice.practice_id!r}: already exists")
        uow.practices.add(practice)
        uow.commit()
    return practice


def checked_new_id(practice_id: str, company: UowFactory) -> str:
    """A valid id no practice has yet."""
    try:
        checked_practice_id(practice_id)
    except PracticeIdError as exc:
        raise PracticeError(str(exc)) from exc
    with company() as uow:
        if exists(uow, practice_id):
            raise PracticeError(f"practice {practice_id!r}: already exists")
    return practice_id


def practices_of(uow: UnitOfWork, user: User) -> tuple[str, ...]:
    """The practices ``user`` may work: every one for the company's admins and programs, else
    those granted them."""
    if user.role in COMPANY_ROLES:
        return tuple(p.practice_id for p in all_practices(uow))
    return uow.practices.practices_of(user.user_id)


def may_work(uow: UnitOfWork, user: User, practice_id: str) -> bool:
    if user.role in COMPANY_ROLES:
        return True
    return practice_id in uow.practices.practices_of(user.user_id)


def grant_practice(
    uow_factory: UowFactory, *, user_id: str, practice_id: str, queue: str, by: str, now: datetime
) -> bool:
    """Allow ``user_id`` to work ``practice_id`` (and, with ``queue``, one more queue in it);
    False when nothing was new."""
    with uow_factory() as uow:
        if not exists(uow, practice_id):
            raise PracticeError(f"practice {practice_id!r}: no such practice")
        added = uow.practices.grant(user_id, practice_id, WHOLE_PRACTICE, by, now)
        if queue:
            added = uow.practices.grant(user_id, practice_id, queue, by, now) or added
        uow.commit()
        return added
