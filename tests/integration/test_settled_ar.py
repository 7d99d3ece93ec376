"""The A/R as it stands, read from the open receivables' sums (``store/open_sums.py``), equals
the A/R summed from the open claims, after the shared 180-day cycle on SQLite and PostgreSQL.

Every query that reads the sums when the books are settled at its day
(``settled_ar.settled``: nothing posted after it, nothing first sent after it) answers here
twice: once from the sums, and once from the claims with the sums turned off. The sums were
kept posting by posting through the cycle, so equal answers prove them kept, and
``open_sums.drifted`` holds every table equal to a recomputation from the rollups.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from cycle_practice import CycledHome
from sqlalchemy import Connection

from claimdesk.analytics.facts import Scope
from claimdesk.services.database import units_of_work
from claimdesk.store import open_sums
from claimdesk.store.queries import kpi_ledger, patient_accounts, receivables, settled_ar

_READERS: dict[str, Callable[[Connection, Any], object]] = {
    "A/R position": lambda read, day: receivables.ar_position(read, day),
    "charges by payer": lambda read, day: receivables.charges_by_payer(read, day),
    "receivables (A/R aging, over 90 days)": lambda read, day: kpi_ledger.receivables_at(
        read, day, Scope()
    ),
    "net A/R": lambda read, day: kpi_ledger.net_ar_series(read, [day], Scope()),
    "patient aging": lambda read, day: patient_accounts.patient_aging_summary(read, day),
}


@pytest.mark.parametrize("reader", sorted(_READERS))
def test_the_sums_answer_what_the_open_claims_answer(
    cycled_practice: CycledHome, reader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = cycled_practice
    read_it = _READERS[reader]
    with units_of_work(home.settings) as factory, factory() as uow:
        settled = settled_ar.settled(uow.read, home.end)
        assert settled is not None
        # Visits booked ahead are charged on their day: claims of the future, withdrawn.
        assert settled.future
        # The day before, claims then still unbilled or since paid: summed from the claims.
        assert settled_ar.settled(uow.read, home.end - timedelta(days=1)) is None
        from_sums = read_it(uow.read, home.end)
        monkeypatch.setattr(settled_ar, "settled", lambda *_args, **_kwargs: None)
        from_claims = read_it(uow.read, home.end)
    assert from_sums == from_claims


def test_the_sums_kept_through_the_cycle_equal_a_recomputation(
    cycled_practice: CycledHome,
) -> None:
    with units_of_work(cycled_practice.settings) as factory, factory() as uow:
        assert open_sums.drifted(uow.read) == []
        patients = uow.read.execute(
            open_sums.PATIENT_OWING.table.select().where(
                open_sums.PATIENT_OWING.table.c.visits != 0
            )
        ).all()
    assert patients, "the cycle leaves patients owing"


def test_a_day_with_many_claims_after_it_is_summed_from_the_claims(
    cycled_practice: CycledHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A day long past has most of the practice's claims posted after it: reading the sums
    less every one of them would cost more than summing the claims, so it is not settled."""
    home = cycled_practice
    with units_of_work(home.settings) as factory, factory() as uow:
        settled = settled_ar.settled(uow.read, home.end)
        assert settled is not None
        monkeypatch.setattr(settled_ar, "FUTURE_LIMIT", len(settled.future) - 1)
        assert settled_ar.settled(uow.read, home.end) is None
        # Nor is a day long past, with every claim posted after it.
        assert settled_ar.settled(uow.read, home.start) is None
