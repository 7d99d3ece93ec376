"""Sign-in throttling: after repeated failures a name is locked for a while (ASVS 2.2.1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Attempt:
    at: datetime
    succeeded: bool


def locked_until(
    attempts: Sequence[Attempt], now: datetime, policy: ThrottlePolicy
) -> datetime | None:
    """When the lock ends, or None when the name may try now.

    Only failures since the last success and inside the window count, so a person who signs in
    successfully starts again from zero.
    """
    failures: list[datetime] = []
    for attempt in sorted(attempts, key=lambda a: a.at):
        if attempt.succeeded:
            failures = []
        elif attempt.at > now - policy.window:
            failures.append(attempt.at)
    if len(failures) < policy.max_failures:
        return None
    until = failures[-1] + policy.lockout
    return until if until > now else None
