"""The claims worklist (issue 17): claims filtered by status, payer, provider, age, open
balance and denial category, sorted by any column, a page at a time, with how many matched.

Read-only, on the KPI rollups (one row per claim, with its payer, patient, provider, date of
service, charge and open balances), the claims' statuses, the patients' names, and the active
denial items for the category.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Select, exists, func, select

from claimdesk.domain.money import Money
from claimdesk.domain.work import ACTIVE_STATUSES, WorkKind
from claimdesk.domain.worklist import ClaimFilter, WorklistRow
from claimdesk.store.rollups import ROLLUPS
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.patients import PatientRow
from claimdesk.store.tables.reference import PayerRow
from claimdesk.store.tables.work_items import WorkItemRow

ITEMS = table_of(WorkItemRow)


def _base(today: date, where: ClaimFilter) -> tuple[Select[Any], dict[str, Any]]:
    r, c, p, pay = ROLLUPS.c, ClaimRow, PatientRow, PayerRow
    balance = r.insurance_ar + r.patient_ar
    columns: dict[str, Any] = {
        "claim_id": r.claim_id,
        "status": c.status,
        "payer": r.payer_id,
        "patient": p.last_name,
        "date_of_service": r.date_of_service,
        "charge": r.charge,
        "balance": balance,
    }
    query = (
        select(
            r.claim_id,
            c.status,
            r.payer_id,
            func.coalesce(pay.name, r.payer_id),
            r.patient_account,
            p.last_name,
            p.first_name,
            r.rendering_npi,
            r.date_of_service,
            r.charge,
            balance.label("balance"),
        )
        .join(c, c.claim_id == r.claim_id)
        .join(p, p.account == r.patient_account)
        .outerjoin(pay, pay.payer_id == r.payer_id)
    )
    conditions = []
    if where.status:
        conditions.append(c.status == where.status)
    if where.payer_id:
        conditions.append(r.payer_id == where.payer_id)
    if where.provider_npi:
        conditions.append(r.rendering_npi == where.provider_npi)
    if where.min_age_days is not None:
        conditions.append(r.date_of_service <= today - timedelta(days=where.min_age_days))
    if where.max_age_days is not None:
        conditions.append(r.date_of_service >= today - timedelta(days=where.max_age_days))
    if where.min_balance is not None:
        conditions.append(balance >= where.min_balance.amount)
    if where.denial_category:
        conditions.append(
            exists().where(
                ITEMS.c.claim_id == r.claim_id,
                ITEMS.c.kind == WorkKind.DENIAL.value,
                ITEMS.c.category == where.denial_category,
                ITEMS.c.status.in_(sorted(s.value for s in ACTIVE_STATUSES)),
            )
        )
    return query.where(*conditions), columns


def _row(found: Any) -> WorklistRow:
    (claim_id, status, payer_id, payer_name, account, last, first, npi, dos, charge, balance) = (
        found
    )
    return WorklistRow(
        claim_id=claim_id,
        status=status,
        payer_id=payer_id,
        payer_name=payer_name,
        patient_account=account,
        patient_name=f"{last}, {first}",
        rendering_npi=npi,
        date_of_service=dos,
        charge=Money(charge),
        balance=Money(balance),
    )


def _ordered(query: Select[Any], columns: dict[str, Any], sort: str, descending: bool) -> Any:
    column = columns.get(sort, columns["date_of_service"])
    key = column.desc() if descending else column.asc()
    # The claim id breaks ties, so a page never shows a row twice or skips one.
    return query.order_by(key, columns["claim_id"].desc() if descending else columns["claim_id"])


def claims_page(
    read: Connection,
    today: date,
    where: ClaimFilter,
    *,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
) -> tuple[list[WorklistRow], int]:
    """One page of the matching claims, and how many match in all."""
    query, columns = _base(today, where)
    matched = read.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = _ordered(query, columns, sort, descending).offset(offset).limit(limit)
    return [_row(found) for found in read.execute(page)], int(matched)


def all_claims(
    read: Connection, today: date, where: ClaimFilter, *, sort: str, descending: bool
) -> Iterator[WorklistRow]:
    """Every matching claim in order, read in batches (the CSV export)."""
    query, columns = _base(today, where)
    ordered = _ordered(query, columns, sort, descending).execution_options(yield_per=1000)
    for found in read.execute(ordered):
        yield _row(found)
