"""The optional second factor: time-based one-time passwords (RFC 6238)."""

from __future__ import annotations

from datetime import datetime

import pyotp

ISSUER = "claimdesk"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, user_id: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user_id, issuer_name=ISSUER)


def code_at(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


def verify_code(secret: str, code: str, now: datetime) -> bool:
    """One step of clock drift either way is accepted (RFC 6238 section 5.2)."""
    code = code.strip()
    if not code.isdigit():
        return False
    return pyotp.TOTP(secret).verify(code, for_time=now, valid_window=1)
