"""Sign-in throttling, per account and per client address (NIST SP 800-63B 5.2.2, ASVS 2.2.1).

A name is locked for a while after repeated failures; so is an address, so that spraying a few
guesses over many names (each staying under the per-name limit) is stopped as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)
    # Failures from one address, over every name, in the window: a shared office's typos stay
    # well under it; spraying 4 guesses over 15 names (60) does not.
    max_client_failures: int = 20


@dataclass(frozen=True, slots=True)
class Attempt:
    at: datetime
    succeeded: bool


def locked_until(
    attempts: Sequence[Attempt], now: datetime, policy: ThrottlePolicy
) -> datetime | None:
    """When the name's lock ends, or None when the name may try now.

    Only failures since the last success and inside the window count, so a person who signs in
    successfully starts again from zero.
    """
    failures: list[datetime] = []
    for attempt in sorted(attempts, key=lambda a: a.at):
        if attempt.succeeded:
            failures = []
        elif attempt.at > now - policy.window:
            failures.append(attempt.at)
    return _until(failures, policy.max_failures, now, policy)


def client_locked_until(
    failures: Sequence[datetime], now: datetime, policy: ThrottlePolicy
) -> datetime | None:
    """When the address's lock ends, or None. A success from the address resets nothing: one
    known password must not let the address guess at every other name."""
    recent = sorted(at for at in failures if at > now - policy.window)
    return _until(recent, policy.max_client_failures, now, policy)


def _until(
    failures: Sequence[datetime], limit: int, now: datetime, policy: ThrottlePolicy
) -> datetime | None:
    if len(failures) < limit:
        return None
    until = failures[-1] + policy.lockout
    return until if until > now else None
