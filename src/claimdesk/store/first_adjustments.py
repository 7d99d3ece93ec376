"""The CAS adjustments of each claim's first adjudication (``first_adjustments``), kept with
the claim's rollup.

The rollup names the first adjudication (``adjudication_id``); its 835 claim payment keeps the
claim-level and line-level CAS adjustments as the posting read them (``adjudication``). A
claim's rows are those adjustments summed per group code and CARC. :func:`refresh` rewrites the
rows of the claims whose rollups it was given, after the rollups (``rollups.refresh``);
:func:`rebuild` writes every claim's (the migration's backfill, a generated practice) and
:func:`drifted` is what ``books verify`` (BOOKS008) compares the stored rows with. Like the
rollup, a claim's rows are always recomputed, never adjusted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.claim_rollups import ClaimRollupRow, FirstAdjustmentRow
from claimdesk.store.tables.remittances import ClaimPaymentRow

ADJUSTMENTS = table_of(FirstAdjustmentRow)
_BATCH = 5000  # rows inserted per statement when every claim is rebuilt

Row = dict[str, Any]


def _cas(adjudication: Mapping[str, Any]) -> Iterator[tuple[str, str, Decimal]]:
    """Every CAS adjustment the posting kept: the claim's, then each line's."""
    for group, carc, amount in adjudication.get("adjustments", []):
        yield group, carc, Decimal(amount)
    for line in adjudication.get("lines", []):
        for group, carc, amount in line.get("adjustments", []):
            yield group, carc, Decimal(amount)


def rows_of(
    found: Iterable[tuple[str, str, date, Mapping[str, Any] | None]],
) -> Iterator[Row]:
    """The rows of (claim, payer, day of first adjudication, that payment's adjudication)."""
    for claim_id, payer_id, adjudicated_on, adjudication in found:
        summed: dict[tuple[str, str], Decimal] = {}
        for group, carc, amount in _cas(adjudication or {}):
            summed[(group, carc)] = summed.get((group, carc), Decimal(0)) + amount
        for (group, carc), amount in sorted(summed.items()):
            yield {
                "claim_id": claim_id,
                "group_code": group,
                "carc": carc,
                "payer_id": payer_id,
                "adjudicated_on": adjudicated_on,
                "amount": amount,
            }


def _first(claims: Any | None) -> Any:
    """(claim, payer, day, adjudication) of the first adjudications of ``claims`` (a condition
    on the rollups; every claim when None), in claim order."""
    r, p = ClaimRollupRow, ClaimPaymentRow
    query = (
        select(r.claim_id, r.payer_id, r.adjudicated_on, p.adjudication)
        .join(p, p.id == r.adjudication_id)
        .order_by(r.claim_id)
    )
    return query if claims is None else query.where(claims)


def _insert(connection: Connection, rows: Iterable[Row]) -> None:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            connection.execute(insert(ADJUSTMENTS), batch)
            batch = []
    if batch:
        connection.execute(insert(ADJUSTMENTS), batch)


def refresh(connection: Connection, among: Callable[[Any], Any]) -> None:
    """Rewrite the rows of the claims ``among`` names (a condition on a claim id column) from
    their rollups, refreshed already in this transaction."""
    connection.execute(delete(ADJUSTMENTS).where(among(ADJUSTMENTS.c.claim_id)))
    found = connection.execute(_first(among(ClaimRollupRow.claim_id)))
    _insert(connection, rows_of(found))


def rebuild(connection: Connection) -> None:
    """Every claim's rows afresh."""
    connection.execute(delete(ADJUSTMENTS))
    found = connection.execute(_first(None).execution_options(yield_per=_BATCH))
    _insert(connection, rows_of(found))


def drifted(connection: Connection) -> list[str]:
    """The claims whose stored rows differ from a recomputation (missing, extra or changed)."""
    columns = ("group_code", "carc", "payer_id", "adjudicated_on", "amount")
    stored: dict[str, set[tuple[Any, ...]]] = {}
    for kept in connection.execute(select(ADJUSTMENTS)).mappings():
        stored.setdefault(kept["claim_id"], set()).add(tuple(kept[c] for c in columns))
    fresh: dict[str, set[tuple[Any, ...]]] = {}
    for row in rows_of(connection.execute(_first(None))):
        fresh.setdefault(row["claim_id"], set()).add(tuple(row[c] for c in columns))
    return sorted(c for c in stored.keys() | fresh.keys() if stored.get(c) != fresh.get(c))
