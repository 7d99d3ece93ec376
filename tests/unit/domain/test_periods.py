"""Accounting periods: months, where a late item lands, and the order months close and reopen."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from claimdesk.domain.ledger import Dimensions, Entry, EntryKind, standard_entry
from claimdesk.domain.money import Money
from claimdesk.domain.periods import (
    ClosedPeriodError,
    ClosedPeriods,
    Month,
    PeriodAction,
    PeriodEvent,
    PeriodStatus,
    refusal_to_close,
    refusal_to_reopen,
    states_of,
)

AT = datetime(2026, 12, 1, 9, tzinfo=UTC)
SEP, OCT, NOV = Month(2026, 9), Month(2026, 10), Month(2026, 11)


@pytest.mark.parametrize(
    ("text", "month", "first", "last"),
    [
        ("2026-10", OCT, date(2026, 10, 1), date(2026, 10, 31)),
        ("2024-02", Month(2024, 2), date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-12", Month(2026, 12), date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_a_month_is_read_and_knows_its_days(
    text: str, month: Month, first: date, last: date
) -> None:
    assert Month.parse(text) == month
    assert (month.first_day, month.last_day, str(month)) == (first, last, text)


def test_months_follow_and_precede_across_the_year() -> None:
    assert Month(2026, 12).following == Month(2027, 1)
    assert Month(2027, 1).preceding == Month(2026, 12)


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-10", "october", "2026-00"])
def test_a_bad_month_names_the_form_expected(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse(text)


@pytest.mark.parametrize(
    ("closed", "day", "posted_on"),
    [
        (frozenset(), date(2026, 10, 15), date(2026, 10, 15)),
        (frozenset({OCT}), date(2026, 10, 15), date(2026, 11, 1)),
        (frozenset({OCT}), date(2026, 11, 3), date(2026, 11, 3)),
        # History before the first close is final too: it is the first closed month's opening.
        (frozenset({OCT}), date(2026, 6, 30), date(2026, 11, 1)),
        (frozenset({SEP, OCT}), date(2026, 9, 2), date(2026, 11, 1)),
    ],
)
def test_a_late_item_posts_on_the_first_open_day(
    closed: frozenset[Month], day: date, posted_on: date
) -> None:
    assert ClosedPeriods(closed).postable(day) == posted_on


def _entry(effective: date) -> Entry:
    return standard_entry(
        entry_id=f"e-{effective}",
        kind=EntryKind.PATIENT_PAYMENT,
        amount=Money("10.00"),
        dims=Dimensions("P1", "C1", 1, "ACME"),
        effective=effective,
        recorded_at=AT,
        recorded_by="tester",
    )


def test_an_entry_in_a_closed_month_is_refused_not_moved() -> None:
    periods = ClosedPeriods(frozenset({OCT}))
    periods.check([_entry(date(2026, 11, 1))])
    with pytest.raises(ClosedPeriodError, match=r"e-2026-10-31 \(2026-10-31\).*2026-11-01"):
        periods.check([_entry(date(2026, 10, 31))])


def test_months_close_in_order_and_reopen_newest_first() -> None:
    nothing, october = ClosedPeriods(), ClosedPeriods(frozenset({SEP, OCT}))
    assert refusal_to_close(nothing, OCT) is None
    assert refusal_to_close(october, NOV) is None
    assert "already closed" in (refusal_to_close(october, SEP) or "")
    assert "close 2026-11 first" in (refusal_to_close(october, Month(2026, 12)) or "")
    assert refusal_to_reopen(october, OCT) is None
    assert "reopen 2026-10 first" in (refusal_to_reopen(october, SEP) or "")
    assert "not closed" in (refusal_to_reopen(october, NOV) or "")


def test_a_months_state_is_its_last_event() -> None:
    events = [
        PeriodEvent(OCT, PeriodAction.CLOSE, AT, "mgr"),
        PeriodEvent(OCT, PeriodAction.REOPEN, AT, "root", "late EOB"),
        PeriodEvent(SEP, PeriodAction.CLOSE, AT, "mgr"),
    ]
    states = states_of(events)
    assert [(s.month, s.status) for s in states] == [
        (SEP, PeriodStatus.CLOSED),
        (OCT, PeriodStatus.OPEN),
    ]
    assert [e.reason for e in states[1].reopens] == ["late EOB"]
    assert ClosedPeriods.of(states).months == frozenset({SEP})
