"""The remittance (ERA) list and one remittance in detail (issue 17).

Read-only: the 835 payments (``remittances``) with their payer's name and the file they came
in, filtered, sorted by any column and read a page at a time with how many matched; one
remittance with its claim payments (CLP loops) and its provider-level adjustments (the PLB
entries it posted).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Date, func, or_, select, type_coerce

from claimdesk.domain.eras import EraDetail, EraFilter, EraPayment, EraRow, ProviderAdjustment
from claimdesk.domain.ledger import Account
from claimdesk.domain.money import Money
from claimdesk.store.rollups import paid_on
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.ledger import LedgerEntryRow, LedgerPostingRow
from claimdesk.store.tables.reference import PayerRow
from claimdesk.store.tables.remittances import ClaimPaymentRow, RemitFileRow, RemittanceRow

SORTS = ("paid_on", "payer", "trace", "amount", "claims", "status")


def _base(read: Connection, where: EraFilter) -> tuple[Any, dict[str, Any]]:
    r, cp, f = RemittanceRow, ClaimPaymentRow, RemitFileRow
    day = type_coerce(paid_on(read), Date)
    # The 835 names its payer by TRN03 or N1*PR; its claims name the payer we billed.
    billed = (
        select(ClaimRow.payer_id)
        .join(cp, cp.claim_id == ClaimRow.claim_id)
        .where(cp.remittance_id == r.remittance_id)
        .limit(1)
        .scalar_subquery()
    )
    payer = func.coalesce(billed, r.payer_key)
    name = func.coalesce(
        select(PayerRow.name).where(PayerRow.payer_id == billed).scalar_subquery(), r.payer_key
    )
    columns: dict[str, Any] = {
        "paid_on": day,
        "payer": name,
        "trace": r.trace_number,
        "amount": r.payment_amount,
        "claims": r.claim_count,
        "status": r.status,
        "id": r.remittance_id,
    }
    query = select(
        r.remittance_id,
        payer,
        name,
        r.trace_number,
        day,
        r.payment_amount,
        r.claim_count,
        r.status,
        r.reason,
        func.coalesce(f.name, ""),
    ).outerjoin(f, f.sha256 == r.file_sha256)
    conditions = []
    if where.payer:
        conditions.append(or_(r.payer_key == where.payer, billed == where.payer))
    if where.status:
        conditions.append(r.status == where.status)
    if where.trace:
        conditions.append(r.trace_number == where.trace)
    if where.paid_from is not None:
        conditions.append(day >= where.paid_from)
    if where.paid_to is not None:
        conditions.append(day <= where.paid_to)
    if where.min_amount is not None:
        conditions.append(r.payment_amount >= where.min_amount.amount)
    return query.where(*conditions), columns


def _row(found: Any) -> EraRow:
    remittance_id, payer, name, trace, day, amount, claims, status, reason, file_name = found
    return EraRow(
        remittance_id=remittance_id,
        payer=payer,
        payer_name=name,
        trace_number=trace,
        paid_on=day,
        amount=Money(amount),
        claims=claims,
        status=status,
        reason=reason,
        file_name=file_name,
    )


def _ordered(query: Any, columns: dict[str, Any], sort: str, descending: bool) -> Any:
    column = columns.get(sort, columns["paid_on"])
    key = column.desc() if descending else column.asc()
    # The remittance id breaks ties, so a page never shows a row twice or skips one.
    return query.order_by(key, columns["id"].desc() if descending else columns["id"])


def era_page(
    read: Connection, where: EraFilter, *, sort: str, descending: bool, offset: int, limit: int
) -> tuple[list[EraRow], int]:
    """One page of the matching remittances, and how many match in all."""
    query, columns = _base(read, where)
    matched = read.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = _ordered(query, columns, sort, descending).offset(offset).limit(limit)
    return [_row(found) for found in read.execute(page)], int(matched)


def all_eras(
    read: Connection, where: EraFilter, *, sort: str, descending: bool
) -> Iterator[EraRow]:
    """Every matching remittance in order, read in batches (the CSV export)."""
    query, columns = _base(read, where)
    ordered = _ordered(query, columns, sort, descending).execution_options(yield_per=1000)
    for found in read.execute(ordered):
        yield _row(found)


def era_detail(read: Connection, remittance_id: str) -> EraDetail | None:
    """One remittance with its claim payments in file order and its PLB adjustments."""
    query, _columns = _base(read, EraFilter())
    found = read.execute(query.where(RemittanceRow.remittance_id == remittance_id)).first()
    if found is None:
        return None
    cp = ClaimPaymentRow
    payments = tuple(
        EraPayment(
            position=row.position_index,
            claim_id=row.claim_id,
            patient_control_number=row.patient_control_number,
            status=row.status,
            clp_status=row.clp_status,
            charge=Money(row.charge),
            paid=Money(row.paid),
            patient_share=Money(row.patient_share),
            denied=Money(row.denied),
            payer_claim_number=row.payer_claim_number,
            reason=row.reason,
        )
        for row in read.execute(
            select(
                cp.position_index,
                cp.claim_id,
                cp.patient_control_number,
                cp.status,
                cp.clp_status,
                cp.charge,
                cp.paid,
                cp.patient_share,
                cp.denied,
                cp.payer_claim_number,
                cp.reason,
            )
            .where(cp.remittance_id == remittance_id)
            .order_by(cp.position_index)
        )
    )
    e, p = LedgerEntryRow, LedgerPostingRow
    # A PLB item's entry: the cash it took (positive PLB04) or added, on its claim or none.
    plb = read.execute(
        select(e.entry_id, e.memo, p.claim_id, p.amount)
        .join(p, p.entry_id == e.entry_id)
        .where(e.entry_id.like(f"{remittance_id}:plb:%"), p.account == Account.CASH.value)
        .order_by(e.id)
    )
    adjustments = tuple(
        ProviderAdjustment(entry_id, memo, claim_id, -Money(amount))
        for entry_id, memo, claim_id, amount in plb
    )
    return EraDetail(_row(found), payments, adjustments)
