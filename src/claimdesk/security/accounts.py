"""Use cases of signing in: passwords, second factors, sessions, and disabling people."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from claimdesk.routing.access import AccessError, Role, can_manage
from claimdesk.security import totp
from claimdesk.security.csrf import new_csrf_token
from claimdesk.security.passwords import (
    DECOY_HASH,
    PasswordRuleError,
    hash_password,
    verify_password,
)
from claimdesk.security.secret_box import SecretBox, SecretKeyError
from claimdesk.security.sessions import SessionPolicy, SessionState, digest, new_token, state_of
from claimdesk.security.throttle import ThrottlePolicy, client_locked_until, locked_until
from claimdesk.services.users import acting_user
from claimdesk.store.repositories.sessions import PasswordLink, StoredSession
from claimdesk.store.repositories.users import User
from claimdesk.store.tables.base import USER_LEN
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
DEFAULT_THROTTLE = ThrottlePolicy()
# NIST SP 800-63B 4.2 (AAL2) for the roles that manage people, approve money or read every
# patient's record: a second factor always, whatever the configuration says for the others.
MFA_ALWAYS = frozenset({Role.ADMIN, Role.MANAGER, Role.AUDITOR})


@dataclass(frozen=True, slots=True)
class SignInPolicy:
    """How sign-in is checked: the key that opens second-factor secrets, the roles that need a
    second factor beyond ``MFA_ALWAYS`` (``CLAIMDESK_MFA_ROLES``), and the throttle."""

    box: SecretBox
    mfa_roles: frozenset[Role] = MFA_ALWAYS
    throttle: ThrottlePolicy = DEFAULT_THROTTLE

    def needs_second_factor(self, role: Role) -> bool:
        return role in MFA_ALWAYS or role in self.mfa_roles


class SignInError(PermissionError):
    """Wrong name, password or code; the message never says which (ASVS 2.2.1)."""


class LockedError(SignInError):
    pass


class SecondFactorMissingError(SignInError):
    """The role needs a second factor and the person has none enrolled."""


class SecondFactorKeyError(SignInError):
    """The key file does not open the person's sealed secret (a wrong or lost key file): a
    refusal that says so, not a server error."""


class PasswordChangeRequiredError(SignInError):
    """Someone else set the password: the person must choose a new one to sign in."""


WRONG = "the user name, password or one-time code is wrong"


@dataclass(frozen=True, slots=True)
class SignedIn:
    token: str
    user: User


@dataclass(frozen=True, slots=True)
class Authenticated:
    user: User
    csrf_token: str
    token_digest: str
    practice_id: str = ""  # the client practice the session works in; empty: not chosen yet


def _check_throttle(
    uow: UnitOfWork, user_id: str, client: str, now: datetime, throttle: ThrottlePolicy
) -> None:
    recent = uow.users.attempts_since(user_id, now - throttle.window - throttle.lockout)
    until = locked_until(recent, now, throttle)
    if until is not None:
        raise LockedError(
            f"too many failed sign-ins for this name; try again after {until:%H:%M} UTC"
        )
    if client:
        failures = uow.users.client_failures_since(client, now - throttle.window)
        until = client_locked_until(failures, now, throttle)
        if until is not None:
            raise LockedError(
                f"too many failed sign-ins from this address; try again after {until:%H:%M} UTC"
            )


def sign_in(
    uow_factory: UowFactory,
    user_id: str,
    password: str,
    code: str = "",
    *,
    now: datetime,
    policy: SignInPolicy,
    client: str = "",
    new_password: str = "",
) -> SignedIn:
    """Check the name, password and one-time code; a live session when all hold.

    ``client`` is the address the attempt came from (throttled as a whole); ``new_password``
    is the person's choice when their password was set by someone else and must change.
    """
    user_id = user_id.strip()[:USER_LEN]
    client = client[:64]
    with uow_factory() as uow:
        uow.work_items.begin_write()
        _check_throttle(uow, user_id, client, now, policy.throttle)
        user = uow.users.get(user_id)
        credential = uow.users.credential(user_id)
        stored_hash = DECOY_HASH if credential is None else credential.password_hash
        ok = verify_password(stored_hash, password)
        ok = ok and credential is not None and user is not None and user.active
        if not ok or user is None or credential is None:
            uow.users.add_attempt(user_id, now, False, client)
            uow.commit()
            raise SignInError(WRONG)
        if credential.totp_secret is None and policy.needs_second_factor(user.role):
            uow.users.add_attempt(user_id, now, False, client)
            uow.commit()
            raise SecondFactorMissingError(
                f"a {user.role} must sign in with a one-time code and none is enrolled; "
                "ask an admin to enrol one ('claimdesk users totp')"
            )
        if credential.must_change and not new_password:
            # The code is not spent: the person signs in again with it and a new password.
            raise PasswordChangeRequiredError(
                "your password was set by an admin: choose a new one (New password) to sign in"
            )
        if credential.totp_secret is not None:
            try:
                secret = policy.box.open(credential.totp_secret)
            except SecretKeyError as error:
                raise SecondFactorKeyError(str(error)) from error
            step = totp.accepted_step(secret, code, now, credential.totp_last_step)
            if step is None or not uow.users.use_totp_step(user_id, step):
                uow.users.add_attempt(user_id, now, False, client)
                uow.commit()
                raise SignInError(WRONG)
        if credential.must_change:
            try:
                new_hash = hash_password(new_password, (user_id, user.name))
            except PasswordRuleError as error:
                raise PasswordChangeRequiredError(f"new {error}") from error
            if verify_password(credential.password_hash, new_password):
                raise PasswordChangeRequiredError("new password: must differ from the one set")
            uow.users.set_password(user_id, new_hash, user_id, now, must_change=False)
        uow.users.add_attempt(user_id, now, True, client)
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
        return Authenticated(user, stored.csrf_token, token_digest, stored.practice_id)


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


def _check_may_set_sign_in(by: User, target: User) -> None:
    """Only the person, or an admin, sets a password or second factor: a manager who could
    would sign in as the people whose work they approve (separation of duties)."""
    if by.user_id != target.user_id and by.role is not Role.ADMIN:
        raise AccessError(
            f"a {by.role} cannot set another person's password or second factor; an admin can"
        )


def set_password(
    uow_factory: UowFactory, user_id: str, password: str, *, by: str, now: datetime
) -> None:
    """Set a password; every session of the person ends, so an old one cannot stay in use.
    A password an admin sets must be changed by its person at the next sign-in."""
    with uow_factory() as uow:
        target = acting_user(uow, user_id)
        _check_may_set_sign_in(acting_user(uow, by), target)
        password_hash = hash_password(password, (user_id, target.name))
        uow.users.set_password(user_id, password_hash, by, now, must_change=by != user_id)
        uow.sessions.end_all_of(user_id, now, "password_changed")
        uow.commit()


# How long a password link stays open: a working day to read the message and choose.
PASSWORD_LINK_HOURS = 24
PASSWORD_LINK_DEAD = "this password link is used, replaced by a newer one or expired; ask an admin"


@dataclass(frozen=True, slots=True)
class IssuedLink:
    """A one-time password link's token (shown once, never stored) and when it expires."""

    token: str
    expires_at: datetime


