"""The ledger of the visits served by a day: each account's balance over their claims.

Read-only (``uow.read``): one grouped sum of the postings effective on or before ``as_of`` of
the claims whose date of service (the KPI rollup's) is on or before ``served_by``, for
``analytics.served_collection``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, func, select

from claimdesk.domain.money import Money
from claimdesk.store.rollups import ROLLUPS
from claimdesk.store.tables.ledger import LedgerPostingRow


def served_balances(
    read: Connection, *, as_of: date, served_by: date
) -> tuple[int, dict[str, Money]]:
    """How many claims were served by ``served_by``, and their balance per account at the end
    of ``as_of``."""
    r, p = ROLLUPS.c, LedgerPostingRow
    claims = read.execute(
        select(func.count()).select_from(ROLLUPS).where(r.date_of_service <= served_by)
    ).scalar_one()
    sums = read.execute(
        select(p.account, func.sum(p.amount))
        .join(ROLLUPS, r.claim_id == p.claim_id)
        .where(r.date_of_service <= served_by, p.effective <= as_of)
        .group_by(p.account)
    )
    return int(claims), {account: Money(amount) for account, amount in sums if amount is not None}
