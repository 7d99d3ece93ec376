"""The denial lines of a period, read from the first adjudications' stored CAS adjustments
(``first_adjustments``).

Read-only: takes the connection of the open unit of work (``uow.read``). The lines are those
:func:`claimdesk.analytics.denials.denial_lines` makes from every fact of the period, at the
cost of the period's denied claims: the codes the category table calls denials are found
first (a walk over the codes' index, a few dozen rows), then only their adjustments are read.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import groupby

from sqlalchemy import Connection, func, select, tuple_

from claimdesk.analytics.facts import Period, Scope
from claimdesk.analytics.results import ClaimAmount
from claimdesk.denials.table import CategoryTable
from claimdesk.domain.money import Money
from claimdesk.store.first_adjustments import ADJUSTMENTS
from claimdesk.store.queries.kpi_rollups import ORIGINAL, claim_scope
from claimdesk.store.rollups import ROLLUPS

_ZERO = Decimal("0.00")


def _codes(read: Connection) -> Iterator[tuple[str, str]]:
    """Every (group code, CARC) stored, in order: each the next one up the codes' index, so
    the walk costs one index probe per code, not a scan of every adjustment."""
    a = ADJUSTMENTS.c
    group = read.execute(select(func.min(a.group_code))).scalar()
    while group is not None:
        carc = read.execute(select(func.min(a.carc)).where(a.group_code == group)).scalar()
        while carc is not None:
            yield group, carc
            carc = read.execute(
                select(func.min(a.carc)).where(a.group_code == group, a.carc > carc)
            ).scalar()
        group = read.execute(select(func.min(a.group_code)).where(a.group_code > group)).scalar()


def denial_lines_in(
    read: Connection, period: Period, scope: Scope, table: CategoryTable
) -> list[tuple[str, ClaimAmount]]:
    """(payer, denied amount labelled "category group-CARC") per original claim first
    adjudicated in ``period`` in ``scope`` and per denial code, in claim then label order."""
    denied = {
        code: classification
        for code in _codes(read)
        if (classification := table.classify(*code)).is_denial
    }
    if not denied:
        return []
    a, r = ADJUSTMENTS.c, ROLLUPS.c
    query = select(a.claim_id, a.payer_id, a.group_code, a.carc, a.amount).where(
        tuple_(a.group_code, a.carc).in_(sorted(denied)),
        a.adjudicated_on >= period.start,
        a.adjudicated_on <= period.end,
    )
    if scope.provider_npi is None and scope.facility_id is None:
        # The few replacement and void claims (by their partial index) are left out, rather
        # than every rollup joined for its frequency.
        second_pass = select(r.claim_id).where(r.frequency != ORIGINAL)
        query = query.where(a.claim_id.not_in(second_pass))
        if scope.payer_id is not None:
            query = query.where(a.payer_id == scope.payer_id)
    else:
        query = query.join(ROLLUPS, r.claim_id == a.claim_id).where(
            r.frequency == ORIGINAL, *claim_scope(scope)
        )
    query = query.order_by(a.claim_id)
    found: list[tuple[str, ClaimAmount]] = []
    # The rows come in claim order; each claim's are summed per code as decimals, then made
    # money once (a year's denials at a million claims are tens of thousands of lines).
    for claim_id, rows in groupby(read.execute(query), key=lambda row: row.claim_id):
        payer, by_code = "", dict[tuple[str, str], Decimal]()
        for _claim, payer_id, group, carc, amount in rows:
            payer = payer_id
            classification = denied[(group, carc)]
            key = (classification.category.name, classification.code)
            by_code[key] = by_code.get(key, _ZERO) + amount
        found.extend(
            (payer, ClaimAmount(claim_id, Money(amount), f"{category} {code}"))
            for (category, code), amount in sorted(by_code.items())
        )
    return found