def issue_password_link(
    uow_factory: UowFactory, user_id: str, *, by: str, now: datetime
) -> IssuedLink:
    """A one-time link for ``user_id`` to choose a password: an admin's, for someone else
    (``_check_may_set_sign_in``; a person changes their own password signed in). A newer link
    ends the person's earlier ones, so only the last one sent works."""
    with uow_factory() as uow:
        target = acting_user(uow, user_id)
        admin = acting_user(uow, by)
        if admin.user_id == target.user_id:
            raise AccessError("a person changes their own password signed in, not by a link")
        _check_may_set_sign_in(admin, target)
        if not target.active:
            raise AccessError(f"user {user_id!r} is disabled: enable them first")
        uow.password_links.end_all_of(user_id, now, "superseded")
        token = new_token()
        expires_at = now + timedelta(hours=PASSWORD_LINK_HOURS)
        uow.password_links.add(PasswordLink(digest(token), user_id, by, now, expires_at, None))
        uow.commit()
    return IssuedLink(token, expires_at)


def password_link_user(uow_factory: UowFactory, token: str, *, now: datetime) -> str:
    """Whose password an open link sets; raises :class:`SignInError` for a link that is not
    open (unknown, used, replaced or expired: the page does not say which)."""
    with uow_factory() as uow:
        return _open_link(uow, token, now).user_id


