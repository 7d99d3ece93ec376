"""The best open item's priority in each of several practices' queues, in one PostgreSQL query.

Read-only, on the company store's connection (``uow.company_read``): the application's login
role, a member of every practice's role, reads each practice's schema by name. Only the priority
leaves the practice; the item itself is then taken on the practice's own connection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Connection, TextClause, text

from claimdesk.config import DEFAULT_PRACTICE, practice_schema
from claimdesk.domain.work import WorkStatus

Shape = tuple[str, ...]  # the practices asked about, in order


@lru_cache(maxsize=256)
def _statement(shape: Shape) -> TextClause:
    """One statement per set of practices, built once. Each practice's best is its queues'
    tops, each read from the hand-out index by a lateral subquery over the queue names (an
    array parameter): one subplan per practice, not per queue, since PostgreSQL plans the
    statement again on every call (psycopg drops its prepared statements at each rollback,
    and every read-only unit of work ends in one)."""
    parts: list[str] = []
    for p, practice in enumerate(shape):
        # The default practice is the company store's own schema; the others' names come from
        # checked practice ids, so they need no quoting.
        table = (
            "work_items"
            if practice == DEFAULT_PRACTICE
            else f"{practice_schema(practice)}.work_items"
        )
        parts.append(
            f"SELECT CAST(:practice_{p} AS text) AS practice, (SELECT max(top.priority) "
            f"FROM unnest(CAST(:queues_{p} AS text[])) AS queue(name) CROSS JOIN LATERAL "
            f"(SELECT priority FROM {table} WHERE status = :status AND queue = queue.name "
            "ORDER BY priority DESC, id DESC LIMIT 1) AS top) AS best"
        )
    return text(" UNION ALL ".join(parts))


def best_open_priorities(
    read: Connection, queues: Mapping[str, Sequence[str]]
) -> dict[str, Decimal]:
    """Each practice's highest open priority among its ``queues`` (practices with none open
    are left out); each queue read from its hand-out index."""
    shape = tuple(practice for practice, names in queues.items() if names)
    if not shape:
        return {}
    params: dict[str, object] = {"status": WorkStatus.OPEN.value}
    for p, practice in enumerate(shape):
        params[f"practice_{p}"] = practice
        params[f"queues_{p}"] = list(queues[practice])
    rows = read.execute(_statement(shape), params)
    return {str(practice): Decimal(best) for practice, best in rows if best is not None}
