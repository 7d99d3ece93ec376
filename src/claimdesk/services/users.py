"""People who work the queues: add them with a role, list them, and grant extra queues."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from claimdesk.routing.access import AccessError, Role, allowed_queues, check_add, check_grant
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services.practices import may_work
from claimdesk.store.repositories.practices import WHOLE_PRACTICE
from claimdesk.store.repositories.users import User
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


class UserError(ValueError):
    """An unknown, inactive or duplicate person."""


@dataclass(frozen=True, slots=True)
class Person:
    user: User
    granted: tuple[str, ...]
    queues: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "user_id": self.user.user_id,
            "name": self.user.name,
            "role": self.user.role.value,
            "active": self.user.active,
            "granted": list(self.granted),
            "queues": list(self.queues),
        }


def acting_user(uow: UnitOfWork, user_id: str) -> User:
    user = uow.users.get(user_id)
    if user is None:
        raise UserError(f"user {user_id!r}: no such user; add them with 'claimdesk users add'")
    if not user.active:
        raise UserError(f"user {user_id!r}: is not active")
    return user


def queues_of(uow: UnitOfWork, user: User, policy: RoutingPolicy) -> tuple[str, ...]:
    """The queues ``user`` works in the unit of work's practice: their role's, the extra queues
    granted them everywhere, and those granted them in this practice."""
    granted = uow.users.grants(user.user_id) + uow.practices.queues_in(
        user.user_id, uow.practice_id
    )
    return allowed_queues(user.role, granted, policy)


def queues_by_practice(
    uow: UnitOfWork, user: User, practice_ids: tuple[str, ...], policy: RoutingPolicy
) -> dict[str, tuple[str, ...]]:
    """:func:`queues_of` for each of ``practice_ids``, read in two queries."""
    everywhere = uow.users.grants(user.user_id)
    within = uow.practices.queues_by_practice(user.user_id)
    return {
        p: allowed_queues(user.role, everywhere + within.get(p, ()), policy) for p in practice_ids
    }


def add_user(
    uow_factory: UowFactory, *, user_id: str, name: str, role: Role, by: str, now: datetime
) -> User:
    """Add a person. The very first person must be an admin, and adds themself."""
    if not user_id.strip() or not name.strip():
        raise UserError("a user needs a non-empty user id and name")
    with uow_factory() as uow:
        if uow.users.count() == 0:
            if role is not Role.ADMIN or by != user_id:
                raise AccessError("the first user must be an admin who adds themself (--by)")
        else:
            check_add(acting_user(uow, by).role, role)
        if uow.users.get(user_id) is not None:
            raise UserError(f"user {user_id!r}: already exists")
        user = User(user_id, name.strip(), role, True, now, by)
        uow.users.add(user)
        # A person added while working a practice is its staff: granted that practice only.
        uow.practices.grant(user_id, uow.practice_id, WHOLE_PRACTICE, by, now)
        uow.commit()
        return user


def grant_queue(
    uow_factory: UowFactory,
    *,
    user_id: str,
    queue: str,
    by: str,
    now: datetime,
    policy: RoutingPolicy,
) -> bool:
    """Allow a person an extra queue; False when they could already work it."""
    with uow_factory() as uow:
        manager = acting_user(uow, by)
        person = acting_user(uow, user_id)
        if manager.user_id == person.user_id:
            # Separation of duties: a queue one grants oneself is access nobody else approved.
            raise AccessError("nobody grants themself a queue; another manager or an admin can")
        check_grant(manager.role, person.role, queue, policy)
        if queue in queues_of(uow, person, policy):
            return False
        uow.users.grant(user_id, queue, by, now)
        uow.commit()
        return True


def revoke_queue(uow_factory: UowFactory, *, user_id: str, queue: str, by: str) -> bool:
    """Take back a queue granted to a person beyond their role's; False when it was not
    granted (a role's own queues go with the role)."""
    with uow_factory() as uow:
        manager = acting_user(uow, by)
        person = acting_user(uow, user_id)
        if manager.user_id == person.user_id:
            raise AccessError("nobody changes their own queues; another manager or an admin can")
        if person.role is Role.ADMIN and manager.role is not Role.ADMIN:
            raise AccessError("only an admin can change an admin's queues")
        taken = uow.users.revoke(user_id, queue)
        uow.commit()
        return taken


def list_people(uow_factory: UowFactory, policy: RoutingPolicy) -> list[Person]:
    """The people who may work the unit of work's practice (a client's manager sees their own
    practice's people, not the other clients')."""
    with uow_factory() as uow:
        return [
            Person(user, uow.users.grants(user.user_id), queues_of(uow, user, policy))
            for user in uow.users.list()
            if may_work(uow, user, uow.practice_id)
        ]
