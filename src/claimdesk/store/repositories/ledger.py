"""The ledger in the database: append-only entries and balances summed by SQL.

There is deliberately no update or delete here: a correction is a reversal entry. Balances are
``SUM ... GROUP BY`` in the database, so they scale with the index, not with Python loops; they
equal :meth:`claimdesk.domain.ledger.Journal.balance` over the same entries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from claimdesk.domain.ledger import (
    RECEIVABLES,
    Account,
    BalanceQuery,
    Entry,
    EntryKind,
    Journal,
    LedgerError,
)
from claimdesk.domain.money import Money
from claimdesk.store import ledger_days, rollups, rows
from claimdesk.store.repositories.periods import PeriodRepository
from claimdesk.store.repositories.sql import chunks, insert_rows
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.ledger import LedgerEntryRow, LedgerPostingRow

# The default query: every receivable posting, whoever it is about.
RECEIVABLES_ONLY = BalanceQuery()

_entries = table_of(LedgerEntryRow)
_postings = table_of(LedgerPostingRow)


def _money(value: Any) -> Money:
    return Money.zero() if value is None else Money(value)


def _where(query: BalanceQuery) -> list[ColumnElement[bool]]:
    accounts = _postings.c.account.in_(sorted(a.value for a in query.accounts))
    return [accounts, *_about(query)]


def _about(query: BalanceQuery) -> list[ColumnElement[bool]]:
    """The query's conditions on what a posting is about (all but its account)."""
    p = _postings.c
    conditions: list[ColumnElement[bool]] = []
    if query.patient_account is not None:
        conditions.append(p.patient_account == query.patient_account)
    if query.claim_id is not None:
        conditions.append(p.claim_id == query.claim_id)
    if query.line_number is not None:
        conditions.append(p.line_number == query.line_number)
    if query.payer_id is not None:
        conditions.append(p.payer_id == query.payer_id)
    return conditions


class LedgerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def append(self, entry: Entry) -> None:
        self.append_many([entry])

    def append_many(self, entries: Sequence[Entry]) -> None:
        """Append entries after checking them against the stored journal.

        Raises :class:`LedgerError` for an id already used, or a reversal of an unknown entry,
        of a reversal, of an entry already reversed, or one that does not mirror its original;
        :class:`~claimdesk.domain.periods.ClosedPeriodError` for an entry effective in a closed
        month (the one place entries are written, so no path can post into a closed month).
        """
        if not entries:
            return
        PeriodRepository(self._session).closed_for_posting().check(entries)
        new_ids = [e.entry_id for e in entries]
        for chunk in chunks(new_ids):
            taken = self._session.execute(
                select(_entries.c.entry_id).where(_entries.c.entry_id.in_(chunk)).limit(1)
            ).scalar()
            if taken is not None:
                raise LedgerError(f"entry {taken} is already in the ledger")
        batch = set(new_ids)
        targets = sorted({e.reverses for e in entries if e.reverses} - batch)
        originals = self._load(_entries.c.entry_id.in_(targets)) if targets else []
        for original in originals:
            if original.kind is EntryKind.REVERSAL:
                raise LedgerError(f"entry {original.entry_id} is a reversal and cannot be reversed")
        if targets:
            already = self._session.execute(
                select(_entries.c.reverses).where(_entries.c.reverses.in_(targets)).limit(1)
            ).scalar()
            if already is not None:
                raise LedgerError(f"entry {already} has already been reversed")
        # The domain journal checks the rest: duplicates in the batch, unknown originals, mirrors.
        journal = Journal(originals)
        for entry in entries:
            journal.post(entry)
        entry_rows = [rows.entry_row(e) for e in entries]
        insert_rows(self._session, LedgerEntryRow, entry_rows)
        postings = [p for e in entries for p in rows.posting_rows(e)]
        insert_rows(self._session, LedgerPostingRow, postings)
        ledger_days.add(self._session, entry_rows, postings)
        rollups.touch(self._session, [p["claim_id"] for p in postings])

    def get(self, entry_id: str) -> Entry | None:
        found = self._load(_entries.c.entry_id == entry_id)
        return found[0] if found else None

    def entries(
        self, *, claim_id: str | None = None, patient_account: str | None = None
    ) -> list[Entry]:
        """Entries in posting order: all, or those with a posting for the claim / patient."""
        about = select(_postings.c.entry_id)
        if claim_id is not None:
            about = about.where(_postings.c.claim_id == claim_id)
        if patient_account is not None:
            about = about.where(_postings.c.patient_account == patient_account)
        if claim_id is None and patient_account is None:
            return self._load(None)
        return self._load(_entries.c.entry_id.in_(about))

    def journal(
        self, *, claim_id: str | None = None, patient_account: str | None = None
    ) -> Journal:
        return Journal(self.entries(claim_id=claim_id, patient_account=patient_account))

    def charge_entry_ids(self, claim_ids: Sequence[str]) -> dict[tuple[str, int], list[str]]:
        """Charge entries per (claim, line), oldest first, for the given claims."""
        found: dict[tuple[str, int], list[str]] = defaultdict(list)
        for chunk in chunks(list(claim_ids)):
            query = (
                select(_entries.c.entry_id, _postings.c.claim_id, _postings.c.line_number)
                .join(_postings, _postings.c.entry_id == _entries.c.entry_id)
                .where(
                    _entries.c.kind == EntryKind.CHARGE.value,
                    _postings.c.claim_id.in_(chunk),
                    _postings.c.position == 1,
                )
                .order_by(_entries.c.id)
            )
            for entry_id, claim_id, line_number in self._session.execute(query):
                found[(claim_id, line_number)].append(entry_id)
        return dict(found)

    def reversed_ids(self, entry_ids: Sequence[str]) -> set[str]:
        """Those of ``entry_ids`` that a stored reversal undoes."""
        result: set[str] = set()
        for chunk in chunks(list(entry_ids)):
            result.update(
                self._session.execute(
                    select(_entries.c.reverses).where(_entries.c.reverses.in_(chunk))
                ).scalars()
            )
        return result

    def get_many(self, entry_ids: Sequence[str]) -> dict[str, Entry]:
        result: dict[str, Entry] = {}
        for chunk in chunks(list(entry_ids)):
            result.update((e.entry_id, e) for e in self._load(_entries.c.entry_id.in_(chunk)))
        return result

    def balance(self, query: BalanceQuery = RECEIVABLES_ONLY) -> Money:
        if query.claim_id is not None:
            return self.balances_of_claims([query.claim_id], query).get(
                query.claim_id, Money.zero()
            )
        total = self._session.execute(
            select(func.sum(_postings.c.amount)).where(*_where(query))
        ).scalar()
        return _money(total)

    def balances_of_claims(
        self, claim_ids: Sequence[str], query: BalanceQuery = RECEIVABLES_ONLY
    ) -> dict[str, Money]:
        """Balance per claim of ``claim_ids`` (the query's other fields still apply). Grouped
        by account and summed here, so every database reads the claim index: SQLite would
        otherwise walk every posting of the account for each claim (posting went quadratic)."""
        p = _postings.c
        others = _where(
            BalanceQuery(
                frozenset(Account), query.patient_account, None, query.line_number, query.payer_id
            )
        )[1:]
        wanted = {a.value for a in query.accounts}
        found: dict[str, Money] = {}
        for chunk in chunks(sorted(set(claim_ids))):
            statement = (
                select(p.claim_id, p.account, func.sum(p.amount))
                .where(p.claim_id.in_(chunk), *others)
                .group_by(p.claim_id, p.account)
            )
            for claim_id, account, amount in self._session.execute(statement):
                if account in wanted:
                    found[claim_id] = found.get(claim_id, Money.zero()) + _money(amount)
        return found

    def balances_by_claim(self, query: BalanceQuery = RECEIVABLES_ONLY) -> dict[str, Money]:
        """Balance per claim (postings without a claim are left out)."""
        return self._grouped(_postings.c.claim_id, query)

    def balances_by_line(
        self, claim_id: str, accounts: frozenset[Account] = RECEIVABLES
    ) -> dict[int, Money]:
        """Balance per service line of one claim."""
        query = BalanceQuery(accounts=accounts, claim_id=claim_id)
        return self._grouped(_postings.c.line_number, query)

    def balances_by_payer(self, query: BalanceQuery = RECEIVABLES_ONLY) -> dict[str, Money]:
        return self._grouped(_postings.c.payer_id, query)

    def balances_by_patient(self, query: BalanceQuery = RECEIVABLES_ONLY) -> dict[str, Money]:
        return self._grouped(_postings.c.patient_account, query)

    def trial_balance(self) -> dict[Account, Money]:
        """Every account's balance; like the journal's, the values sum to zero."""
        sums = dict.fromkeys(Account, Money.zero())
        query = select(_postings.c.account, func.sum(_postings.c.amount)).group_by(
            _postings.c.account
        )
        for account, amount in self._session.execute(query):
            sums[Account(account)] = _money(amount)
        return sums

    def _grouped(self, key: Any, query: BalanceQuery) -> dict[Any, Money]:
        statement: Select[Any] = (
            select(key, func.sum(_postings.c.amount))
            .where(*_where(query), key.is_not(None))
            .group_by(key)
        )
        return {k: _money(amount) for k, amount in self._session.execute(statement)}

    def _load(self, where: ColumnElement[bool] | None) -> list[Entry]:
        entry_query = select(_entries).order_by(_entries.c.id)
        posting_query = select(_postings)
        if where is not None:
            entry_query = entry_query.where(where)
            posting_query = posting_query.where(
                _postings.c.entry_id.in_(select(_entries.c.entry_id).where(where))
            )
        postings: dict[str, list[rows.RowIn]] = defaultdict(list)
        for row in self._session.execute(posting_query).mappings():
            postings[row["entry_id"]].append(row)
        return [
            rows.entry_of(row, postings[row["entry_id"]])
            for row in self._session.execute(entry_query).mappings()
        ]
