"""People, the extra queues they were granted, their credentials and their sign-in attempts."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Row,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from claimdesk.routing.access import Role
from claimdesk.security.throttle import Attempt
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.users import CredentialRow, QueueGrantRow, SignInAttemptRow, UserRow

USERS = table_of(UserRow)


GRANTS = table_of(QueueGrantRow)


CREDENTIALS = table_of(CredentialRow)


ATTEMPTS = table_of(SignInAttemptRow)


@dataclass(frozen=True, slots=True)
class User:
    user_id: str
    name: str
    role: Role
    active: bool
    created_at: datetime
    created_by: str


@dataclass(frozen=True, slots=True)
class Credential:
    user_id: str
    password_hash: str
    totp_secret: str | None  # sealed (security/secret_box.py)
    must_change: bool = False
    totp_last_step: int | None = None


class UserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, user: User) -> None:
        self._session.execute(
            insert(USERS).values(
                user_id=user.user_id,
                name=user.name,
                role=user.role.value,
                active=user.active,
                created_at=user.created_at,
                created_by=user.created_by,
            )
        )

    def add_once(self, user: User) -> User:
        """The user called ``user.user_id``: added unless someone else added them first, as two
        worker processes starting together both try to (a savepoint keeps the transaction)."""
        try:
            with self._session.begin_nested():
                self.add(user)
        except IntegrityError:
            pass
        stored = self.get(user.user_id)
        if stored is None:
            raise LookupError(f"user {user.user_id!r} was neither added nor found")
        return stored

    def get(self, user_id: str) -> User | None:
        row = self._session.execute(select(USERS).where(USERS.c.user_id == user_id)).first()
        return None if row is None else self._user_of(row)

    def list(self) -> builtins.list[User]:
        rows = self._session.execute(select(USERS).order_by(USERS.c.user_id))
        return [self._user_of(row) for row in rows]

    def count(self) -> int:
        return self._session.execute(select(func.count()).select_from(USERS)).scalar_one()

    @staticmethod
    def _user_of(row: Row[Any]) -> User:
        return User(
            row.user_id, row.name, Role(row.role), row.active, row.created_at, row.created_by
        )

    def grant(self, user_id: str, queue: str, by: str, at: datetime) -> bool:
        """Allow ``user_id`` to work ``queue``; False when it was already allowed."""
        if queue in self.grants(user_id):
            return False
        self._session.execute(
            insert(GRANTS).values(user_id=user_id, queue=queue, granted_by=by, granted_at=at)
        )
        return True

    def revoke(self, user_id: str, queue: str) -> bool:
        """Take back an extra queue; False when it was not granted."""
        if queue not in self.grants(user_id):
            return False
        self._session.execute(
            delete(GRANTS).where(GRANTS.c.user_id == user_id, GRANTS.c.queue == queue)
        )
        return True

    def set_role(self, user_id: str, role: Role) -> None:
        self._session.execute(
            update(USERS).where(USERS.c.user_id == user_id).values(role=role.value)
        )

    def grants(self, user_id: str) -> tuple[str, ...]:
        query = select(GRANTS.c.queue).where(GRANTS.c.user_id == user_id).order_by(GRANTS.c.queue)
        return tuple(self._session.execute(query).scalars())

    def credential(self, user_id: str) -> Credential | None:
        row = self._session.execute(
            select(CREDENTIALS).where(CREDENTIALS.c.user_id == user_id)
        ).first()
        if row is None:
            return None
        return Credential(
            row.user_id, row.password_hash, row.totp_secret, row.must_change, row.totp_last_step
        )

    def set_password(
        self, user_id: str, password_hash: str, by: str, at: datetime, *, must_change: bool
    ) -> None:
        values = {
            "password_hash": password_hash,
            "changed_at": at,
            "changed_by": by,
            "must_change": must_change,
        }
        if self.credential(user_id) is None:
            self._session.execute(insert(CREDENTIALS).values(user_id=user_id, **values))
        else:
            self._session.execute(
                update(CREDENTIALS).where(CREDENTIALS.c.user_id == user_id).values(**values)
            )

    def set_totp_secret(self, user_id: str, sealed_secret: str | None) -> None:
        self._session.execute(
            update(CREDENTIALS)
            .where(CREDENTIALS.c.user_id == user_id)
            .values(totp_secret=sealed_secret, totp_last_step=None)
        )

    def use_totp_step(self, user_id: str, step: int) -> bool:
        """Record ``step`` as used; False when it (or a later one) already was, also by a
        sign-in committing at the same moment: the condition is checked by the UPDATE itself."""
        used = CREDENTIALS.c.totp_last_step
        result = self._session.execute(
            update(CREDENTIALS)
            .where(CREDENTIALS.c.user_id == user_id, (used.is_(None)) | (used < step))
            .values(totp_last_step=step)
            .returning(CREDENTIALS.c.user_id)
        )
        return result.first() is not None

    def set_active(self, user_id: str, active: bool) -> None:
        self._session.execute(update(USERS).where(USERS.c.user_id == user_id).values(active=active))

    def add_attempt(self, user_id: str, at: datetime, succeeded: bool, client: str = "") -> None:
        self._session.execute(
            insert(ATTEMPTS).values(user_id=user_id, at=at, succeeded=succeeded, client=client)
        )

    def client_failures_since(self, client: str, since: datetime) -> builtins.list[datetime]:
        query = select(ATTEMPTS.c.at).where(
            ATTEMPTS.c.client == client, ATTEMPTS.c.at >= since, ATTEMPTS.c.succeeded.is_(False)
        )
        return list(self._session.execute(query).scalars())

    def attempts_since(self, user_id: str, since: datetime) -> builtins.list[Attempt]:
        query = (
            select(ATTEMPTS.c.at, ATTEMPTS.c.succeeded)
            .where(ATTEMPTS.c.user_id == user_id, ATTEMPTS.c.at >= since)
            .order_by(ATTEMPTS.c.id)
        )
        return [Attempt(at, succeeded) for at, succeeded in self._session.execute(query)]
