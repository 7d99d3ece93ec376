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

Shape = tuple[tuple[str, int], ...]  # each practice with its number of queues


@lru_cache(maxsize=256)
def _statement(shape: Shape) -> TextClause:
    """One statement per shape, built once: a person's practices and queues change seldom, and
    building some hundred subqueries as SQLAlchemy constructs cost more than running them."""
    parts: list[str] = []
    for p, (practice, count) in enumerate(shape):
        # The default practice is the company store's own schema; the others' names come from
        # checked practice ids, so they need no quoting.
        table = (
            "work_items"
            if practice == DEFAULT_PRACTICE
            else f"{practice_schema(practice)}.work_items"
        )
        parts.extend(
            f"(SELECT :practice_{p} AS practice, priority FROM {table} "
            f"WHERE status = :status AND queue = :queue_{p}_{q} "
            "ORDER BY priority DESC, id DESC LIMIT 1)"
            for q in range(count)
        )
    return text(
        f"SELECT practice, max(priority) FROM ({' UNION ALL '.join(parts)}) AS best "
        "GROUP BY practice"
    )


def best_open_priorities(
    read: Connection, queues: Mapping[str, Sequence[str]]
) -> dict[str, Decimal]:
    """Each practice's highest open priority among its ``queues`` (practices with none open
    are left out); each queue read from its hand-out index."""
    shape = tuple((practice, len(names)) for practice, names in queues.items() if names)
    if not shape:
        return {}
    params: dict[str, str] = {"status": WorkStatus.OPEN.value}
    for p, (practice, _count) in enumerate(shape):
        params[f"practice_{p}"] = practice
        params.update({f"queue_{p}_{q}": name for q, name in enumerate(queues[practice])})
    rows = read.execute(_statement(shape), params)
    return {str(practice): Decimal(priority) for practice, priority in rows}