def _open_link(uow: UnitOfWork, token: str, now: datetime) -> PasswordLink:
    link = uow.password_links.get(digest(token))
    if link is None or link.ended_at is not None or link.expires_at <= now:
        raise SignInError(PASSWORD_LINK_DEAD)
    user = uow.users.get(link.user_id)
    if user is None or not user.active:
        raise SignInError(PASSWORD_LINK_DEAD)
    return link


def set_password_by_link(
    uow_factory: UowFactory, token: str, password: str, *, now: datetime
) -> str:
    """The person's own choice of password, through an open link: the link ends (used), the
    person's sessions end, and the password need not change at the next sign-in; whose it
    was. A password the rules refuse leaves the link open."""
    with uow_factory() as uow:
        link = _open_link(uow, token, now)
        user = acting_user(uow, link.user_id)
        password_hash = hash_password(password, (user.user_id, user.name))
        if not uow.password_links.end(link.token_digest, now, "used"):
            raise SignInError(PASSWORD_LINK_DEAD)
        uow.users.set_password(user.user_id, password_hash, user.user_id, now, must_change=False)
        uow.sessions.end_all_of(user.user_id, now, "password_changed")
        uow.commit()
        return user.user_id


def enable_totp(uow_factory: UowFactory, user_id: str, *, by: str, box: SecretBox) -> str:
    """Give the person a new second-factor secret, stored sealed; the caller shows it once."""
    secret = totp.new_secret()
    with uow_factory() as uow:
        target = acting_user(uow, user_id)
        _check_may_set_sign_in(acting_user(uow, by), target)
        if uow.users.credential(user_id) is None:
            raise AccessError(f"user {user_id!r}: set a password before a second factor")
        uow.users.set_totp_secret(user_id, box.seal(secret))
        uow.commit()
    return secret


def enable_user(uow_factory: UowFactory, user_id: str, *, by: str, now: datetime) -> bool:
    """Let a disabled person sign in again (their password and second factor stand); False
    when they were active already."""
    with uow_factory() as uow:
        manager = acting_user(uow, by)
        target = uow.users.get(user_id)
        if target is None:
            raise AccessError(f"user {user_id!r}: no such user")
        if manager.user_id == target.user_id:
            raise AccessError("a person cannot enable themself")
        _check_may_manage(manager, target)
        if target.active:
            return False
        uow.users.set_active(user_id, True)
        uow.commit()
        return True


def change_role(
    uow_factory: UowFactory, user_id: str, role: Role, *, by: str, now: datetime
) -> int:
    """Give a person another role; their sessions end, so the next sign-in carries it. Only an
    admin changes roles, never their own, so an admin always remains (the one who acted); the
    number of sessions ended."""
    with uow_factory() as uow:
        admin = acting_user(uow, by)
        target = uow.users.get(user_id)
        if target is None:
            raise AccessError(f"user {user_id!r}: no such user")
        if admin.role is not Role.ADMIN:
            # Separation of duties: a manager who could would raise the people they approve.
            raise AccessError(f"a {admin.role} cannot change roles; an admin can")
        if admin.user_id == target.user_id:
            raise AccessError("a person cannot change their own role")
        uow.users.set_role(user_id, role)
        ended = uow.sessions.end_all_of(user_id, now, "role_changed")
        uow.commit()
        return ended


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
