"""CSRF: a random token per session, sent back with every form and compared in constant time."""

from __future__ import annotations

import hmac
import secrets


def new_csrf_token() -> str:
    return secrets.token_hex(32)


def csrf_matches(expected: str, given: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
