"""The second factor: time-based one-time passwords (RFC 6238), each accepted once."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

ISSUER = "claimdesk"
DIGITS = 6


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, user_id: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user_id, issuer_name=ISSUER)


def code_at(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


def accepted_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to, or None when it is wrong or already used.

    One step of clock drift either way is accepted (RFC 6238 section 5.2), but never a step at
    or before the last one accepted, so a code seen over a shoulder or replayed is refused
    (RFC 6238 section 5.2: "MUST NOT accept the second attempt"; NIST SP 800-63B 5.1.4.2).
    """
    code = code.strip()
    if len(code) != DIGITS or not code.isdigit():
        return None
    otp = pyotp.TOTP(secret)
    current = otp.timecode(now)
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(otp.generate_otp(step), code):
            return step
    return None
