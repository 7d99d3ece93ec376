from collections import deque
from datetime import UTC, datetime, timedelta, timezone
from itertools import product

import pytest

from claimdesk.domain.claims import (
    TRANSITIONS,
    ClaimStatus,
    FrequencyCode,
    IllegalTransitionError,
    StatusChange,
)
from claimdesk.domain.money import Money

from .builders import CREATED, claim, encounter

S = ClaimStatus
AT = datetime(2024, 4, 1, 12, 30, tzinfo=UTC)
FINAL = {S.CLOSED, S.VOIDED, S.WRITTEN_OFF}


def test_every_status_has_a_row_and_only_statuses_as_targets() -> None:
    assert set(TRANSITIONS) == set(ClaimStatus)
    for current, targets in TRANSITIONS.items():
        assert current not in targets, f"{current} moves to itself"
        assert targets <= set(ClaimStatus)


@pytest.mark.parametrize(("current", "target"), list(product(ClaimStatus, ClaimStatus)))
def test_a_transition_is_accepted_iff_it_is_listed(current: S, target: S) -> None:
    subject = claim(status=current)
    history_before = list(subject.history)
    if target in TRANSITIONS[current]:
        assert subject.can_move_to(target)
        change = subject.move_to(target, by="biller2", at=AT, reason="test")
        assert change == StatusChange(AT, "biller2", current, target, "test")
        assert subject.status is target
        assert subject.history == [*history_before, change]
    else:
        assert not subject.can_move_to(target)
        with pytest.raises(IllegalTransitionError) as raised:
            subject.move_to(target, by="biller2", at=AT, reason="test")
        error = raised.value
        assert (error.claim_id, error.current, error.target) == ("C-100", current, target)
        message = str(error)
        assert message.startswith(f"claim C-100: cannot go from {current} to {target}; allowed: ")
        assert subject.status is current
        assert subject.history == history_before


def test_illegal_transition_message_lists_what_is_allowed() -> None:
    with pytest.raises(IllegalTransitionError) as raised:
        claim().move_to(S.PAID, by="b", at=AT)
    assert str(raised.value) == (
        "claim C-100: cannot go from draft to paid; allowed: held, ready, voided, written_off"
    )


@pytest.mark.parametrize("final", sorted(FINAL))
def test_closed_voided_and_written_off_are_final(final: S) -> None:
    assert TRANSITIONS[final] == frozenset()
    subject = claim(status=final)
    for target in ClaimStatus:
        with pytest.raises(IllegalTransitionError, match=r"none \(final state\)"):
            subject.move_to(target, by="b", at=AT)
    assert subject.status is final
    assert len(subject.history) == 1


@pytest.mark.parametrize(
    ("current", "target", "legal"),
    [
        # A claim is scrubbed before it goes out: nothing skips READY.
        (S.DRAFT, S.SUBMITTED, False),
        (S.HELD, S.SUBMITTED, False),
        (S.REJECTED, S.SUBMITTED, False),
        # An 835 can arrive with no 277CA before it.
        (S.SUBMITTED, S.PAID, True),
        (S.SUBMITTED, S.DENIED, True),
        # A payer reversal (CLP02 = 22) reopens adjudication.
        (S.PAID, S.ACCEPTED, True),
        (S.DENIED, S.ACCEPTED, True),
        # Once in the payer's hands a claim is corrected by a new claim (frequency 7 or 8).
        (S.SUBMITTED, S.VOIDED, False),
        (S.ACCEPTED, S.VOIDED, False),
        (S.PAID, S.VOIDED, False),
        # An appeal answers an adjudication; there is nothing to appeal before one.
        (S.SUBMITTED, S.APPEALED, False),
        (S.ACCEPTED, S.APPEALED, False),
        (S.DENIED, S.APPEALED, True),
        (S.PARTIALLY_PAID, S.APPEALED, True),
        (S.REJECTED, S.APPEALED, False),
        # A rejected claim never entered adjudication: it cannot be paid or denied.
        (S.REJECTED, S.PAID, False),
        (S.REJECTED, S.DENIED, False),
        (S.REJECTED, S.READY, True),
    ],
)
def test_edges_that_matter_for_real_billing(current: S, target: S, legal: bool) -> None:
    assert (target in TRANSITIONS[current]) is legal


