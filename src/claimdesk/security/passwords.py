"""Passwords, hashed with argon2id (OWASP ASVS 2.4.1) and checked before they are accepted.

A new password must be long enough and not be a common, breached or easily guessed value
(NIST SP 800-63B 5.1.1.2): zxcvbn (a PyPI package) matches it against its list of the 30,000
most common passwords from public breaches, dictionary words and names, keyboard walks,
repeats ("passwordpassword") and sequences, and the person's own name and user id.
"""

from __future__ import annotations

from collections.abc import Sequence

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12  # ASVS 2.1.1
MAX_LENGTH = 128  # ASVS 2.1.2: at least 64 allowed; bounded so hashing cost stays bounded
# zxcvbn's score runs 0-4; 3 means more than 10^8 guesses, "safely unguessable" for an online
# attacker held back by throttling (its authors' own reading of the scale).
MIN_STRENGTH = 3
CONTEXT_WORDS = ("claimdesk", "billing", "medical")  # NIST SP 800-63B 5.1.1.2: service name

_HASHER = PasswordHasher(type=Type.ID)


class PasswordRuleError(ValueError):
    """A new password that is too short, too long, or common or guessable."""


def check_rule(password: str, context: Sequence[str] = ()) -> None:
    """Refuse a new password that breaks a rule; ``context`` is the person's id and name."""
    if len(password) < MIN_LENGTH:
        raise PasswordRuleError(f"password: needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordRuleError(f"password: at most {MAX_LENGTH} characters")
    verdict = zxcvbn(password, user_inputs=[*context, *CONTEXT_WORDS])
    if verdict["score"] < MIN_STRENGTH:
        warning = verdict["feedback"]["warning"] or "it is too easy to guess"
        raise PasswordRuleError(
            "password: common, breached or easily guessed "
            f"({warning.rstrip('.')}); choose a longer phrase of unrelated words"
        )


def hash_password(password: str, context: Sequence[str] = ()) -> str:
    check_rule(password, context)
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
