"""Unit tests of the security pieces: hashing, lockout, session expiry, CSRF, masking, TOTP,
headers and the audit hash chain."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from claimdesk.audit.chain import GENESIS, AuditRecord, StoredRecord, first_break, record_hash
from claimdesk.routing.access import Role
from claimdesk.security import totp
from claimdesk.security.csrf import csrf_matches, new_csrf_token
from claimdesk.security.headers import headers_for
from claimdesk.security.masking import mask_member_id, member_id_for
from claimdesk.security.passwords import (
    PasswordRuleError,
    hash_password,
    needs_rehash,
    verify_password,
)
from claimdesk.security.sessions import SessionPolicy, SessionState, digest, new_token, state_of
from claimdesk.security.throttle import Attempt, ThrottlePolicy, locked_until

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_passwords_are_argon2id_salted_and_verified() -> None:
    first = hash_password("correct horse battery staple")
    second = hash_password("correct horse battery staple")
    assert first.startswith("$argon2id$")
    assert first != second  # a fresh salt each time
    assert verify_password(first, "correct horse battery staple")
    assert not verify_password(first, "correct horse battery stapl")
    assert not verify_password("not a hash", "anything")
    assert not needs_rehash(first)


def test_password_length_rule() -> None:
    with pytest.raises(PasswordRuleError, match="at least 12"):
        hash_password("short")
    with pytest.raises(PasswordRuleError, match="at most 128"):
        hash_password("x" * 129)
    with pytest.raises(PasswordRuleError, match="common, breached or easily guessed"):
        hash_password("passwordpassword")


def test_lockout_after_five_failures_and_reset_by_success() -> None:
    policy = ThrottlePolicy(max_failures=5, window=timedelta(minutes=15))
    fails = [Attempt(T0 + timedelta(minutes=i), False) for i in range(5)]
    assert locked_until(fails[:4], T0 + timedelta(minutes=5), policy) is None
    until = locked_until(fails, T0 + timedelta(minutes=5), policy)
    assert until == T0 + timedelta(minutes=4) + policy.lockout
    assert locked_until(fails, until, policy) is None  # the lock has ended
    with_success = [*fails[:3], Attempt(T0 + timedelta(minutes=3, seconds=30), True), *fails[3:]]
    assert locked_until(with_success, T0 + timedelta(minutes=5), policy) is None


def test_failures_outside_the_window_do_not_count() -> None:
    policy = ThrottlePolicy(max_failures=3, window=timedelta(minutes=10))
    old = [Attempt(T0 + timedelta(minutes=i), False) for i in range(3)]
    assert locked_until(old, T0 + timedelta(minutes=11), policy) is None
    assert locked_until(old, T0 + timedelta(minutes=3), policy) is not None


def test_session_idle_and_absolute_limits() -> None:
    policy = SessionPolicy(idle=timedelta(minutes=15), absolute=timedelta(hours=8))

    def state(last_seen: timedelta, now: timedelta, ended: bool = False) -> SessionState:
        return state_of(
            created_at=T0,
            last_seen_at=T0 + last_seen,
            ended_at=T0 if ended else None,
            now=T0 + now,
            policy=policy,
        )

    assert state(timedelta(0), timedelta(minutes=14, seconds=59)) is SessionState.LIVE
    assert state(timedelta(0), timedelta(minutes=15)) is SessionState.IDLE
    assert state(timedelta(hours=7, minutes=59), timedelta(hours=8)) is SessionState.EXPIRED
    assert state(timedelta(0), timedelta(minutes=1), ended=True) is SessionState.ENDED


def test_session_tokens_are_random_and_stored_as_digests() -> None:
    token = new_token()
    assert token != new_token()
    assert len(token) >= 40
    assert digest(token) != token
    assert len(digest(token)) == 64


def test_csrf_tokens_must_match_exactly() -> None:
    token = new_csrf_token()
    assert csrf_matches(token, token)
    assert not csrf_matches(token, token[:-1] + ("0" if token[-1] != "0" else "1"))
    assert not csrf_matches(token, None)
    assert not csrf_matches(token, "")
    assert not csrf_matches("", "")


def test_member_ids_masked_for_roles_that_do_not_need_them() -> None:
    assert mask_member_id("A12345678") == "•••••5678"
    assert mask_member_id("1234") == "••••"
    assert member_id_for(Role.TIER1, "A12345678") == "A12345678"
    assert member_id_for(Role.TIER2, "A12345678") == "A12345678"
    assert member_id_for(Role.AUDITOR, "A12345678") == "•••••5678"
    assert member_id_for(Role.ADMIN, "A12345678") == "•••••5678"


def test_totp_codes_accept_one_step_of_drift_only_and_each_step_once() -> None:
    secret = totp.new_secret()
    code = totp.code_at(secret, T0)
    step = totp.accepted_step(secret, code, T0, None)
    assert step is not None
    assert totp.accepted_step(secret, code, T0 + timedelta(seconds=30), None) == step
    assert totp.accepted_step(secret, code, T0 + timedelta(minutes=2), None) is None
    assert totp.accepted_step(secret, "abcdef", T0, None) is None
    # Used once: the same step, or an earlier one, is refused (RFC 6238 5.2).
    assert totp.accepted_step(secret, code, T0, step) is None
    earlier = totp.code_at(secret, T0 - timedelta(seconds=30))
    assert totp.accepted_step(secret, earlier, T0, step) is None
    assert totp.provisioning_uri(secret, "ann").startswith("otpauth://totp/claimdesk:ann")


def test_headers_forbid_caching_of_pages_and_framing() -> None:
    page = headers_for("/claims/C1")
    assert page["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    policy = page["Content-Security-Policy"]
    # Scripts from the desk's own files only: none inline, no eval, nothing from elsewhere.
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "default-src 'none'" in policy
    assert headers_for("/static/desk.css")["Cache-Control"].startswith("public")
    assert headers_for("/vendor/htmx/htmx.min.js")["Cache-Control"].startswith("public")


def _chain(count: int) -> list[StoredRecord]:
    stored = []
    prev = GENESIS
    for i in range(count):
        record = AuditRecord(T0 + timedelta(seconds=i), "ann", f"P{i}", "view_claim", f"C{i}", "ok")
        row_hash = record_hash(prev, record)
        stored.append(StoredRecord(i + 1, record, prev, row_hash))
        prev = row_hash
    return stored


def test_an_untouched_chain_verifies() -> None:
    assert first_break(_chain(5)) is None


def test_changed_field_is_found() -> None:
    chain = _chain(5)
    changed = dataclasses.replace(chain[2].record, patient_account="P9")
    chain[2] = dataclasses.replace(chain[2], record=changed)
    broken = first_break(chain)
    assert broken is not None
    assert broken.record_id == 3
    assert "stored hash" in broken.reason


def test_removed_record_is_found() -> None:
    chain = _chain(5)
    del chain[1]
    broken = first_break(chain)
    assert broken is not None
    assert broken.record_id == 3
    assert "previous-hash" in broken.reason


def test_recomputed_hash_still_breaks_the_next_link() -> None:
    chain = _chain(4)
    changed = dataclasses.replace(chain[1].record, outcome="denied")
    chain[1] = dataclasses.replace(
        chain[1], record=changed, row_hash=record_hash(chain[1].prev_hash, changed)
    )
    broken = first_break(chain)
    assert broken is not None
    assert broken.record_id == 3
