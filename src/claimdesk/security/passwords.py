"""Passwords, hashed with argon2id (OWASP ASVS 2.4.1) and checked against a length rule."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12  # ASVS 2.1.1
MAX_LENGTH = 128  # ASVS 2.1.2: at least 64 allowed; bounded so hashing cost stays bounded

_HASHER = PasswordHasher(type=Type.ID)


class PasswordRuleError(ValueError):
    """A new password that breaks the length rule."""


def check_rule(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordRuleError(f"password: needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordRuleError(f"password: at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    check_rule(password)
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(stored_hash)


# A hash of no one's password, verified when the user is unknown so that the answer takes as
# long as for a known user and does not reveal which names exist.
DECOY_HASH = _HASHER.hash("decoy password that matches nothing")
