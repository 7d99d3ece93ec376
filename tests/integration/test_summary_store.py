"""The summary is read on the store it is handed (the command's own composition), in one unit
of work, and "today" is the practice's day of the clock it is handed (docs/clock.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from remit_practice import seed

from claimdesk.domain.money import Money
from claimdesk.services.practice_summary import summarize
from claimdesk.store.uow import UnitOfWork


def test_the_summary_reads_the_store_it_is_handed(uow_factory: Callable[[], UnitOfWork]) -> None:
    seed(uow_factory)
    opened: list[UnitOfWork] = []

    def counted() -> UnitOfWork:
        opened.append(uow_factory())
        return opened[-1]

    # A practice without a time zone keeps its days in UTC.
    summary = summarize(counted, now=datetime(2024, 3, 21, 1, 30, tzinfo=UTC))

    assert len(opened) == 1
    assert summary.as_of == date(2024, 3, 21)
    # Three claims of 190.00 each (remit_practice.seed).
    assert summary.gross_charges == Money("570.00")
    before = summarize(counted, now=datetime(2024, 3, 21, tzinfo=UTC), as_of=date(2024, 2, 1))
    assert before.gross_charges == Money("0.00")
