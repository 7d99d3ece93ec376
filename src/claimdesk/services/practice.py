"""Use cases of the practice profile: read it, change settings (checked, audited, all or nothing),
take a bundle's ``practice.toml``, and say what ``submit`` still needs.

``practice.toml`` holds the same settings as ``claimdesk practice set``, grouped in tables::

    name = "Riverbend Family Medicine Group"
    time_zone = "America/New_York"
    [billing]
    npi = "1234567893"
    zip = "43215-1234"
    [submitter]
    id = "RFMG001"
    [receiver]           # one clearinghouse for every payer ...
    id = "ACMECH"
    [receiver.MCR]       # ... or a receiver of its own for one payer
    id = "MCRJUR15"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime

from claimdesk.audit.chain import AuditRecord, record_hash
from claimdesk.domain.clock import practice_today
from claimdesk.domain.practice import PracticeProfile, checked_changes
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
AUDIT_ACTION = "practice.set"


class ProfileIncompleteError(RuntimeError):
    """The profile lacks settings a use case needs; the message names each and how to set it."""


def practice_date(uow: UnitOfWork, now: datetime) -> date:
    """The practice's today at ``now``: the date every entry, deadline and check counts from."""
    return practice_today(now, uow.practice.profile().time_zone)


def open_date(uow: UnitOfWork, day: date) -> date:
    """The date an entry for something that happened on ``day`` is posted effective: ``day``
    while its month is open, else the first day of the first open month (docs/close.md)."""
    return uow.periods.closed().postable(day)


def posting_date(uow: UnitOfWork, now: datetime) -> date:
    """The effective date of an entry posted at ``now``: the practice's today, in the first
    open month."""
    return open_date(uow, practice_date(uow, now))


def profile_of(uow_factory: UowFactory) -> PracticeProfile:
    with uow_factory() as uow:
        return uow.practice.profile()


def change_settings(
    uow: UnitOfWork, changes: Mapping[str, str], *, by: str, now: datetime
) -> list[str]:
    """Store the checked ``changes`` in ``uow`` (the caller commits), one audit record per
    setting that changed; returns the keys that changed. The caller took the audit lock
    (``uow.audit.lock()``) as its transaction's first step."""
    checked = checked_changes(changes)
    before = uow.practice.profile()
    changed = [key for key, value in checked.items() if before.get(key) != value]
    for key in changed:
        uow.practice.put(key, checked[key], at=now, by=by)
        entry = AuditRecord(
            at=now.astimezone(UTC),
            user_id=by,
            patient_account=None,
            action=AUDIT_ACTION,
            target=key,
            outcome="ok",
            detail=f"{before.get(key)!r} -> {checked[key]!r}",
        )
        previous = uow.audit.last_hash()
        uow.audit.append(entry, previous, record_hash(previous, entry))
    return changed


def set_settings(
    uow_factory: UowFactory, changes: Mapping[str, str], *, by: str, now: datetime
) -> list[str]:
    """``practice set``: check every value, then store them all in one transaction."""
    with uow_factory() as uow:
        uow.audit.lock()
        changed = change_settings(uow, changes, by=by, now=now)
        uow.commit()
    return changed


def require_for_submit(profile: PracticeProfile) -> None:
    """Stop before any claim is scrubbed when the 837 could not name the practice."""
    missing = profile.missing_to_submit()
    if missing:
        lines = [
            f"  {s.key}: {s.meaning}; set it with: claimdesk practice set {s.key} VALUE"
            for s in missing
        ]
        raise ProfileIncompleteError(
            "the practice profile is missing what every 837 needs, so no claim was scrubbed "
            "or held:\n" + "\n".join(lines)
        )
