"""Security headers on every answer; no-store where patient data may be shown."""

from __future__ import annotations

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)

ALWAYS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

# Every answer except static assets may carry patient data or a session: never cache them.
NO_STORE: dict[str, str] = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def headers_for(path: str) -> dict[str, str]:
    if path.startswith("/static/"):
        return {**ALWAYS, "Cache-Control": "public, max-age=3600"}
    return {**ALWAYS, **NO_STORE}
