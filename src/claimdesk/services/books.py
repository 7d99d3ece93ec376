"""``books verify``: the ledger's invariants as of a date, read in one read-only unit of work.

The store reads the facts (``store/queries/books.py``), the A/R aging is the report's own
(``store.queries.kpi_ledger.receivables_at``, so the check compares what users are shown), and the
checks are pure (``domain/books.py``). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from claimdesk.analytics.facts import Scope
from claimdesk.domain.books import BooksReport, ClosedPeriodEntry, UnprovenCash, verify
from claimdesk.domain.money import Money, total
from claimdesk.domain.periods import Month, PeriodStatus
from claimdesk.posting.reassociation import Verdict
from claimdesk.services.close import read_month_end
from claimdesk.services.deposits import explained_exceptions, reassociation_in
from claimdesk.services.practice import practice_date
from claimdesk.services.receivables import patient_aging_in
from claimdesk.services.work_queue import UowFactory
from claimdesk.store.queries.books import books_facts
from claimdesk.store.queries.kpi_ledger import month_end_kpis, receivables_at
from claimdesk.store.queries.month_end import late_entries
from claimdesk.store.queries.patient_accounts import patient_receivable
from claimdesk.store.uow import UnitOfWork


def aging_total(uow: UnitOfWork, as_of: date) -> Money:
    """What the A/R aging report's buckets add up to at the end of ``as_of``: every bucket of
    its billed and unbilled insurance (by payer) and patient parts."""
    _sides, parts, patients = receivables_at(uow.read, as_of, Scope())
    insurance = total(
        amount
        for by_key in parts.values()
        for buckets in by_key.values()
        for amount in buckets.values()
    )
    return insurance + patients.total


def verify_books(uow_factory: UowFactory, *, as_of: date | None, now: datetime) -> BooksReport:
    """Every invariant of ``domain/books.py`` as of ``as_of`` (default: the practice's today)."""
    with uow_factory() as uow:
        day = as_of or practice_date(uow, now)
        zone = uow.practice.profile().time_zone or ZoneInfo("UTC")
        until = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
        facts = books_facts(uow.read, as_of=day, until=until)
        entries, problems = closed_period_facts(uow, day)
        return verify(
            replace(
                facts,
                aging_total=aging_total(uow, day),
                closed_period_entries=entries,
                closed_period_problems=problems,
                unproven_cash=unproven_cash(uow, day),
                patient_aging_totals=_patient_aging_totals(uow, day),
                patient_receivables=patient_receivable(uow.read, day),
            )
        )


def _patient_aging_totals(uow: UnitOfWork, as_of: date) -> list[Money]:
    """What the patient aging adds up to, by patient account and by guarantor."""
    aging = patient_aging_in(uow, as_of)
    return [total(t for _key, _b, t in rows) for rows in (aging.by_account(), aging.by_guarantor())]


def unproven_cash(uow: UnitOfWork, as_of: date) -> list[UnprovenCash]:
    """The 835s paid in a closed month whose money no deposit proves (BOOKS010): a month
    closes only once its cash is reconciled, so one found later is a hole in the books. In the
    open months the same exceptions are reconciliation's work (``deposits reconcile``)."""
    through = uow.periods.closed().through
    if through is None:
        return []
    found = reassociation_in(uow, as_of)
    settled = explained_exceptions(uow)
    return [
        UnprovenCash(
            g.trace,
            g.verdict.value,
            tuple(e.remittance_id for e in g.eras),
            g.era_total,
            g.unproven,
        )
        for g in found.groups
        if g.verdict is not Verdict.AWAITING
        and g.problem_key not in settled
        and g.eras
        and max(e.paid_on for e in g.eras) <= through.last_day
    ]


def closed_period_facts(uow: UnitOfWork, as_of: date) -> tuple[list[ClosedPeriodEntry], list[str]]:
    """BOOKS009's facts for the months closed by ``as_of``: the entries recorded into them after
    they closed, and how each one's roll-forward now differs from a reconciled one or from the
    figures it closed with."""
    closed = {
        state.month: event.at
        for state in uow.periods.states()
        if state.status is PeriodStatus.CLOSED
        and state.month.last_day <= as_of
        and (event := state.last_closed) is not None
    }
    entries = [
        ClosedPeriodEntry(entry_id, effective, str(month))
        for entry_id, effective, month in late_entries(uow.read, closed)
    ]
    problems: list[str] = []
    for month in sorted(closed):
        problems += _roll_forward_problems(uow, month)
    return entries, problems + _kpi_problems(uow, closed)


def _kpi_problems(uow: UnitOfWork, closed: Collection[Month]) -> list[str]:
    """Each closed month's net A/R and 90 days' net revenue as its close kept them (the
    monthly trend shows those) against the ledger's sums now."""
    kept = {m: k for m, k in uow.periods.month_end_kpis().items() if m in closed}
    months = sorted(kept)
    now = month_end_kpis(uow.read, [m.last_day for m in months], Scope())
    return [
        f"period {month}: closed with net A/R {kept[month].net_ar} and 90 days' net revenue "
        f"{kept[month].net_revenue}; now {found.net_ar} and {found.net_revenue}"
        for month, found in zip(months, now, strict=True)
        if found != kept[month]
    ]


def _roll_forward_problems(uow: UnitOfWork, month: Month) -> list[str]:
    pack = read_month_end(uow, month)
    problems = [f.message for f in pack.findings]
    stored = uow.periods.closing_figures(month)
    now = {line.payer_class: line for line in pack.roll_forward}
    for payer_class in sorted(set(stored) | set(now)):
        line = now.get(payer_class)
        figures = (
            (
                line.opening,
                line.charges,
                line.payments,
                line.adjustments,
                line.transfers,
                line.closing,
            )
            if line is not None
            else (Money.zero(),) * 6
        )
        closed_with = stored.get(payer_class, (Money.zero(),) * 6)
        if figures != closed_with:
            problems.append(
                f"period {month} {payer_class}: closed with opening, charges, payments, "
                f"adjustments, transfers, closing = {', '.join(map(str, closed_with))}; now "
                f"{', '.join(map(str, figures))}"
            )
    return problems
