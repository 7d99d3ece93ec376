"""Security headers on every answer; no-store where patient data may be shown."""

from __future__ import annotations

# Scripts only from the desk's own files (its keyboard shortcuts, htmx): nothing inline and no
# eval; htmx asks the desk for pages (connect-src). The design system draws its form controls'
# marks as data: images.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
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
    if path.startswith(("/static/", "/vendor/")):
        return {**ALWAYS, "Cache-Control": "public, max-age=3600"}
    return {**ALWAYS, **NO_STORE}
