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

from sqlalchemy import Connection, and_, delete, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from claimdesk.domain.money import Money
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.ledger import LedgerDayRow, LedgerEntryRow, LedgerPostingRow

DAYS = table_of(LedgerDayRow)
_KEY = ("effective", "account", "kind", "from_payer")


def add(
    session: Session, entries: Iterable[Mapping[str, Any]], postings: Iterable[Mapping[str, Any]]
) -> None:
    """Add the sums of ``postings`` (rows of ``ledger_postings`` of the ``entries`` rows, in the
    same transaction) to their days."""
    entry = {e["entry_id"]: (e["effective"], e["kind"]) for e in entries}
    sums: dict[tuple[date, str, str, bool], tuple[Decimal, int]] = {}
    for p in postings:
        day, kind = entry[p["entry_id"]]
        key = (day, p["account"], kind, p["payer_id"] is not None)
        amount, count = sums.get(key, (Decimal(0), 0))
        sums[key] = (amount + p["amount"], count + 1)
    if not sums:
        return
    values = [
        {
            "effective": day,
            "account": account,
            "kind": kind,
            "from_payer": from_payer,
            "amount": amount,
            "postings": count,
        }
        for (day, account, kind, from_payer), (amount, count) in sorted(sums.items())
    ]
    dialect = session.get_bind().dialect.name
    upsert = (postgresql if dialect == "postgresql" else sqlite).insert(DAYS).values(values)
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=[DAYS.c[k] for k in _KEY],
            set_={
                "amount": DAYS.c.amount + upsert.excluded.amount,
                "postings": DAYS.c.postings + upsert.excluded.postings,
            },
        )
    )


def _summed() -> Any:
    p, e = LedgerPostingRow, LedgerEntryRow
    from_payer = p.payer_id.is_not(None)
    return (
        select(
            e.effective.label("effective"),
            p.account.label("account"),
            e.kind.label("kind"),
            from_payer.label("from_payer"),
            func.sum(p.amount).label("amount"),
            func.count().label("postings"),
        )
        .join(e, e.entry_id == p.entry_id)
        .group_by(e.effective, p.account, e.kind, from_payer)
    )


def rebuild(connection: Connection) -> None:
    """Every day's balances from the whole journal."""
    connection.execute(delete(DAYS))
    connection.execute(insert(DAYS).from_select([*_KEY, "amount", "postings"], _summed()))


def drifted(connection: Connection) -> int:
    """How many day rows differ from the journal's sums: missing, extra or changed."""
    fresh = _summed().subquery("fresh")
    stored = DAYS

    def same_key(one: Any, other: Any) -> Any:
        return and_(*(one.c[k] == other.c[k] for k in _KEY))

    changed = (
        select(fresh.c.effective)
        .outerjoin(stored, same_key(stored, fresh))
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
        .outerjoin(fresh, same_key(stored, fresh))
        .where(fresh.c.account.is_(None))
    )
    both = changed.union_all(extra).subquery()
    return int(connection.execute(select(func.count()).select_from(both)).scalar_one())


def daily(
    connection: Connection, accounts: Iterable[str], start: date, end: date
) -> dict[date, Money]:
    """The postings to ``accounts`` summed per day of ``start``..``end``."""
    d = DAYS.c
    query = (
        select(d.effective, func.sum(d.amount))
        .where(d.account.in_(sorted(accounts)), d.effective >= start, d.effective <= end)
        .group_by(d.effective)
    )
    return {day: Money(Decimal(amount)) for day, amount in connection.execute(query)}


def period_sum(
    connection: Connection,
    accounts: Iterable[str],
    start: date,
    end: date,
    *,
    kinds: Iterable[str] | None = None,
    from_payer: bool | None = None,
) -> tuple[Decimal, int]:
    """The postings to ``accounts`` effective ``start``..``end``: their sum and how many, of
    the entry ``kinds`` only and of postings naming a payer or not, when given."""
    d = DAYS.c
    conditions = [d.account.in_(sorted(accounts)), d.effective >= start, d.effective <= end]
    if kinds is not None:
        conditions.append(d.kind.in_(sorted(kinds)))
    if from_payer is not None:
        conditions.append(d.from_payer.is_(from_payer))
    amount, count = connection.execute(
        select(func.sum(d.amount), func.sum(d.postings)).where(*conditions)
    ).one()
    return Decimal(amount or 0), int(count or 0)


def balances(connection: Connection, as_of: date) -> dict[str, Decimal]:
    """Every account's balance at the end of ``as_of``."""
    query = (
        select(DAYS.c.account, func.sum(DAYS.c.amount))
        .where(DAYS.c.effective <= as_of)
        .group_by(DAYS.c.account)
    )
    return {str(account): Decimal(amount) for account, amount in connection.execute(query)}
