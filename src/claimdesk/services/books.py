"""``books verify``: the ledger's invariants as of a date, read in one read-only unit of work.

The store reads the facts (``store/queries/books.py``), the A/R aging is the report's own
(``analytics.receivables.ar_aging``, so the check compares what users are shown), and the
checks are pure (``domain/books.py``). Nothing is written.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from claimdesk.analytics.facts import Period
from claimdesk.analytics.receivables import ar_aging
from claimdesk.domain.books import BooksReport, UnprovenCash, verify
from claimdesk.domain.money import Money, total
from claimdesk.posting.reassociation import Verdict
from claimdesk.services.deposits import reassociation_in
from claimdesk.services.practice import practice_date
from claimdesk.services.work_queue import UowFactory
from claimdesk.store.queries.books import books_facts
from claimdesk.store.queries.kpi_facts import kpi_facts
from claimdesk.store.uow import UnitOfWork


def aging_total(uow: UnitOfWork, as_of: date) -> Money:
    """What the A/R aging report's buckets add up to at the end of ``as_of``: every row of its
    insurance (by payer) and patient (by patient) tables, last column (the row's total)."""
    report = ar_aging(kpi_facts(uow.read, end=as_of), Period(as_of, as_of))
    return total(
        row[-1] for table in report.tables for row in table.rows if isinstance(row[-1], Money)
    )


def verify_books(uow_factory: UowFactory, *, as_of: date | None, now: datetime) -> BooksReport:
    """Every invariant of ``domain/books.py`` as of ``as_of`` (default: the practice's today)."""
    with uow_factory() as uow:
        day = as_of or practice_date(uow, now)
        zone = uow.practice.profile().time_zone or ZoneInfo("UTC")
        until = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
        facts = books_facts(uow.read, as_of=day, until=until)
        return verify(
            replace(facts, aging_total=aging_total(uow, day), unproven_cash=unproven_cash(uow, day))
        )


def unproven_cash(uow: UnitOfWork, as_of: date) -> list[UnprovenCash]:
    """The posted 835s no deposit proves (BOOKS009), from the day reconciliation with the bank
    began (the first deposit on the books): 835s paid before the bank's data was kept, or on a
    home that keeps none, have nothing to be proven against. 835s inside the wait for their
    deposit are in transit, not unproven."""
    start = uow.deposits.first_date()
    if start is None:
        return []
    found = reassociation_in(uow, as_of)
    return [
        UnprovenCash(
            g.trace,
            g.verdict.value,
            tuple(e.remittance_id for e in g.eras),
            g.era_total,
            g.unproven,
        )
        for g in found.groups
        if g.verdict is not Verdict.AWAITING and g.eras and max(e.paid_on for e in g.eras) >= start
    ]
