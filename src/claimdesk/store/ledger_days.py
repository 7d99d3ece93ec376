"""The ledger's balances by day (``ledger_days``), kept as postings are inserted.

The journal is append-only, so a day's balance only ever grows by the postings inserted for it:
:func:`add` adds each batch's sums in the batch's transaction (an upsert, so two batches on one
day add up), :func:`rebuild` sums the whole journal (the migration's backfill, a generated
practice), and :func:`drifted` is what ``books verify`` (BOOKS008) compares the rows with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.ledger import LedgerDayRow, LedgerEntryRow, LedgerPostingRow

DAYS = table_of(LedgerDayRow)


def add(
    session: Session, entries: Iterable[Mapping[str, Any]], postings: Iterable[Mapping[str, Any]]
) -> None:
    """Add the sums of ``postings`` (rows of ``ledger_postings`` of the ``entries`` rows, in the
    same transaction) to their days."""
    effective = {e["entry_id"]: e["effective"] for e in entries}
    sums: dict[tuple[date, str], tuple[Decimal, int]] = {}
    for p in postings:
        key = (effective[p["entry_id"]], p["account"])
        amount, count = sums.get(key, (Decimal(0), 0))
        sums[key] = (amount + p["amount"], count + 1)
    if not sums:
        return
    values = [
        {"effective": day, "account": account, "amount": amount, "postings": count}
        for (day, account), (amount, count) in sorted(sums.items())
    ]
    dialect = session.get_bind().dialect.name
    upsert = (postgresql if dialect == "postgresql" else sqlite).insert(DAYS).values(values)
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=[DAYS.c.effective, DAYS.c.account],
            set_={
                "amount": DAYS.c.amount + upsert.excluded.amount,
                "postings": DAYS.c.postings + upsert.excluded.postings,
            },
        )
    )


def _summed() -> Any:
    p, e = LedgerPostingRow, LedgerEntryRow
    return (
        select(
            e.effective.label("effective"),
            p.account.label("account"),
            func.sum(p.amount).label("amount"),
            func.count().label("postings"),
        )
        .join(e, e.entry_id == p.entry_id)
        .group_by(e.effective, p.account)
    )


def rebuild(connection: Connection) -> None:
    """Every day's balances from the whole journal."""
    connection.execute(delete(DAYS))
    connection.execute(
        insert(DAYS).from_select(["effective", "account", "amount", "postings"], _summed())
    )


def drifted(connection: Connection) -> int:
    """How many (day, account) rows differ from the journal's sums: missing, extra or changed."""
    fresh = _summed().subquery("fresh")
    stored = DAYS
    changed = (
        select(fresh.c.effective)
        .outerjoin(
            stored,
            (stored.c.effective == fresh.c.effective) & (stored.c.account == fresh.c.account),
        )
        .where(
            or_(
                stored.c.account.is_(None),
                stored.c.amount != fresh.c.amount,
                stored.c.postings != fresh.c.postings,
            )
        )
    )
    extra = (
        select(stored.c.effective)
        .outerjoin(
            fresh,
            (stored.c.effective == fresh.c.effective) & (stored.c.account == fresh.c.account),
        )
        .where(fresh.c.account.is_(None))
    )
    both = changed.union_all(extra).subquery()
    return int(connection.execute(select(func.count()).select_from(both)).scalar_one())


def balances(connection: Connection, as_of: date) -> dict[str, Decimal]:
    """Every account's balance at the end of ``as_of``."""
    query = (
        select(DAYS.c.account, func.sum(DAYS.c.amount))
        .where(DAYS.c.effective <= as_of)
        .group_by(DAYS.c.account)
    )
    return {str(account): Decimal(amount) for account, amount in connection.execute(query)}