def _reachable_from(start: S) -> set[S]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in TRANSITIONS[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def test_every_status_is_reachable_from_draft() -> None:
    assert _reachable_from(S.DRAFT) == set(ClaimStatus)


@pytest.mark.parametrize("status", sorted(set(ClaimStatus) - FINAL))
def test_no_status_is_a_trap_every_one_can_still_end(status: S) -> None:
    assert _reachable_from(status) & FINAL


def test_a_realistic_life_is_recorded_in_order() -> None:
    subject = claim()
    path = [S.READY, S.SUBMITTED, S.ACCEPTED, S.DENIED, S.APPEALED, S.PAID, S.CLOSED]
    changes = []
    for step, target in enumerate(path, start=1):
        at = AT + timedelta(days=step)
        by = f"user{step}"
        reason = f"step {step}"
        changes.append(subject.move_to(target, by=by, at=at, reason=reason))
    assert subject.status is S.CLOSED
    expected = [StatusChange(CREATED, "biller1", None, S.DRAFT, "created")]
    previous = S.DRAFT
    for step, target in enumerate(path, start=1):
        expected.append(
            StatusChange(AT + timedelta(days=step), f"user{step}", previous, target, f"step {step}")
        )
        previous = target
    assert subject.history == expected
    assert changes == expected[1:]
    assert [c.to_status for c in subject.history] == [S.DRAFT, *path]
    assert [c.from_status for c in subject.history[1:]] == [S.DRAFT, *path[:-1]]


def test_reason_defaults_to_empty_and_any_time_zone_is_accepted() -> None:
    subject = claim()
    eastern = timezone(timedelta(hours=-5))
    change = subject.move_to(S.READY, by="b", at=datetime(2024, 4, 1, 7, 0, tzinfo=eastern))
    assert change.reason == ""
    assert change.at.utcoffset() == timedelta(hours=-5)


def test_naive_timestamp_is_refused_and_changes_nothing() -> None:
    subject = claim()
    before = list(subject.history)
    with pytest.raises(ValueError, match="explicit time zone"):
        subject.move_to(S.READY, by="b", at=datetime(2024, 4, 1, 12, 0))
    assert subject.status is S.DRAFT
    assert subject.history == before


def test_naive_creation_time_is_refused() -> None:
    with pytest.raises(ValueError, match=r"claim C-100: created_at needs an explicit time zone"):
        claim(created_at=datetime(2024, 3, 15, 9, 0))


def test_creation_is_the_first_history_entry() -> None:
    subject = claim(status=S.READY)
    assert subject.history == [StatusChange(CREATED, "biller1", None, S.READY, "created")]


@pytest.mark.parametrize("frequency", [FrequencyCode.REPLACEMENT, FrequencyCode.VOID])
def test_replacement_and_void_need_the_payer_claim_number(frequency: FrequencyCode) -> None:
    with pytest.raises(ValueError, match=r"claim C-100: .*payer claim number \(REF\*F8\)"):
        claim(frequency=frequency)
    corrected = claim(frequency=frequency, replaces_payer_claim_number="PCN123")
    assert corrected.replaces_payer_claim_number == "PCN123"
    assert corrected.status is S.DRAFT


def test_frequency_codes_are_clm05_3_values() -> None:
    assert [code.value for code in FrequencyCode] == ["1", "7", "8"]
    assert claim().frequency is FrequencyCode.ORIGINAL


def test_lines_and_total_charge_come_from_the_encounter() -> None:
    subject = claim()
    assert subject.lines == encounter().lines
    assert subject.total_charge == Money("125.50")
