"""Use cases of signing in: passwords, second factors, sessions, and disabling people."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from claimdesk.routing.access import AccessError, Role, can_manage
from claimdesk.security import totp
from claimdesk.security.csrf import new_csrf_token
from claimdesk.security.passwords import DECOY_HASH, hash_password, verify_password
from claimdesk.security.sessions import SessionPolicy, SessionState, digest, new_token, state_of
from claimdesk.security.throttle import ThrottlePolicy, locked_until
from claimdesk.services.users import acting_user
from claimdesk.store.repositories.sessions import StoredSession
from claimdesk.store.repositories.users import User
from claimdesk.store.tables.base import USER_LEN
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
DEFAULT_THROTTLE = ThrottlePolicy()


class SignInError(PermissionError):
    """Wrong name, password or code; the message never says which (ASVS 2.2.1)."""


class LockedError(SignInError):
    pass


@dataclass(frozen=True, slots=True)
class SignedIn:
    token: str
    user: User


@dataclass(frozen=True, slots=True)
class Authenticated:
    user: User
    csrf_token: str
    token_digest: str


def sign_in(
    uow_factory: UowFactory,
    user_id: str,
    password: str,
    code: str = "",
    *,
    now: datetime,
    throttle: ThrottlePolicy = DEFAULT_THROTTLE,
) -> SignedIn:
    user_id = user_id.strip()[:USER_LEN]
    with uow_factory() as uow:
        uow.work_items.begin_write()
        recent = uow.users.attempts_since(user_id, now - throttle.window - throttle.lockout)
        until = locked_until(recent, now, throttle)
        if until is not None:
            raise LockedError(
                f"too many failed sign-ins for this name; try again after {until:%H:%M} UTC"
            )
        user = uow.users.get(user_id)
        credential = uow.users.credential(user_id)
        stored_hash = DECOY_HASH if credential is None else credential.password_hash
        ok = verify_password(stored_hash, password)
        ok = ok and credential is not None and user is not None and user.active
        if ok and credential is not None and credential.totp_secret is not None:
            ok = totp.verify_code(credential.totp_secret, code, now)
        uow.users.add_attempt(user_id, now, ok)
        if not ok or user is None:
            uow.commit()
            raise SignInError("the user name, password or one-time code is wrong")
        token = new_token()
        uow.sessions.add(StoredSession(digest(token), user_id, new_csrf_token(), now, now, None))
        uow.commit()
        return SignedIn(token, user)


def authenticate(
    uow_factory: UowFactory, token: str, *, now: datetime, policy: SessionPolicy
) -> Authenticated | None:
    """The live session of ``token``, its idle clock restarted; None when there is none."""
    token_digest = digest(token)
    with uow_factory() as uow:
        stored = uow.sessions.get(token_digest)
        if stored is None:
            return None
        state = state_of(
            created_at=stored.created_at,
            last_seen_at=stored.last_seen_at,
            ended_at=stored.ended_at,
            now=now,
            policy=policy,
        )
        user = uow.users.get(stored.user_id)
        if state is SessionState.LIVE and (user is None or not user.active):
            state = SessionState.ENDED
            uow.sessions.end(token_digest, now, "user_disabled")
        elif state in (SessionState.IDLE, SessionState.EXPIRED):
            uow.sessions.end(token_digest, now, state.value)
        if state is not SessionState.LIVE or user is None:
            uow.commit()
            return None
        uow.sessions.touch(token_digest, now)
        uow.commit()
        return Authenticated(user, stored.csrf_token, token_digest)


def sign_out(uow_factory: UowFactory, token_digest: str, *, now: datetime) -> None:
    with uow_factory() as uow:
        uow.sessions.end(token_digest, now, "signed_out")
        uow.commit()


def _check_may_manage(by: User, target: User) -> None:
    if by.user_id == target.user_id:
        return
    if not can_manage(by.role):
        raise AccessError(f"a {by.role} cannot change another person's sign-in")
    if target.role is Role.ADMIN and by.role is not Role.ADMIN:
        raise AccessError("only an admin can change an admin's sign-in")


def set_password(
    uow_factory: UowFactory, user_id: str, password: str, *, by: str, now: datetime
) -> None:
    """Set a password; every session of the person ends, so an old one cannot stay in use."""
    password_hash = hash_password(password)
    with uow_factory() as uow:
        target = acting_user(uow, user_id)
        _check_may_manage(acting_user(uow, by), target)
        uow.users.set_password(user_id, password_hash, by, now)
        uow.sessions.end_all_of(user_id, now, "password_changed")
        uow.commit()


def enable_totp(uow_factory: UowFactory, user_id: str, *, by: str) -> str:
    """Give the person a new second-factor secret; the caller shows it once to enrol."""
    secret = totp.new_secret()
    with uow_factory() as uow:
        target = acting_user(uow, user_id)
        _check_may_manage(acting_user(uow, by), target)
        if uow.users.credential(user_id) is None:
            raise AccessError(f"user {user_id!r}: set a password before a second factor")
        uow.users.set_totp_secret(user_id, secret)
        uow.commit()
    return secret


def disable_user(uow_factory: UowFactory, user_id: str, *, by: str, now: datetime) -> int:
    """Disable a person and end their sessions at once; the number of sessions ended."""
    with uow_factory() as uow:
        manager = acting_user(uow, by)
        target = acting_user(uow, user_id)
        if manager.user_id == target.user_id:
            raise AccessError("a person cannot disable themself")
        _check_may_manage(manager, target)
        uow.users.set_active(user_id, False)
        ended = uow.sessions.end_all_of(user_id, now, "user_disabled")
        uow.commit()
        return ended
